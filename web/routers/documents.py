"""``GET /api/v1/documents/{id}``: a whole article and its near-duplicates."""

from __future__ import annotations

from fastapi import APIRouter

from web.deps import State
from web.params import Q
from web.payloads import DocumentPayload, document

router = APIRouter(prefix="/api/v1", tags=["documents"])


@router.get("/documents/{doc_id}", response_model=DocumentPayload)
def get_document(state: State, doc_id: str, q: Q = "") -> DocumentPayload:
    """The article; with ``q``, also its body with matches marked."""
    return document(state, doc_id, q)
