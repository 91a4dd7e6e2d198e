"""Answer a ``SearchRequest`` over any backend: parse, retrieve, fuse, page,
snippet. Everything above the storage engine lives here, once, so every
backend returns the same results contract."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape

import numpy as np

from search.analysis import Analyzer
from search.analysis.normalize import fold_spelling
from search.backend import Backend, Ranked
from search.embed import Embedder, EmbedderError, load_embedder
from search.fusion import FusionConfig, rrf
from search.highlight import ELLIPSIS, MatchSet, snippets
from search.models import Article, Explanation, Filters, Hit, Mode, SearchRequest, SearchResponse
from search.passages import PassageConfig, split
from search.query import Query, QuerySyntaxError, merge_filters, parse, parse_lenient

NO_VECTORS = "hybrid search is unavailable: this index was built without vectors (--no-vectors); showing BM25 results"
NO_EMBEDDER = "hybrid search is unavailable: no embedder is loaded for this index; showing BM25 results"
# Query vectors kept per service: a researcher's next request often repeats
# the query (another page, a filter, a saved search, the page after the API).
# Few enough that a bench cycling hundreds of distinct queries never hits.
QUERY_VECTORS_KEPT = 64


@dataclass
class SearchService:
    backend: Backend
    analyzer: Analyzer
    strict: bool = False
    embedder: Embedder | None = None
    fusion: FusionConfig = field(default_factory=FusionConfig)
    _vectors: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict, init=False, repr=False)
    _vectors_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        meta = self.backend.meta
        if self.embedder is not None and meta.embedder is not None and (
            self.embedder.name != meta.embedder or self.embedder.dimension != meta.dimension
        ):
            raise EmbedderError(
                f"the index was built with embedder {meta.embedder} (dimension {meta.dimension}) but "
                f"{self.embedder.name} (dimension {self.embedder.dimension}) was given: search with "
                f"--embedder {meta.embedder}, or rebuild the index with the new one"
            )
        self.passages = meta.passages or PassageConfig()

    def parse(self, text: str, strict: bool | None = None) -> tuple[Query, list[str]]:
        """Strict parsing raises ``QuerySyntaxError``; lenient returns
        warnings. ``strict``: this call's choice, else the service's."""
        if self.strict if strict is None else strict:
            return parse(text), []
        query, problems = parse_lenient(text)
        return query, [str(p) for p in problems]

    @property
    def can_embed(self) -> bool:
        return self.embedder is not None and self.backend.meta.embedder is not None

    def resolve_mode(self, asked: Mode | None, warnings: list[str]) -> Mode:
        """Semantic or hybrid on an index that cannot do them falls back to BM25, saying why."""
        asked = asked or Mode.hybrid
        if asked is not Mode.bm25 and not self.can_embed:
            warnings.append(NO_VECTORS if self.backend.meta.embedder is None else NO_EMBEDDER)
            return Mode.bm25
        return asked

    def search(self, request: SearchRequest, strict: bool | None = None) -> SearchResponse:
        started = time.perf_counter()
        query, warnings = self.parse(request.query, strict)
        mode = self.resolve_mode(request.mode, warnings)
        filters = merge_filters(request.filters, query.filters)
        wanted = request.offset + request.limit
        text = fold_spelling(query.positive_text()).strip()  # one vector for every spelling variant
        if mode is Mode.bm25 or not text:  # browsing or only exclusions: nothing to embed
            lists = {Mode.bm25: self.backend.text_search(query, filters, wanted)}
            fused = lists[Mode.bm25].hits
        else:
            lists, fused = self._retrieve(query, text, filters, mode, wanted)
        # The result set: BM25's matches and the vector list (Elasticsearch's
        # query + kNN semantics); the total and the facets both count it.
        matched = query if Mode.bm25 in lists else None
        nearest = [doc_id for doc_id, _ in lists[Mode.semantic].hits] if Mode.semantic in lists else []
        facets = self.backend.facets(matched, filters, nearest) if request.facets else None
        if facets is not None:
            total = facets.total
        elif Mode.semantic not in lists:
            total = lists[Mode.bm25].total
        else:
            total = len(nearest) if matched is None else self.backend.matching(matched, filters, nearest)
        page = fused[request.offset : wanted]
        articles = {a.id: a for a in self.backend.fetch([doc_id for doc_id, _ in page])}
        match = MatchSet.from_query(query, self.analyzer)
        passages = lists[Mode.semantic].passages if Mode.semantic in lists else {}
        hits = []
        for doc_id, score in page:
            if doc_id not in articles:  # vectors of an article the text index lacks (a killed run)
                continue
            hit = self._hit(articles[doc_id], score, match, request.snippets, passages.get(doc_id))
            if request.explain:
                hit.explain = _explain(doc_id, score, lists)
            hits.append(hit)
        return SearchResponse(
            query=request.query,
            mode=mode,
            total=total,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=facets,
            warnings=warnings,
        )

    def _retrieve(
        self, query: Query, text: str, filters: Filters, mode: Mode, wanted: int
    ) -> tuple[dict[Mode, Ranked], list[tuple[str, float]]]:
        """The ranked lists and their fusion. Both lists are ``fusion.depth``
        long, or as long as the page reaches (Elasticsearch's kNN ``k``), so
        the result set and its total are the same on the first pages."""
        vector = self._query_vector(text)
        depth = max(wanted, self.fusion.depth)
        nearest = self._resembling(self.backend.vector_search(vector, filters, depth), vector, filters)
        if mode is Mode.semantic:
            return {Mode.semantic: nearest}, nearest.hits
        lists = {Mode.bm25: self.backend.text_search(query, filters, depth), Mode.semantic: nearest}
        fused = rrf(
            [[doc_id for doc_id, _ in lists[m].hits] for m in (Mode.bm25, Mode.semantic)],
            k=self.fusion.k,
            weights=self.fusion.weights(text),
        )
        return lists, fused

    def _query_vector(self, text: str) -> np.ndarray:
        """The query's vector, from the last ``QUERY_VECTORS_KEPT`` if there."""
        assert self.embedder is not None
        with self._vectors_lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = self.embedder.encode_queries([text])[0]
        with self._vectors_lock:
            self._vectors[text] = vector
            if len(self._vectors) > QUERY_VECTORS_KEPT:
                self._vectors.popitem(last=False)
        return vector

    def _resembling(self, nearest: Ranked, vector: np.ndarray, filters: Filters) -> Ranked:
        """The vector hits that resemble the query (``FusionConfig.similarity_floor``).
        The margin counts from the query's best match in the whole archive,
        so a filter (a source, "indexed since") only ever removes results:
        it never lets in articles that resemble the query less."""
        if not nearest.hits:
            return nearest
        assert self.embedder is not None
        embedder_floor = self.embedder.similarity_floor
        best = max(similarity for _, similarity in nearest.hits)
        floor = self.fusion.similarity_floor(embedder_floor, best)
        margin_decides = floor < self.fusion.similarity_floor(embedder_floor, best=1.0)
        if margin_decides and not filters.is_empty:
            archive = self.backend.vector_search(vector, Filters(), 1).hits
            best = max([best, *(similarity for _, similarity in archive)])
            floor = self.fusion.similarity_floor(embedder_floor, best)
        return Ranked([hit for hit in nearest.hits if hit[1] >= floor], nearest.total, nearest.passages)

    def _snippets(self, article: Article, match: MatchSet, passage: int | None) -> list[str]:
        """Query terms marked where they occur; for a vector hit without any,
        the passage that matched the query."""
        found = snippets(article.body, self.analyzer, match)
        if passage is None or any("<mark>" in s for s in found):
            return found
        parts = split(article, self.passages)
        if passage >= len(parts) or parts[passage].end <= parts[passage].start:
            return found
        chosen = parts[passage]
        before = ELLIPSIS if article.body[: chosen.start].strip() else ""
        after = ELLIPSIS if article.body[chosen.end :].strip() else ""
        return [before + escape(article.body[chosen.start : chosen.end].strip()) + after]

    def _hit(self, article: Article, score: float, match: MatchSet, with_snippets: bool, passage: int | None) -> Hit:
        return Hit(
            id=article.id,
            title=article.title,
            date=article.date,
            source=article.source,
            url=article.url,
            lang=article.lang,
            score=round(score, 6),
            snippets=self._snippets(article, match, passage) if with_snippets else [],
            cluster=article.cluster,
        )


def open_service(
    backend: Backend, strict: bool = False, vectors: bool = True, fusion: FusionConfig | None = None
) -> SearchService:
    """A service with the embedder the index was built with (``vectors=False``:
    BM25 only, no model loaded). Raises ``EmbedderError`` when it cannot be loaded."""
    embedder = load_embedder(backend.meta.embedder) if vectors and backend.meta.embedder else None
    return SearchService(backend, backend.analyzer, strict=strict, embedder=embedder, fusion=fusion or FusionConfig())


def _explain(doc_id: str, score: float, lists: dict[Mode, Ranked]) -> Explanation:
    """Where a hit stood in each list (ranks from 1) and what fusion made of it."""
    found: dict[Mode, tuple[int, float]] = {}
    for mode, ranked in lists.items():
        for rank, (other, value) in enumerate(ranked.hits, start=1):
            if other == doc_id:
                found[mode] = (rank, value)
                break
    bm25 = found.get(Mode.bm25)
    vector = found.get(Mode.semantic)
    return Explanation(
        bm25_rank=bm25[0] if bm25 else None,
        bm25_score=round(bm25[1], 6) if bm25 else None,
        vector_rank=vector[0] if vector else None,
        vector_similarity=round(vector[1], 6) if vector else None,
        fused_score=round(score, 6) if len(lists) > 1 else None,
    )


__all__ = ["QuerySyntaxError", "SearchService", "open_service"]
