"""The one interface both storage engines implement.

A backend stores articles, answers a compiled text query with a ranked id
list, a vector with a ranked id list, and fetches articles by id. Ranking
fusion, snippets and paging live above it (``search.engine``), so the
embedded and Elasticsearch backends return the same results for the same
request. No engine's types cross this boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from search.analysis import Analyzer
from search.models import Article, Facets, Filters, IndexStats
from search.query import Query

if TYPE_CHECKING:  # index_meta imports BackendError from here
    from search.index_meta import IndexMeta


@dataclass(frozen=True)
class Ranked:
    """A ranked list from one retriever: ``(id, score)`` best first, and how
    many documents matched in all."""

    hits: list[tuple[str, float]]
    total: int
    passages: dict[str, int] = field(default_factory=dict)  # vector lists: id -> best passage number


class BackendError(RuntimeError):
    """A backend could not do what was asked; the message says what to do."""


@dataclass(frozen=True)
class Failure:
    """An article the engine refused while the rest of its batch was stored
    (a server backend rejects documents one by one); goes to the rejects file."""

    id: str
    reason: str


class Backend(Protocol):
    name: str
    meta: IndexMeta
    analyzer: Analyzer  # the index's analysis, for queries and highlighting

    def preparer(self) -> Callable[[Sequence[Article]], list[object]] | None:
        """A picklable function doing the per-article CPU work of ``upsert``
        for a list of articles, one result each (the indexer runs it on
        chunks in its worker processes), or ``None`` when there is none
        worth moving (a server analyses)."""

    def upsert(
        self,
        articles: Sequence[Article],
        vectors: Sequence[np.ndarray | None] | None = None,
        prepared: Sequence[object] | None = None,
    ) -> list[Failure] | None:
        """Add or replace articles (by id). ``vectors``: one passage matrix per
        article, or ``None`` for a BM25-only index. ``prepared``: the
        ``preparer``'s result per article (``None`` where it was not run).
        Returns the articles the engine refused, if it can refuse some and
        keep the others."""

    def commit(self) -> None:
        """Make everything upserted or deleted so far durable and searchable."""

    def delete(self, ids: Iterable[str]) -> None: ...

    def unchanged(self, article: Article) -> bool:
        """Whether the index already holds this id with this content hash."""

    def ids(self) -> set[str]: ...

    def text_search(self, query: Query, filters: Filters, limit: int) -> Ranked: ...

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> Ranked:
        """Articles by their best passage's cosine similarity to ``vector``,
        filters applied before ranking; ``BackendError`` when the index has no vectors."""

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        """Articles for ``ids`` in that order; unknown ids are left out."""

    def facets(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> Facets:
        """Sources, languages and days of a search's result set: the articles
        matching ``query`` (none when ``None``) and the articles ``ids`` (its
        vector hits), within ``filters``; ``total`` is how many there are."""

    def matching(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> int:
        """How many articles that result set holds, without the facets."""

    def count(self) -> int: ...

    def cluster(self, cluster_id: str, limit: int) -> Ranked:
        """Members of a near-duplicate cluster (score 0, newest first) and its size."""

    def refresh(self) -> None:
        """See what another process committed since this one last looked."""

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...
