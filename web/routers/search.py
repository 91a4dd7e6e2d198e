"""``GET /api/v1/search``: one page of results with facets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from web.deps import State
from web.params import SearchParams, search_params
from web.payloads import SearchPayload, run_search

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchPayload)
def search(state: State, params: Annotated[SearchParams, Depends(search_params)]) -> Response:
    """Search the index. Query syntax errors are 400 with the position."""
    # Serialized once, in pydantic's core: FastAPI would dump the validated
    # payload to a dict, validate that again, then serialize it (3 passes).
    return Response(run_search(state, params).model_dump_json(), media_type="application/json")
