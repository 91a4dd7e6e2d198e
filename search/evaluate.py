"""Retrieval quality for known-item and judged query sets: MRR@10, nDCG@10,
Recall@10 and Recall@100 per query kind. The metrics are pure functions of a
ranked id list and the relevant ids (binary relevance)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson
from pydantic import BaseModel, Field

ALL = "all"
XLING = "en->ar"


class Judged(BaseModel):
    """One evaluation query. Reads ``queries-dev.jsonl`` lines (``qid``, ``query``,
    ``relevant``, ``kind``) and ``xling-dev.jsonl`` lines (``qid``, ``query_en``,
    ``doc_id``; kind ``en->ar``)."""

    qid: str
    query: str
    relevant: list[str] = Field(min_length=1)
    kind: str = ALL


class Scores(BaseModel):
    kind: str
    queries: int
    mrr_10: float
    ndcg_10: float
    recall_10: float
    recall_100: float


class JudgedError(ValueError):
    """A query file line that cannot be evaluated; the message names file:line."""


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def ndcg(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    gain = sum(1.0 / math.log2(rank + 1) for rank, d in enumerate(ranked[:k], start=1) if d in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def parse_judged(line: bytes, where: str) -> Judged:
    try:
        item = orjson.loads(line)
        if not isinstance(item, dict):
            raise TypeError("not a JSON object")
        if "query_en" in item and "query" not in item:
            item = {"qid": item.get("qid"), "query": item["query_en"], "relevant": [item.get("doc_id")], "kind": XLING}
        return Judged.model_validate(item)
    except (orjson.JSONDecodeError, TypeError, ValueError) as error:
        raise JudgedError(
            f"{where}: expected {{qid, query, relevant, kind}} or {{qid, query_en, doc_id}} ({error})"
        ) from error


def load_judged(path: Path) -> list[Judged]:
    """Every query of a JSONL file; the first bad line raises ``JudgedError``."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError as error:
        raise JudgedError(f"cannot read {path}: {error.strerror}") from error
    return [parse_judged(line, f"{path}:{number}") for number, line in enumerate(lines, start=1) if line.strip()]


def evaluate(queries: Sequence[Judged], runs: Mapping[str, Sequence[str]]) -> list[Scores]:
    """Mean scores per kind (sorted), then over all queries; a query with no
    run counts as retrieving nothing."""
    groups: dict[str, list[Judged]] = {}
    for query in queries:
        groups.setdefault(query.kind, []).append(query)
    if len(groups) > 1 or ALL not in groups:
        groups[ALL] = list(queries)
    out = []
    for kind in sorted(groups, key=lambda name: (name == ALL, name)):
        members = groups[kind]
        rows = [(runs.get(q.qid, []), set(q.relevant)) for q in members]
        n = len(rows)
        out.append(
            Scores(
                kind=kind,
                queries=n,
                mrr_10=sum(reciprocal_rank(r, rel) for r, rel in rows) / n,
                ndcg_10=sum(ndcg(r, rel) for r, rel in rows) / n,
                recall_10=sum(recall(r, rel, 10) for r, rel in rows) / n,
                recall_100=sum(recall(r, rel, 100) for r, rel in rows) / n,
            )
        )
    return out
