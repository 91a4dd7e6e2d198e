"""``GET /saved-queries/{id}/feed.atom``: a saved query as an Atom feed, so a
researcher's feed reader shows new matching articles."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from search.saved import utc_now
from web.deps import State
from web.params import SearchParams
from web.payloads import run_search, saved_or_404

router = APIRouter(tags=["saved queries"])

FEED_SIZE = 50


@router.get("/saved-queries/{query_id}/feed.atom", response_class=Response)
def feed(request: Request, state: State, query_id: str) -> Response:
    """The saved query's best 50 matches; entries are dated by the article."""
    saved = saved_or_404(state, query_id)
    params = SearchParams.from_saved(saved.q, saved.mode, saved.filters, 1, FEED_SIZE)
    results = run_search(state, params, strict=False)
    base = str(request.base_url).rstrip("/")
    xml = request.app.state.templates.get_template("feed.atom").render(
        saved=saved, results=results, base=base, updated=utc_now(), request=request
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
