"""``GET /api/v1/search.csv`` and ``.jsonl``: up to 10,000 hits with all their
metadata, streamed in chunks so the first rows leave before the last are read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from search.models import Hit, SearchRequest
from web.deps import AppState, State
from web.params import MAX_EXPORT, SearchParams, search_params
from web.payloads import check_mode, check_query

router = APIRouter(prefix="/api/v1", tags=["export"])

CHUNK = 500
COLUMNS = ("rank", "id", "title", "date", "source", "url", "lang", "score", "cluster")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Limit = Annotated[int, Query(ge=1, le=MAX_EXPORT, description="how many hits, at most 10,000")]


def _hits(state: AppState, params: SearchParams, limit: int) -> Iterator[tuple[int, Hit]]:
    base = SearchRequest(query=params.q, filters=params.filters(), mode=params.mode, snippets=False)
    rank = 0
    for offset in range(0, limit, CHUNK):
        request = base.model_copy(update={"offset": offset, "limit": min(CHUNK, limit - offset)})
        hits = state.searcher.search(request).hits
        for hit in hits:
            rank += 1
            yield rank, hit
        if len(hits) < request.limit:
            return


def _row(rank: int, hit: Hit) -> dict[str, object]:
    return {
        "rank": rank,
        **hit.model_dump(mode="json", include={"id", "title", "date", "source", "url", "lang", "score", "cluster"}),
    }


def _cell(value: object) -> str:
    """Defuse spreadsheet formulas: a cell starting with ``=`` runs when opened."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _prepare(state: AppState, params: SearchParams) -> None:
    check_query(params.q, "query parameter 'q'")
    check_mode(state, params.mode)


@router.get("/search.csv", response_class=StreamingResponse)
def export_csv(state: State, params: Annotated[SearchParams, Depends(search_params)], limit: Limit = MAX_EXPORT):
    _prepare(state, params)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for rank, hit in _hits(state, params, limit):
            row = _row(rank, hit)
            writer.writerow([_cell(row[c]) for c in COLUMNS])
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    headers = {"content-disposition": 'attachment; filename="arshif-search.csv"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/search.jsonl", response_class=StreamingResponse)
def export_jsonl(state: State, params: Annotated[SearchParams, Depends(search_params)], limit: Limit = MAX_EXPORT):
    _prepare(state, params)

    def lines() -> Iterator[bytes]:
        for rank, hit in _hits(state, params, limit):
            yield orjson.dumps(_row(rank, hit)) + b"\n"

    headers = {"content-disposition": 'attachment; filename="arshif-search.jsonl"'}
    return StreamingResponse(lines(), media_type="application/x-ndjson", headers=headers)
