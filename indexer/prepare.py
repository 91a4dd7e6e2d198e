"""The per-record work of a run that needs nothing but the record: parsing
(JSON lines), field mapping, the duplicate fingerprint, whatever the backend
computes per article (the embedded backend's analysis) and, for an embedder
that runs on one core per call, the article's vectors. It is most of a run's
CPU time, so ``indexer.workers`` runs it in worker processes, while the
pipeline keeps what must be serial (duplicate decisions, index writes,
commits).

A ``Preparer`` is pickled as configuration; each process builds its own
caches (and loads its own embedder) from it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

import numpy as np
import orjson

from indexer.duplicates import Fingerprint, Fingerprinter
from indexer.fields import MAX_BODY_CHARS, RecordError, to_article
from indexer.records import RawLine, RawRecord, Reject
from search.embed import Embedder, embed_articles, load_embedder
from search.models import Article
from search.passages import PassageConfig


@dataclass(frozen=True)
class Prepared:
    """An article, its fingerprint (with dedup on), what the backend's
    preparer made of it (``Backend.preparer``) and its passage vectors when a
    worker encoded them, ready for the serial part. ``partial``: only the
    article, left for ``Preparer.finish`` if needed."""

    article: Article
    fingerprint: Fingerprint | None = None
    fields: object = None
    partial: bool = False
    vectors: np.ndarray | None = None


@dataclass
class Preparer:
    overrides: Mapping[str, str] = field(default_factory=dict)
    max_body_chars: int = MAX_BODY_CHARS
    fingerprinter: Fingerprinter | None = None
    backend: Callable[[Sequence[Article]], list[object]] | None = None
    # Ids the index holds when the run starts: such an article is most often
    # unchanged, and the pipeline finishes it only if it is not.
    indexed: AbstractSet[str] = frozenset()
    # The embedder the worker processes load (one BLAS thread each) to encode
    # the articles they prepare. The indexing process does not: the pipeline
    # holds a model already and encodes what the workers left.
    worker_embedder: str | None = None
    passages: PassageConfig = field(default_factory=PassageConfig)
    _embedder: Embedder | None = field(default=None, init=False, repr=False)

    def _article(self, item: RawRecord | RawLine | Reject) -> Article | Reject:
        """The record's article, or why it cannot be one (a reader's
        rejection passes through, so rejections keep their order)."""
        if isinstance(item, RawLine):
            item = item.parse()
        if isinstance(item, Reject):
            return item
        try:
            return to_article(item, self.overrides, self.max_body_chars)
        except RecordError as error:
            return Reject(item.location, str(error), orjson.dumps(item.fields, default=str).decode(), record=True)

    def finish(self, articles: Sequence[Article]) -> list[Prepared]:
        """The articles with their fingerprints and the backend's preparation
        (done for the whole list at once: the backend's analysis is by array)."""
        fields = self.backend(articles) if self.backend else [None] * len(articles)
        return [
            Prepared(article, self.fingerprinter(article.body, article.title) if self.fingerprinter else None, prepared)
            for article, prepared in zip(articles, fields, strict=True)
        ]

    def chunk(self, items: list[RawRecord | RawLine | Reject]) -> list[Prepared | Reject]:
        """Each item prepared, or its rejection. An article whose id the index
        holds is left ``partial``: most often it is unchanged."""
        parsed = [self._article(item) for item in items]
        fresh = [item for item in parsed if isinstance(item, Article) and item.id not in self.indexed]
        finished = iter(self.finish(fresh))
        prepared = [
            item
            if isinstance(item, Reject)
            else Prepared(item, partial=True)
            if item.id in self.indexed
            else next(finished)
            for item in parsed
        ]
        if self.worker_embedder is None or multiprocessing.parent_process() is None:  # not in a worker
            return prepared
        return self._encode(prepared)

    def _encode(self, prepared: list[Prepared | Reject]) -> list[Prepared | Reject]:
        """The chunk's finished articles with their vectors, in one encoder call."""
        ready = [item for item in prepared if isinstance(item, Prepared) and not item.partial]
        if not ready:
            return prepared
        if self._embedder is None:
            assert self.worker_embedder is not None
            self._embedder = load_embedder(self.worker_embedder, threads=1)  # the workers use the cores
        vectors = embed_articles(self._embedder, [item.article for item in ready], self.passages)
        encoded = {id(item): replace(item, vectors=v) for item, v in zip(ready, vectors, strict=True)}
        return [encoded.get(id(item), item) for item in prepared]
