"""The per-record work of a run that needs nothing but the record: parsing
(JSON lines), field mapping, the duplicate fingerprint, and whatever the
backend computes per article (the embedded backend's analysis). It is most
of a run's CPU time, so ``indexer.workers`` runs it in worker processes,
while the pipeline keeps what must be serial (duplicate decisions, index
writes, commits).

A ``Preparer`` is pickled as configuration; each process builds its own
caches from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import orjson

from indexer.duplicates import Fingerprint, Fingerprinter
from indexer.fields import MAX_BODY_CHARS, RecordError, to_article
from indexer.records import RawLine, RawRecord, Reject
from search.models import Article


@dataclass(frozen=True)
class Prepared:
    """An article, its fingerprint (with dedup on) and what the backend's
    preparer made of it (``Backend.preparer``), ready for the serial part.
    ``partial``: only the article, left for ``Preparer.finish`` if needed."""

    article: Article
    fingerprint: Fingerprint | None = None
    fields: object = None
    partial: bool = False


@dataclass
class Preparer:
    overrides: Mapping[str, str] = field(default_factory=dict)
    max_body_chars: int = MAX_BODY_CHARS
    fingerprinter: Fingerprinter | None = None
    backend: Callable[[Article], object] | None = None
    # Ids the index holds when the run starts: such an article is most often
    # unchanged, and the pipeline finishes it only if it is not.
    indexed: AbstractSet[str] = frozenset()

    def __call__(self, item: RawRecord | RawLine | Reject) -> Prepared | Reject:
        """The prepared article, or why the record cannot be one (a reader's
        rejection passes through, so rejections keep their order)."""
        if isinstance(item, RawLine):
            item = item.parse()
        if isinstance(item, Reject):
            return item
        try:
            article = to_article(item, self.overrides, self.max_body_chars)
        except RecordError as error:
            return Reject(item.location, str(error), orjson.dumps(item.fields, default=str).decode(), record=True)
        return Prepared(article, partial=True) if article.id in self.indexed else self.finish(article)

    def finish(self, article: Article) -> Prepared:
        return Prepared(
            article,
            self.fingerprinter(article.body, article.title) if self.fingerprinter else None,
            self.backend(article) if self.backend else None,
        )

    def chunk(self, items: list[RawRecord | RawLine | Reject]) -> list[Prepared | Reject]:
        return [self(item) for item in items]
