"""Answer a ``SearchRequest`` over any backend: parse, retrieve, fuse, page,
snippet. Everything above the storage engine lives here, once, so every
backend returns the same results contract."""

from __future__ import annotations

import time
from dataclasses import dataclass

from search.analysis import Analyzer
from search.backend import Backend
from search.highlight import MatchSet, snippets
from search.models import Article, Hit, Mode, SearchRequest, SearchResponse
from search.query import Query, QuerySyntaxError, merge_filters, parse, parse_lenient


@dataclass
class SearchService:
    backend: Backend
    analyzer: Analyzer
    strict: bool = False

    def parse(self, text: str) -> tuple[Query, list[str]]:
        """Strict mode raises ``QuerySyntaxError``; lenient returns warnings."""
        if self.strict:
            return parse(text), []
        query, problems = parse_lenient(text)
        return query, [str(p) for p in problems]

    def default_mode(self) -> Mode:
        return Mode.bm25

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        query, warnings = self.parse(request.query)
        mode = request.mode or self.default_mode()
        filters = merge_filters(request.filters, query.filters)
        wanted = request.offset + request.limit
        ranked = self.backend.text_search(query, filters, wanted)
        page = ranked.hits[request.offset : wanted]
        articles = {a.id: a for a in self.backend.fetch([doc_id for doc_id, _ in page])}
        match = MatchSet.from_query(query, self.analyzer)
        hits = [
            self._hit(articles[doc_id], score, match, request.snippets)
            for doc_id, score in page
            if doc_id in articles
        ]
        facets = self.backend.facets(query, filters) if request.facets else None
        return SearchResponse(
            query=request.query,
            mode=mode,
            total=ranked.total,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=facets,
            warnings=warnings,
        )

    def _hit(self, article: Article, score: float, match: MatchSet, with_snippets: bool) -> Hit:
        return Hit(
            id=article.id,
            title=article.title,
            date=article.date,
            source=article.source,
            url=article.url,
            lang=article.lang,
            score=round(score, 6),
            snippets=snippets(article.body, self.analyzer, match) if with_snippets else [],
            cluster=article.cluster,
        )


__all__ = ["QuerySyntaxError", "SearchService"]
