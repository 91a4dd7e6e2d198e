"""What every benchmark needs: where the shared data is, a body-only copy of
the corpus, and the known-item metrics. Benchmarks run on demand and print
figures; none of this is imported by the product."""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ARSHIF_BENCH_DATA", REPO.parent / "shared" / "data"))


def data_file(name: str) -> Path:
    """A file of the shared dev data, or exit saying where it was looked for."""
    path = DATA / name
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (set ARSHIF_BENCH_DATA to the folder with {name})")
    return path


def body_only_corpus(target: Path) -> Path:
    """news-dev as JSONL with empty titles: the title queries are meant for an
    index built from bodies only (see the data README)."""
    if not target.exists():
        with gzip.open(data_file("news-dev.jsonl.gz"), "rt", encoding="utf-8") as source, target.open(
            "w", encoding="utf-8"
        ) as out:
            for line in source:
                record = json.loads(line)
                record["title"] = ""
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target


def load_queries(name: str = "queries-dev.jsonl") -> list[dict]:
    with data_file(name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def known_item_metrics(runs: dict[str, list[str]], queries: Iterable[dict]) -> dict[str, dict[str, float]]:
    """MRR@10, Recall@10 and Recall@100 per query kind (and 'all')."""
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for query in queries:
        ranked = runs.get(query["qid"], [])
        relevant = set(query["relevant"])
        rank = next((i for i, doc in enumerate(ranked[:10], start=1) if doc in relevant), None)
        row = (1 / rank if rank else 0.0, float(rank is not None), float(bool(relevant & set(ranked[:100]))))
        rows[query.get("kind", "all")].append(row)
        rows["all"].append(row)
    return {
        kind: {name: sum(r[i] for r in values) / len(values) for i, name in enumerate(("MRR@10", "R@10", "R@100"))}
        for kind, values in rows.items()
    }


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
