"""The HTML pages. Each draws the same payload its JSON endpoint returns
(``web.payloads``) and links that JSON with ``Link: rel=alternate``.

Forms work without JavaScript; htmx only swaps the results in place. Page
writes are POST forms carrying the CSRF token (HTML forms cannot PUT or
DELETE, so rename and delete are POSTs to sub-paths).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from search.saved import SavedQueryCreate, SavedQueryUpdate
from web.deps import State, check_token
from web.errors import ApiError, NotFound
from web.histogram import build as build_histogram
from web.params import SearchParams, check_dates, check_window, search_params
from web.payloads import check_mode, document, public, run_search, saved_or_404, saved_results
from web.render import query_string, render
from web.security import CSRF_FIELD, check_csrf

router = APIRouter(include_in_schema=False)

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64_000


async def form_fields(request: Request) -> dict[str, list[str]]:
    """A urlencoded form body, every field as a list (no multipart needed)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
        raise ApiError(415, f"header 'Content-Type': expected {FORM_TYPE}")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ApiError(413, f"form body larger than {MAX_FORM_BYTES} bytes")
    fields: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        fields.setdefault(key, []).append(value)
    check_csrf(request, (fields.get(CSRF_FIELD) or [None])[0])
    return fields


Form = Annotated[dict[str, list[str]], Depends(form_fields)]


def _one(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[0]


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, state: State, params: Annotated[SearchParams, Depends(search_params)]):
    payload = run_search(state, params, strict=False)
    context = {
        "params": params,
        "payload": payload,
        "histogram": build_histogram(payload.facets.date_histogram),
        "last_page": max(1, min((payload.total + params.size - 1) // params.size, 10_000 // params.size)),
    }
    return render(request, "search.html", context, alternate="/api/v1/search" + query_string(params.query_items()))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, state: State, doc_id: str, q: str = ""):
    payload = document(state, doc_id, q[:1000])
    alternate = f"/api/v1/documents/{quote(doc_id, safe='')}" + query_string([("q", q)] if q else [])
    return render(request, "document.html", {"doc": payload, "q": q}, alternate=alternate)


@router.get("/saved-queries", response_class=HTMLResponse)
def saved_list_page(request: Request, state: State):
    items = [public(state, saved) for saved in state.saved.list()]
    return render(request, "saved.html", {"items": items}, alternate="/api/v1/saved-queries")


@router.get("/saved-queries/{query_id}", response_class=HTMLResponse)
def saved_results_page(request: Request, state: State, query_id: str, page: int = 1, size: int = 10, new: bool = False):
    if not 1 <= size <= 100 or page < 1:
        raise ApiError(422, "query parameters 'page'/'size': page >= 1, size 1-100")
    check_window(page, size)
    payload = saved_results(state, query_id, page, size, new)
    saved = payload.saved_query
    params = SearchParams.from_saved(saved.q, saved.mode, saved.filters, page, size)
    return render(
        request,
        "saved_results.html",
        {"saved": saved, "payload": payload.results, "new_only": new, "params": params},
        alternate=f"/api/v1/saved-queries/{quote(query_id, safe='')}/results"
        + query_string([("new", "true")] if new else []),
    )


@router.post("/saved-queries")
def save_search(request: Request, state: State, fields: Form):
    check_token(state, _one(fields, "token") or None)
    params = SearchParams.model_validate(
        {
            "q": _one(fields, "q"),
            "mode": _one(fields, "mode") or None,
            "source": [s for s in fields.get("source", []) if s],
            "lang": [s for s in fields.get("lang", []) if s],
            "date_from": _one(fields, "date_from") or None,
            "date_to": _one(fields, "date_to") or None,
        }
    )
    check_dates(params.date_from, params.date_to)
    check_mode(state, params.mode)
    data = SavedQueryCreate(name=_one(fields, "name"), q=params.q, mode=params.mode, filters=params.saved_filters())
    state.saved.create(data)
    return RedirectResponse("/saved-queries", status_code=303)


@router.post("/saved-queries/{query_id}/rename")
def rename_saved(request: Request, state: State, query_id: str, fields: Form):
    check_token(state, _one(fields, "token") or None)
    if state.saved.update(query_id, SavedQueryUpdate(name=_one(fields, "name"))) is None:
        raise NotFound(f"saved query '{query_id}'")
    return RedirectResponse("/saved-queries", status_code=303)


@router.post("/saved-queries/{query_id}/delete")
def delete_saved(request: Request, state: State, query_id: str, fields: Form):
    check_token(state, _one(fields, "token") or None)
    saved_or_404(state, query_id)
    state.saved.delete(query_id)
    return RedirectResponse("/saved-queries", status_code=303)
