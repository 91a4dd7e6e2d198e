"""Saved queries in the JSON API: create, list, read, update, delete, run.

Writes take a JSON body (so a cross-site HTML form cannot forge one) and,
when the server requires it, ``Authorization: Bearer <ARSHIF_API_TOKEN>``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from search.saved import SavedQueryCreate, SavedQueryUpdate
from web.deps import ApiWrite, State
from web.errors import NotFound
from web.params import Page, Size, check_window
from web.payloads import (
    SavedQueryPublic,
    SavedResultsPayload,
    check_mode,
    check_query,
    public,
    saved_or_404,
    saved_results,
)

router = APIRouter(prefix="/api/v1/saved-queries", tags=["saved queries"])


class SavedQueryList(BaseModel):
    items: list[SavedQueryPublic]


class Deleted(BaseModel):
    ok: bool
    deleted: str


@router.post("", status_code=201, response_model=SavedQueryPublic, dependencies=[ApiWrite])
def create(state: State, body: SavedQueryCreate) -> SavedQueryPublic:
    check_query(body.q, "body field 'q'")
    check_mode(state, body.mode)
    return public(state, state.saved.create(body))


@router.get("", response_model=SavedQueryList)
def list_all(state: State) -> SavedQueryList:
    return SavedQueryList(items=[public(state, saved) for saved in state.saved.list()])


@router.get("/{query_id}", response_model=SavedQueryPublic)
def read(state: State, query_id: str) -> SavedQueryPublic:
    return public(state, saved_or_404(state, query_id))


@router.put("/{query_id}", response_model=SavedQueryPublic, dependencies=[ApiWrite])
def update(state: State, query_id: str, body: SavedQueryUpdate) -> SavedQueryPublic:
    if body.q is not None:
        check_query(body.q, "body field 'q'")
    check_mode(state, body.mode)
    updated = state.saved.update(query_id, body)
    if updated is None:
        raise NotFound(f"saved query '{query_id}'")
    return public(state, updated)


@router.delete("/{query_id}", response_model=Deleted, dependencies=[ApiWrite])
def delete(state: State, query_id: str) -> Deleted:
    if not state.saved.delete(query_id):
        raise NotFound(f"saved query '{query_id}'")
    return Deleted(ok=True, deleted=query_id)


@router.get("/{query_id}/results", response_model=SavedResultsPayload)
def results(
    state: State,
    query_id: str,
    page: Page = 1,
    size: Size = 10,
    new: Annotated[bool, Query(description="only articles indexed since the last check; marks it checked")] = False,
) -> SavedResultsPayload:
    check_window(page, size)
    return saved_results(state, query_id, page, size, new)
