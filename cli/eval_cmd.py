"""``arshif eval``: run a judged query file against the index and print
MRR@10, nDCG@10, Recall@10/100 per query kind."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from cli.common import IndexOption, fail, open_backend, out
from cli.search_cmd import ModeOption, service_for
from search.backend import BackendError
from search.embed import EmbedderError
from search.engine import SearchService
from search.evaluate import Judged, JudgedError, Scores, evaluate, load_judged
from search.models import Mode, SearchRequest

DEPTH = 100


def run_queries(service: SearchService, queries: list[Judged], mode: Mode | None, depth: int = DEPTH) -> dict[str, list[str]]:
    """Ranked ids per qid; queries are read leniently, as the search box reads them."""
    runs = {}
    for query in queries:
        response = service.search(SearchRequest(query=query.query, limit=depth, snippets=False, mode=mode))
        runs[query.qid] = [hit.id for hit in response.hits]
    return runs


def print_scores(scores: list[Scores], title: str) -> None:
    table = Table(title=title)
    for column in ("kind", "queries", "MRR@10", "nDCG@10", "R@10", "R@100"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for row in scores:
        table.add_row(
            row.kind,
            str(row.queries),
            *(f"{value:.3f}" for value in (row.mrr_10, row.ndcg_10, row.recall_10, row.recall_100)),
        )
    out.print(table)


def eval_(
    queries: Annotated[Path, typer.Argument(help="JSONL: qid, query, relevant, kind (or xling: query_en, doc_id).")],
    index: IndexOption = None,
    mode: ModeOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Measure retrieval quality on a judged query file."""
    try:
        judged = load_judged(queries)
    except JudgedError as error:
        fail(str(error))
    if not judged:
        fail(f"{queries}: no queries")
    backend = open_backend(index)
    service = service_for(backend, mode)
    try:
        runs = run_queries(service, judged, mode)
    except (BackendError, EmbedderError) as error:
        fail(str(error))
    ran = service.resolve_mode(mode, [])
    scores = evaluate(judged, runs)
    if json_output:
        body = {"mode": ran.value, "queries": str(queries), "scores": [s.model_dump() for s in scores]}
        sys.stdout.write(orjson.dumps(body).decode() + "\n")
    else:
        print_scores(scores, f"{queries.name} · {ran.value}")
