"""One indexing run: read -> prepare -> skip unchanged -> dedup -> upsert in batches -> commit.

Preparing (field mapping, fingerprint, the backend's analysis) runs in worker
processes ahead of the rest (``indexer.prepare``, ``indexer.workers``); this
module does the serial part, in input order: unchanged checks, duplicate
decisions, index writes and commits. An index commit runs in a thread
while the next batch is decided; the batch being committed stays in memory
until then, so decisions see it as if it were already in the index. A batch
goes to the backend as it grows, whenever no commit is running (uncommitted
until the batch is full): the index's indexing thread, a run's critical path,
starts on the first articles instead of waiting for a whole batch.

Crash safety comes from three facts: the backend upserts by id (so re-adding
a committed article replaces it instead of duplicating it), a batch is
committed as a whole, and the duplicate store is committed before the index
gets any of it (``indexer.duplicates``; an Elasticsearch cluster keeps what
it is sent, commit or not). A run killed at any point loses at most the batch
in flight, which the next run of the same command adds again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import orjson

from indexer.collection import keep, rare_collections
from indexer.duplicates import DuplicateStore
from indexer.fields import MAX_BODY_CHARS
from indexer.prepare import Prepared, Preparer
from indexer.readers import read
from indexer.records import Location, RawLine, RawRecord, Reject
from indexer.sources import Meter, total_bytes
from indexer.workers import default_workers, map_chunks
from search.backend import Backend
from search.embed import Embedder, embed_articles
from search.models import Article
from search.passages import PassageConfig

BATCH_SIZE = 5000
SEND_SIZE = 500  # the fewest articles sent at once before a batch is full (a bulk request's worth)
PROGRESS_SECONDS = 0.5
LAST_RUN_FILE = "last-run.json"


@dataclass
class RunSummary:
    read: int = 0
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    clusters: int = 0
    rejected: int = 0
    deleted: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    meter: Meter = field(default_factory=Meter, repr=False)
    seen_ids: set[str] = field(default_factory=set, repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "read": self.read,
            "indexed": self.indexed,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "clusters": self.clusters,
            "rejected": self.rejected,
            "deleted": self.deleted,
            "seconds": round(self.seconds, 2),
            "rejects": self.rejects_path,
        }

    def save(self, path: Path, inputs: Iterable[Path]) -> None:
        """Write the summary atomically (``arshif stats`` reports it)."""
        data = self.to_json() | {
            "inputs": [str(p) for p in inputs],
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        tmp.replace(path)


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
    send_size: int = SEND_SIZE
    max_body_chars: int = MAX_BODY_CHARS
    duplicates: DuplicateStore | None = None
    progress: Callable[[RunSummary], None] | None = None
    embedder: Embedder | None = None  # None: a BM25-only index
    workers: int = field(default_factory=default_workers)  # processes that prepare records; 1: in this one
    _committer: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _commit: Future[None] | None = field(default=None, init=False, repr=False)
    _committing: dict[str, Prepared] = field(default_factory=dict, init=False, repr=False)  # the batch in _commit
    _sent: dict[str, Prepared] = field(default_factory=dict, init=False, repr=False)  # of the batch, sent as is
    _refused: set[str] = field(default_factory=set, init=False, repr=False)  # ids of the batch the backend refused

    def records(self, paths: Iterable[Path], summary: RunSummary) -> Iterator[RawRecord | RawLine | Reject]:
        for path in paths:
            yield from read(path, self.format, summary.meter, parse=False)

    @property
    def passages(self) -> PassageConfig:
        return self.backend.meta.passages or PassageConfig()

    def preparer(self, indexed: frozenset[str]) -> Preparer:
        return Preparer(
            self.field_overrides,
            self.max_body_chars,
            self.duplicates.fingerprinter if self.duplicates is not None else None,
            self.backend.preparer(),
            indexed,
            worker_embedder=self.embedder.name if self.embedder and self.embedder.parallel_processes else None,
            passages=self.passages,
        )

    def _reject(self, reject: Reject, summary: RunSummary) -> None:
        summary.rejected += 1
        summary.rejects_path = str(self.rejects.path)
        self.rejects.write(reject)

    def run(self, paths: list[Path], prune: bool = False) -> RunSummary:
        summary = RunSummary()
        summary.meter.total = total_bytes(paths)
        started = time.perf_counter()
        known = self.backend.ids()
        if self.duplicates is not None:  # after a run killed between the two commits
            self.duplicates.reconcile(known, self._clusters)
        preparer = self.preparer(frozenset(known))
        batch: dict[str, Prepared] = {}
        shown = time.monotonic()
        try:
            with (
                rare_collections(),
                ThreadPoolExecutor(1, thread_name_prefix="commit") as self._committer,
                closing(map_chunks(preparer.chunk, self.records(paths, summary), self.workers)) as chunks,
            ):
                for chunk in chunks:
                    items = self._settle(chunk, preparer)
                    for item in items:
                        if isinstance(item, Reject):
                            summary.read += item.record
                            self._reject(item, summary)
                            continue
                        summary.read += 1
                        if self.progress and time.monotonic() - shown > PROGRESS_SECONDS:
                            self.progress(summary)
                            shown = time.monotonic()
                        article = item.article
                        summary.seen_ids.add(article.id)
                        if article.id not in batch and article.id in known and self._unchanged(article):
                            summary.unchanged += 1
                            continue
                        if item.partial:  # an id seen twice in this batch
                            item = preparer.finish([article])[0]
                        stored = self._add(item, known, batch, summary)
                        if stored:
                            if article.id in known:
                                summary.updated += 1
                            else:
                                summary.indexed += 1
                                known.add(article.id)
                        if len(batch) >= self.batch_size:
                            self._flush(batch, summary)
                            batch = {}
                    self._send_early(batch, summary)
                self._flush(batch, summary)
                self._wait_for_commit()
            summary.meter.done = summary.meter.total
            if prune:
                gone = known - summary.seen_ids
                self.delete(gone)
                summary.deleted = len(gone)
        finally:
            self._wait_for_commit()
            self.rejects.close()
        summary.seconds = time.perf_counter() - started
        return summary

    def _settle(self, chunk: list[Prepared | Reject], preparer: Preparer) -> list[Prepared | Reject]:
        """Finish the articles the workers left (already indexed ones) that
        changed, then read what the chunk's duplicate decisions need."""
        changed = [
            item for item in chunk if isinstance(item, Prepared) and item.partial and not self._unchanged(item.article)
        ]
        finished = dict(zip(map(id, changed), preparer.finish([item.article for item in changed]), strict=True))
        items = [finished.get(id(item), item) for item in chunk]
        if self.duplicates is not None:
            self.duplicates.prefetch(
                [(i.article.id, i.fingerprint) for i in items if isinstance(i, Prepared) and i.fingerprint is not None]
            )
        return items

    def _clusters(self, ids: list[str]) -> dict[str, str]:
        return {article.id: article.cluster for article in self.backend.fetch(ids)}

    def _unchanged(self, article: Article) -> bool:
        committing = self._committing.get(article.id)
        if committing is not None:
            return committing.article.content_hash == article.content_hash
        return self.backend.unchanged(article)

    def _get(self, article_id: str, batch: dict[str, Prepared]) -> Prepared | None:
        if article_id in batch:
            return batch[article_id]
        if article_id in self._committing:
            return self._committing[article_id]
        found = self.backend.fetch([article_id])
        return Prepared(found[0]) if found else None

    def _add(self, item: Prepared, known: set[str], batch: dict[str, Prepared], summary: RunSummary) -> bool:
        """Put the article in the batch, or merge it into the article whose body
        it repeats. Returns whether it is stored under its own id."""
        article = item.article
        if article.id in known:  # an update keeps the duplicates merged into it
            previous = self._get(article.id, batch)
            if previous is not None:
                article = article.model_copy(
                    update={"urls": previous.article.urls, "duplicate_sources": previous.article.duplicate_sources}
                )
                item = replace(item, article=article)
        if self.duplicates is None:
            batch[article.id] = item
            return True
        fingerprint = item.fingerprint
        assert fingerprint is not None, "prepared without the duplicate store's fingerprinter"
        if article.id not in known:
            original_id = self.duplicates.same_body(fingerprint, article.id)
            original = self._get(original_id, batch) if original_id else None
            if original is not None:
                self._merge(article, original, batch)
                summary.duplicates += 1
                summary.seen_ids.add(original.article.id)
                return False
        placement = self.duplicates.place(article.id, fingerprint)
        if placement.cluster:
            summary.near_duplicates += 1
            summary.clusters += len(placement.relabelled)
            item = replace(item, article=article.model_copy(update={"cluster": placement.cluster}))
            for other_id, cluster in placement.relabelled.items():
                other = self._get(other_id, batch)
                if other is not None:
                    batch[other_id] = replace(other, article=other.article.model_copy(update={"cluster": cluster}))
        batch[article.id] = item
        return True

    def _merge(self, duplicate: Article, original: Prepared, batch: dict[str, Prepared]) -> None:
        """Keep one copy of a repeated body, with every URL and source it came from."""
        assert self.duplicates is not None
        kept = original.article
        urls = list(kept.urls)
        if duplicate.url and duplicate.url != kept.url and duplicate.url not in urls:
            urls.append(duplicate.url)
        sources = list(kept.duplicate_sources)
        if duplicate.source and duplicate.source != kept.source and duplicate.source not in sources:
            sources.append(duplicate.source)
        if urls != kept.urls or sources != kept.duplicate_sources:
            batch[kept.id] = replace(
                original, article=kept.model_copy(update={"urls": urls, "duplicate_sources": sources})
            )
        self.duplicates.record_merge(duplicate.id, kept.id)

    def delete(self, ids: set[str] | list[str]) -> None:
        """Remove articles from the index and from the duplicate store."""
        if self.duplicates is not None:
            self.duplicates.remove(list(ids))
            self.duplicates.commit()
        self.backend.delete(ids)
        self.backend.commit()

    def _send_early(self, batch: dict[str, Prepared], summary: RunSummary) -> None:
        """Between chunks: send what the backend lacks of the batch, if no
        commit is running (the backend cannot take articles during one) and
        there is enough of it to be worth a request."""
        if self._commit is not None:
            if not self._commit.done():
                return
            self._wait_for_commit()
        if len(batch) - len(self._sent) >= self.send_size:  # new ids; changed ones go along
            self._send(batch, summary)

    def _send(self, batch: dict[str, Prepared], summary: RunSummary) -> None:
        """Upsert the batch's articles the backend lacks: new ones, and ones
        changed since they were sent (a duplicate merged in, a new cluster, their
        id seen again), which replace their earlier version (upserts are by id).
        The duplicate store is committed first: the index never holds an
        article whose duplicate decisions a crash could lose. Articles get
        their vectors here, kept for a later resend."""
        unsent = [item for key, item in batch.items() if self._sent.get(key) is not item]
        if not unsent:
            return
        if self.duplicates is not None:
            self.duplicates.commit()
        vectors = None
        if self.embedder:
            vectors = self._vectors(unsent)
            unsent = [
                item if item.vectors is v else replace(item, vectors=v) for item, v in zip(unsent, vectors, strict=True)
            ]
        articles = [item.article for item in unsent]
        failures = self.backend.upsert(articles, vectors, [item.fields for item in unsent]) or []
        for failure in failures:  # a server refused these articles
            self._reject(Reject(Location(f"article {failure.id}"), f"the index refused it: {failure.reason}"), summary)
        for item in unsent:
            batch[item.article.id] = self._sent[item.article.id] = item
        self._refused = (self._refused - {article.id for article in articles}) | {failure.id for failure in failures}

    def _flush(self, batch: dict[str, Prepared], summary: RunSummary) -> None:
        """Send the rest of the batch, and start committing it (after the
        previous commit and the duplicate store's, so a crash loses at most
        this batch)."""
        self._wait_for_commit()
        if self.duplicates is not None:
            self.duplicates.commit()
        if batch:
            self._send(batch, summary)
            self._committing = {key: item for key, item in batch.items() if key not in self._refused}
            self._sent, self._refused = {}, set()
            assert self._committer is not None, "flushed outside run"
            self._commit = self._committer.submit(self.backend.commit)
        keep()  # what the run holds now (ids, the duplicate store's tables) is not rescanned
        if self.progress:
            self.progress(summary)

    def _vectors(self, batch: list[Prepared]) -> list[np.ndarray]:
        """The workers' vectors, and this process's for the articles they did
        not encode (all of them with an embedder that is not ``parallel_processes``)."""
        assert self.embedder is not None
        missing = [item.article for item in batch if item.vectors is None]
        encoded = iter(embed_articles(self.embedder, missing, self.passages))
        return [item.vectors if item.vectors is not None else next(encoded) for item in batch]

    def _wait_for_commit(self) -> None:
        if self._commit is not None:
            commit, self._commit = self._commit, None
            commit.result()
        self._committing = {}
