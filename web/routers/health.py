"""``GET /api/v1/health``: is the index reachable, how big, which embedder."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from web.deps import State

router = APIRouter(prefix="/api/v1", tags=["health"])


class Health(BaseModel):
    ok: bool
    backend: str
    index: str
    documents: int
    embedder: str | None
    writes_need_token: bool


@router.get("/health", response_model=Health)
def health(state: State) -> Health:
    return Health(
        ok=True,
        backend=state.backend.name,
        index=state.settings.location,
        documents=state.backend.count(),
        embedder=state.embedder,
        writes_need_token=state.writes_need_token,
    )
