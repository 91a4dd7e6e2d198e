"""``GET /api/v1/search``: one page of results with facets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from web.deps import State
from web.params import SearchParams, search_params
from web.payloads import SearchPayload, run_search

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchPayload)
def search(state: State, params: Annotated[SearchParams, Depends(search_params)]) -> SearchPayload:
    """Search the index. Query syntax errors are 400 with the position."""
    return run_search(state, params)
