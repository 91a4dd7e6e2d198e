"""``arshif search``: one query printed for people or as JSON, or a batch
of queries written as a run file for evaluation."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.text import Text

from cli.common import BackendOption, EsUrlOption, IndexOption, fail, open_backend, out, settings_for
from search.backend import Backend, BackendError
from search.embed import EmbedderError, load_embedder
from search.engine import SearchService, open_service
from search.models import Explanation, Mode, SearchRequest, SearchResponse
from search.query import QuerySyntaxError

ModeOption = Annotated[
    Mode | None,
    typer.Option(help="bm25, semantic or hybrid [default: hybrid when the index has vectors, else bm25]."),
]

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def _terminal(snippet: str) -> Text:
    """A snippet's HTML as terminal text: marks in bold yellow, entities decoded."""
    text = Text()
    position = 0
    for match in _MARK.finditer(snippet):
        text.append(html.unescape(snippet[position : match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        position = match.end()
    text.append(html.unescape(snippet[position:]))
    return text


def service_for(backend: Backend, mode: Mode | None, strict: bool = False, embedder: str | None = None) -> SearchService:
    """A search service with the index's own embedder loaded (or the one named,
    which must be the same), unless only BM25 is asked for. Fusion settings
    (``ARSHIF_MIN_SIMILARITY``) come from the environment."""
    fusion = settings_for(None).fusion()
    try:
        if embedder is None or mode is Mode.bm25:
            return open_service(backend, strict=strict, vectors=mode is not Mode.bm25, fusion=fusion)
        return SearchService(backend, backend.analyzer, strict=strict, embedder=load_embedder(embedder), fusion=fusion)
    except EmbedderError as error:
        fail(f"embedder: {error} (or search with --mode bm25)")


def _explanation(explain: Explanation) -> str:
    parts = []
    if explain.bm25_rank is not None:
        parts.append(f"bm25 #{explain.bm25_rank} ({explain.bm25_score:.3f})")
    if explain.vector_rank is not None:
        parts.append(f"vector #{explain.vector_rank} (cos {explain.vector_similarity:.3f})")
    if explain.fused_score is not None:
        parts.append(f"fused {explain.fused_score:.5f}")
    return "   " + (" · ".join(parts) or "not in any list")


def _print(response: SearchResponse) -> None:
    out.print(f"{response.total:,} results ({response.mode.value}, {response.took_ms:.1f} ms)")
    for warning in response.warnings:
        out.print(f"[yellow]note:[/] {warning}")
    for rank, hit in enumerate(response.hits, start=1):
        date = hit.date.date().isoformat() if hit.date else "-"
        out.print(Text(f"\n{rank}. {hit.title or '(untitled)'}", style="bold"))
        out.print(Text(f"   {date} · {hit.source or '-'} · score {hit.score:.3f} · {hit.id}", style="dim"))
        if hit.explain is not None:
            out.print(Text(_explanation(hit.explain), style="cyan"))
        for snippet in hit.snippets:
            out.print(Text("   ") + _terminal(snippet))


def _batch(service: SearchService, queries: Path, limit: int, run_format: str, mode: Mode | None) -> None:
    try:
        lines = queries.read_bytes().splitlines()
    except OSError as error:
        fail(f"cannot read {queries}: {error.strerror}")
    write = sys.stdout.write
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
            qid, text = str(item["qid"]), str(item["query"])
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            fail(f"{queries}:{number}: expected a JSON object with 'qid' and 'query' ({error})")
        try:
            response = service.search(SearchRequest(query=text, limit=limit, snippets=False, mode=mode))
        except QuerySyntaxError as error:
            fail(f"{queries}:{number}: query: {error}")
        if run_format == "trec":
            for rank, hit in enumerate(response.hits, start=1):
                write(f"{qid} Q0 {hit.id} {rank} {hit.score:.6f} arshif\n")
        else:
            hits = [{"id": h.id, "score": h.score} for h in response.hits]
            write(orjson.dumps({"qid": qid, "hits": hits}).decode() + "\n")


def search(
    query: Annotated[str | None, typer.Argument(help="The query (see docs/query-language.md).")] = None,
    index: IndexOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many results.")] = 10,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    queries: Annotated[Path | None, typer.Option(help="Run a batch: JSONL with 'qid' and 'query'.")] = None,
    run_format: Annotated[str, typer.Option("--format", help="Batch output: jsonl or trec.")] = "jsonl",
    strict: Annotated[bool, typer.Option(help="Reject malformed queries instead of reading them leniently.")] = False,
    mode: ModeOption = None,
    explain: Annotated[bool, typer.Option(help="Show each hit's BM25 and vector rank and the fused score.")] = False,
    embedder: Annotated[
        str | None,
        typer.Option(help="Embedder to encode the query [default: the one the index was built with].", show_default=False),
    ] = None,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Search the index."""
    if (query is None) == (queries is None):
        fail("give either a QUERY or --queries FILE")
    if run_format not in ("jsonl", "trec"):
        fail(f"--format {run_format!r}: use jsonl or trec")
    backend = open_backend(index, backend=backend_name, es_url=es_url)
    service = service_for(backend, mode, strict, embedder)
    try:
        if queries is not None:
            _batch(service, queries, limit, run_format, mode)
            return
        response = service.search(SearchRequest(query=query, limit=limit, mode=mode, explain=explain))
    except QuerySyntaxError as error:
        fail(f"query: {error}")
    except (BackendError, EmbedderError) as error:
        fail(str(error))
    if json_output:
        body = response.model_dump(mode="json", include={"query", "total", "took_ms", "hits", "mode", "warnings"})
        for hit in body["hits"]:
            if not explain:
                hit.pop("explain", None)
        sys.stdout.write(orjson.dumps(body).decode() + "\n")
    else:
        _print(response)
