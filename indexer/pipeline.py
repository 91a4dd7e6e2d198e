"""One indexing run: read -> map -> skip unchanged -> upsert in batches -> commit.

Crash safety comes from two facts: the backend upserts by id (so re-adding a
committed article replaces it instead of duplicating it), and a batch is
committed as a whole. A run killed at any point loses at most the batch in
flight, which the next run of the same command adds again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from indexer.fields import RecordError, to_article
from indexer.readers import read
from indexer.records import Reject
from search.backend import Backend
from search.embed import Embedder, embed_articles
from search.models import Article
from search.passages import PassageConfig

BATCH_SIZE = 1000


@dataclass
class RunSummary:
    read: int = 0
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deleted: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    seen_ids: set[str] = field(default_factory=set, repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "read": self.read,
            "indexed": self.indexed,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "deleted": self.deleted,
            "seconds": round(self.seconds, 2),
            "rejects": self.rejects_path,
        }


class RejectsFile:
    """Appends rejections as JSON lines; the file is created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = None

    def write(self, reject: Reject) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab")
        self._handle.write(orjson.dumps(reject.to_json()) + b"\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


@dataclass
class IndexRun:
    backend: Backend
    rejects: RejectsFile
    field_overrides: Mapping[str, str] = field(default_factory=dict)
    format: str | None = None
    batch_size: int = BATCH_SIZE
    progress: Callable[[RunSummary], None] | None = None
    embedder: Embedder | None = None  # None: a BM25-only index

    def articles(self, paths: Iterable[Path], summary: RunSummary) -> Iterable[Article]:
        for path in paths:
            for item in read(path, self.format):
                if isinstance(item, Reject):
                    self._reject(item, summary)
                    continue
                summary.read += 1
                try:
                    yield to_article(item, self.field_overrides)
                except RecordError as error:
                    excerpt = orjson.dumps(item.fields, default=str).decode()
                    self._reject(Reject(item.location, str(error), excerpt), summary)

    def _reject(self, reject: Reject, summary: RunSummary) -> None:
        summary.rejected += 1
        summary.rejects_path = str(self.rejects.path)
        self.rejects.write(reject)

    def run(self, paths: Iterable[Path], prune: bool = False) -> RunSummary:
        summary = RunSummary()
        started = time.perf_counter()
        known = self.backend.ids()
        batch: list[Article] = []
        batch_ids: set[str] = set()
        try:
            for article in self.articles(paths, summary):
                summary.seen_ids.add(article.id)
                if article.id in batch_ids:  # the same id twice in one batch: last wins
                    batch = [a for a in batch if a.id != article.id]
                elif article.id in known and self.backend.unchanged(article):
                    summary.unchanged += 1
                    continue
                if article.id in known:
                    summary.updated += 1
                else:
                    summary.indexed += 1
                    known.add(article.id)
                batch.append(article)
                batch_ids.add(article.id)
                if len(batch) >= self.batch_size:
                    self._flush(batch, summary)
                    batch, batch_ids = [], set()
            self._flush(batch, summary)
            if prune:
                gone = known - summary.seen_ids
                self.backend.delete(gone)
                self.backend.commit()
                summary.deleted = len(gone)
        finally:
            self.rejects.close()
        summary.seconds = time.perf_counter() - started
        return summary

    def _flush(self, batch: list[Article], summary: RunSummary) -> None:
        if batch:
            vectors = embed_articles(self.embedder, batch, self.backend.meta.passages or PassageConfig()) if self.embedder else None
            self.backend.upsert(batch, vectors)
            self.backend.commit()
        if self.progress:
            self.progress(summary)
