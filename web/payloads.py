"""The JSON the API returns, built from ``SearchService`` results. Pages render
the very same objects, so a page never shows what its JSON would not."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from search.highlight import MatchSet, highlight_all
from search.models import Article, FacetValue, Hit, Mode, SearchResponse
from search.query import QuerySyntaxError, parse, parse_lenient
from search.saved import SavedQuery, utc_now
from web.deps import AppState
from web.errors import ApiError, NotFound
from web.params import SearchParams

MAX_MEMBERS = 50


class ClusterRef(BaseModel):
    id: str
    size: int = Field(description="articles in the near-duplicate cluster, this one included")


class ApiHit(Hit):
    """A ``Hit`` whose cluster carries its size (snippets: HTML, ``<mark>`` only)."""

    cluster: ClusterRef | None = None  # type: ignore[assignment]


class DateBucket(BaseModel):
    date: str = Field(description="day, YYYY-MM-DD")
    count: int


class ApiFacets(BaseModel):
    source: list[FacetValue] = Field(default_factory=list)
    lang: list[FacetValue] = Field(default_factory=list)
    date_histogram: list[DateBucket] = Field(default_factory=list)


class SearchPayload(BaseModel):
    query: str
    mode: Mode
    total: int = Field(
        description="articles found, as the facets count them: the query's matches (bm25), "
        "the 100 nearest or as many as the page reaches (semantic), or both (hybrid)"
    )
    took_ms: float
    page: int
    size: int
    hits: list[ApiHit]
    facets: ApiFacets
    warnings: list[str] = Field(default_factory=list)


class Member(BaseModel):
    id: str
    title: str
    date: datetime | None
    source: str
    url: str


class ClusterDetail(BaseModel):
    id: str
    size: int
    members: list[Member] = Field(description="the other articles of the cluster, newest first (at most 50)")


class DocumentPayload(BaseModel):
    id: str
    title: str
    body: str
    date: datetime | None
    source: str
    url: str
    urls: list[str]
    lang: str
    cluster: ClusterDetail | None = None
    highlighted: str | None = Field(None, description="body as HTML with <mark> around matches of ?q=")


class SavedQueryPublic(SavedQuery):
    new: int = Field(description="matching articles indexed since last_checked")


class SavedResultsPayload(BaseModel):
    saved_query: SavedQueryPublic
    new_only: bool
    results: SearchPayload


def check_mode(state: AppState, mode: Mode | None) -> None:
    if mode in (Mode.semantic, Mode.hybrid) and state.embedder is None:
        raise ApiError(400, f"query parameter 'mode': {mode.value} needs an index built with an embedder; use bm25")


def cluster_sizes(state: AppState, ids: set[str]) -> dict[str, int]:
    return {cluster_id: state.backend.cluster(cluster_id, 0).total for cluster_id in ids if cluster_id}


def to_payload(state: AppState, params: SearchParams, response: SearchResponse) -> SearchPayload:
    sizes = cluster_sizes(state, {hit.cluster for hit in response.hits})
    hits = [
        ApiHit(
            **hit.model_dump(exclude={"cluster"}),
            cluster=ClusterRef(id=hit.cluster, size=sizes[hit.cluster]) if hit.cluster else None,
        )
        for hit in response.hits
    ]
    facets = response.facets
    return SearchPayload(
        query=response.query,
        mode=response.mode,
        total=response.total,
        took_ms=response.took_ms,
        page=params.page,
        size=params.size,
        hits=hits,
        facets=ApiFacets(
            source=facets.source if facets else [],
            lang=facets.lang if facets else [],
            date_histogram=[DateBucket(date=b.value, count=b.count) for b in facets.date_histogram] if facets else [],
        ),
        warnings=response.warnings,
    )


def run_search(
    state: AppState, params: SearchParams, strict: bool = True, indexed_after: datetime | None = None
) -> SearchPayload:
    check_mode(state, params.mode)
    response = state.searcher.search(params.request(facets=True, indexed_after=indexed_after), strict)
    return to_payload(state, params, response)


def document(state: AppState, doc_id: str, q: str = "") -> DocumentPayload:
    articles = state.backend.fetch([doc_id])
    if not articles:
        raise NotFound(f"document '{doc_id}'")
    article = articles[0]
    highlighted = None
    if q.strip():
        match = MatchSet.from_query(parse_lenient(q)[0], state.backend.analyzer)
        highlighted = highlight_all(article.body, state.backend.analyzer, match)
    return DocumentPayload(
        **article.model_dump(include={"id", "title", "body", "date", "source", "url", "urls", "lang"}),
        cluster=_cluster(state, article),
        highlighted=highlighted,
    )


def _cluster(state: AppState, article: Article) -> ClusterDetail | None:
    if not article.cluster:
        return None
    ranked = state.backend.cluster(article.cluster, MAX_MEMBERS + 1)
    others = [doc_id for doc_id, _ in ranked.hits if doc_id != article.id][:MAX_MEMBERS]
    members = [
        Member(**a.model_dump(include={"id", "title", "date", "source", "url"})) for a in state.backend.fetch(others)
    ]
    return ClusterDetail(id=article.cluster, size=ranked.total, members=members)


def since(saved: SavedQuery) -> datetime:
    """The lower bound for "new": the last check rounded down to the second,
    because the index stores ``indexed_at`` to the second. An article indexed
    in the same second as a check may be shown twice, never missed."""
    return saved.last_checked.replace(microsecond=0)


def new_count(state: AppState, saved: SavedQuery) -> int:
    """How many matching articles were indexed after the last check (lenient
    parsing: a stored query never makes a listing fail)."""
    params = SearchParams.from_saved(saved.q, None, saved.filters, 1, 1)
    request = params.request(facets=False, indexed_after=since(saved)).model_copy(
        update={"limit": 1, "snippets": False}
    )
    return state.searcher.search(request, strict=False).total


def public(state: AppState, saved: SavedQuery) -> SavedQueryPublic:
    return SavedQueryPublic(**saved.model_dump(), new=new_count(state, saved))


def check_query(q: str, where: str) -> None:
    """Reject a query the strict parser refuses, naming where it came from."""
    try:
        parse(q)
    except QuerySyntaxError as error:
        raise ApiError(400, f"{where}: {error.message} at position {error.position}") from error


def saved_or_404(state: AppState, query_id: str) -> SavedQuery:
    saved = state.saved.get(query_id)
    if saved is None:
        raise NotFound(f"saved query '{query_id}'")
    return saved


def saved_results(state: AppState, query_id: str, page: int, size: int, new_only: bool) -> SavedResultsPayload:
    """Run a saved query; ``new_only`` keeps articles indexed since the last
    check and moves the check mark to the moment this run started."""
    saved = saved_or_404(state, query_id)
    started = utc_now()
    params = SearchParams.from_saved(saved.q, saved.mode, saved.filters, page, size)
    results = run_search(state, params, strict=False, indexed_after=since(saved) if new_only else None)
    if new_only:
        saved = state.saved.mark_checked(query_id, started) or saved
    return SavedResultsPayload(saved_query=public(state, saved), new_only=new_only, results=results)
