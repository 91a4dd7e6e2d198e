"""Exact and near duplicates across runs: a SQLite file in the index directory.

It holds, per stored article, the hash of its normalized body, its MinHash
signature and its cluster, plus the LSH band keys that find near-duplicate
candidates, and the ids of exact duplicates merged into another article. It
lives beside the index so an incremental run clusters new articles against
everything indexed before.

Look-ups are made for many articles at once: ``prefetch`` reads every row a
chunk of fingerprints can match in a few queries, the decisions are then
taken in memory, in article order, and the writes they imply are made in
bulk when the store commits (once per batch). The file ends exactly as one
article at a time would leave it, rowids included.

Crash safety: the pipeline commits this file *before* the index. A run killed
between the two leaves entries for articles the index lacks, and may have
made an indexed article the head of a cluster that the index never heard of.
The next run starts with ``reconcile``: it forgets those entries and puts
such heads back as the index has them; re-reading the lost articles then
makes the same decisions again and stores them in both.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.minhash import THRESHOLD, MinHasher, band_keys, optimal_bands, similarity
from search.analysis import Analyzer
from search.analysis.normalize import normalize
from search.analysis.tokenize import words

FILE_NAME = "duplicates.sqlite"
SHORT_BODY_WORDS = 25
MAX_PARAMETERS = 30_000  # per query; SQLite allows 32,766
CACHE_KIB = 128 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, cluster TEXT NOT NULL,
                                 signature BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS docs_body ON docs (body_hash);
CREATE INDEX IF NOT EXISTS docs_cluster ON docs (cluster);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merged (id TEXT PRIMARY KEY, into_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    merged = db.execute("SELECT COUNT(*) FROM merged").fetchone()[0]
    clusters, members = db.execute("SELECT COUNT(DISTINCT cluster), COUNT(*) FROM docs WHERE cluster != ''").fetchone()
    return {"duplicates_merged": merged, "clusters": clusters, "clustered_articles": members}


def read_counts(path: Path) -> dict[str, int] | None:
    """Duplicates merged, near-duplicate clusters and articles in them, read
    without writing (for ``arshif stats``); ``None`` when there is no store."""
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _counts(db)
    except sqlite3.Error:
        return None
    finally:
        db.close()


@dataclass(frozen=True)
class Fingerprint:
    body_hash: str
    signature: np.ndarray
    keys: list[int]  # LSH band keys of the signature


@dataclass(frozen=True)
class Placement:
    """Where a new article falls: its cluster, and earlier articles whose
    cluster changed because of it (they must be stored again)."""

    cluster: str = ""
    similarity: float = 0.0
    relabelled: dict[str, str] = field(default_factory=dict)


class Fingerprinter:
    """Computes fingerprints. Pickled as its parameters, so worker processes
    build their own word cache (``indexer.prepare``)."""

    def __init__(self, hasher: MinHasher, hamza_seats: bool, bands: int, rows: int) -> None:
        self.hamza_seats, self.bands, self.rows = hamza_seats, bands, rows
        # The index's normalization (not its stemming, which a copy shares anyway):
        # spelling variants must not hide a copy.
        self.hasher = hasher
        self.hasher.use_normalizer(self._normalize)

    def _normalize(self, chunk: str) -> str:
        return " ".join(normalize(word, self.hamza_seats) for word in words(chunk))

    def __reduce__(self) -> tuple[type, tuple[MinHasher, bool, int, int]]:
        hasher = MinHasher(self.hasher.num_perm, self.hasher.shingle, self.hasher.seed)
        return Fingerprinter, (hasher, self.hamza_seats, self.bands, self.rows)

    def __call__(self, body: str, title: str = "") -> Fingerprint:
        """Body hash (of the normalized word sequence) and MinHash signature.

        A body of fewer than ``SHORT_BODY_WORDS`` words is hashed with its
        title: such bodies are often a placeholder (a writer's name, "Array")
        shared by different articles, not one article printed twice.
        """
        hashes = self.hasher.word_hashes(body)
        identity = hashes if len(hashes) >= SHORT_BODY_WORDS else self.hasher.word_hashes(f"{title}\n{body}")
        signature = self.hasher.signature(hashes)
        keys = band_keys(signature, self.bands, self.rows)
        return Fingerprint(hashlib.sha1(identity.tobytes()).hexdigest(), signature, keys)


@dataclass
class _Row:
    """A ``docs`` row as the decisions see it; ``order`` sorts rows by
    insertion (stored rows by rowid, then rows added since)."""

    order: tuple[int, int]
    body_hash: str
    cluster: str
    signature: np.ndarray

    @property
    def stored(self) -> bool:
        return self.order[0] == 0


def _rows_in(db: sqlite3.Connection, select: str, values: Sequence) -> Iterator[tuple]:
    """The rows of ``select`` (ending in ``column IN``) for these values, in
    queries of at most ``MAX_PARAMETERS`` values."""
    for start in range(0, len(values), MAX_PARAMETERS):
        part = values[start : start + MAX_PARAMETERS]
        yield from db.execute(f"{select} ({','.join('?' * len(part))})", part)


class _View:
    """The rows the fingerprints prefetched so far can match, as the file
    holds them plus the decisions not yet written. The file does not change
    while a view lives (writes wait for ``DuplicateStore._write``), so rows
    read later join the view consistently; what a decision changed wins."""

    _COLUMNS = "SELECT rowid, id, body_hash, cluster, signature FROM docs WHERE"

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.hashes: set[str] = set()
        self.keys: set[int] = set()
        self.rows: dict[str, _Row | None] = {}  # None: no row
        self.by_hash: dict[str, set[str]] = {}  # may hold ids whose row changed since: check the row
        self.bands: dict[int, set[str]] = {}  # keys without rows left out
        self.dropped: set[tuple[int, str]] = set()  # band rows deleted by a decision
        self._added = 0

    def load(self, db: sqlite3.Connection, ids: set[str], hashes: set[str], keys: set[int]) -> None:
        ids, hashes, keys = ids - self.ids, hashes - self.hashes, keys - self.keys
        self.ids |= ids
        self.hashes |= hashes
        self.keys |= keys
        self._load_rows(db, "id", sorted(ids))
        self._load_rows(db, "body_hash", sorted(hashes))
        banded = set()
        for key, doc_id in _rows_in(db, "SELECT key, id FROM bands WHERE key IN", sorted(keys)):
            if (key, doc_id) not in self.dropped:
                self.bands.setdefault(key, set()).add(doc_id)
                banded.add(doc_id)
        self._load_rows(db, "id", sorted(banded - self.rows.keys()))
        for doc_id in ids | banded:
            self.rows.setdefault(doc_id, None)

    def _load_rows(self, db: sqlite3.Connection, column: str, values: list) -> None:
        for rowid, doc_id, body_hash, cluster, blob in _rows_in(db, f"{self._COLUMNS} {column} IN", values):
            if doc_id not in self.rows:
                self.rows[doc_id] = _Row((0, rowid), body_hash, cluster, np.frombuffer(blob, dtype=np.uint32))
            self.by_hash.setdefault(body_hash, set()).add(doc_id)

    def covers(self, article_id: str, fingerprint: Fingerprint) -> bool:
        return (
            article_id in self.ids and fingerprint.body_hash in self.hashes and self.keys.issuperset(fingerprint.keys)
        )

    def row(self, doc_id: str) -> _Row | None:
        return self.rows.get(doc_id)

    def drop(self, doc_id: str, keys: list[int]) -> None:
        for key in keys:
            if key in self.bands:
                self.bands[key].discard(doc_id)
            self.dropped.add((key, doc_id))
        self.rows[doc_id] = None

    def add(self, doc_id: str, row: _Row, keys: list[int]) -> None:
        self.rows[doc_id] = row
        self.by_hash.setdefault(row.body_hash, set()).add(doc_id)
        for key in keys:
            self.bands.setdefault(key, set()).add(doc_id)
            self.dropped.discard((key, doc_id))

    def next_order(self) -> tuple[int, int]:
        self._added += 1
        return (1, self._added)


class DuplicateStore:
    def __init__(
        self,
        path: Path,
        threshold: float = THRESHOLD,
        hasher: MinHasher | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.path = Path(path)
        self.threshold = threshold
        self.hasher = hasher or MinHasher()
        self.bands, self.rows = optimal_bands(threshold, self.hasher.num_perm)
        seats = (analyzer or Analyzer()).config.hamza_seats
        self.fingerprinter = Fingerprinter(self.hasher, seats, self.bands, self.rows)
        self.db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # one fsync per batch: cheap, and survives power loss
        # Band keys are random: with SQLite's default 2 MB page cache, most look-ups and inserts read a page.
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.executescript(_SCHEMA)
        self._check_settings()
        self._view: _View | None = None
        self._writes: list[tuple[str, tuple]] = []  # decided, not yet written: (kind, parameters)

    def _check_settings(self) -> None:
        """Signatures made with other parameters are not comparable: start over."""
        wanted = f"perm={self.hasher.num_perm}:shingle={self.hasher.shingle}:seed={self.hasher.seed}:t={self.threshold}"
        row = self.db.execute("SELECT value FROM settings WHERE name = 'minhash'").fetchone()
        if row is not None and row[0] != wanted:
            self.db.executescript("DELETE FROM docs; DELETE FROM bands;")
        self.db.execute("INSERT OR REPLACE INTO settings VALUES ('minhash', ?)", (wanted,))
        self.db.commit()

    def fingerprint(self, body: str, title: str = "") -> Fingerprint:
        return self.fingerprinter(body, title)

    def _keys(self, signature: np.ndarray) -> list[int]:
        return band_keys(signature, self.bands, self.rows)

    def prefetch(self, entries: Sequence[tuple[str, Fingerprint]]) -> None:
        """Read, in a few queries, everything ``same_body`` and ``place`` can
        need for these ``(article id, fingerprint)`` pairs."""
        if self._view is None:
            self._view = _View()
        keys = {key for _, fingerprint in entries for key in fingerprint.keys}
        ids = {article_id for article_id, _ in entries}
        self._view.load(self.db, ids, {f.body_hash for _, f in entries}, keys)

    def _view_for(self, article_id: str, fingerprint: Fingerprint) -> _View:
        view = self._view
        if view is None or not view.covers(article_id, fingerprint):
            self.prefetch([(article_id, fingerprint)])
            view = self._view
        assert view is not None
        return view

    # -- exact duplicates --------------------------------------------------

    def same_body(self, fingerprint: Fingerprint, article_id: str) -> str | None:
        """The id of another stored article with this normalized body (the
        first stored, if several)."""
        view = self._view_for(article_id, fingerprint)
        found = [
            (row.order, doc_id)
            for doc_id in view.by_hash.get(fingerprint.body_hash, ())
            if doc_id != article_id and (row := view.row(doc_id)) is not None and row.body_hash == fingerprint.body_hash
        ]
        return min(found)[1] if found else None

    def record_merge(self, duplicate_id: str, into_id: str) -> None:
        self._writes.append(("merge", (duplicate_id, into_id)))

    # -- near duplicates ---------------------------------------------------

    def place(self, article_id: str, fingerprint: Fingerprint) -> Placement:
        """Store the article's fingerprint (replacing an earlier version's) and
        put it in the cluster of its most similar earlier article (at or above
        the threshold), if any."""
        keys = fingerprint.keys
        view = self._view_for(article_id, fingerprint)
        previous = view.row(article_id)
        if previous is not None:
            view.drop(article_id, self._keys(previous.signature))
            self._writes.append(("drop", (article_id,)))
        candidates = {doc_id for key in keys for doc_id in view.bands.get(key, ())}
        candidates.discard(article_id)
        best: tuple[float, str] | None = None
        for other_id in candidates:
            other = view.row(other_id)
            if other is None:
                continue
            score = similarity(fingerprint.signature, other.signature)
            if score >= self.threshold and (best is None or (score, other_id) > best):
                best = (score, other_id)
        placement = Placement()
        if best is not None:
            score, other_id = best
            other = view.row(other_id)
            assert other is not None
            cluster, relabelled = other.cluster, {}
            if not cluster:
                cluster = other.cluster = other_id  # an added row is written with it
                if other.stored:
                    self._writes.append(("relabel", (cluster, other_id)))
                relabelled[other_id] = cluster
            placement = Placement(cluster, score, relabelled)
        row = _Row(view.next_order(), fingerprint.body_hash, placement.cluster, fingerprint.signature)
        view.add(article_id, row, keys)
        self._writes.append(("add", (article_id, row, keys)))
        return placement

    # -- writing -----------------------------------------------------------

    def _write(self) -> None:
        """Write the decisions since the last write; the view ends with them.

        Between two drops (a changed article's old entry, rare), added rows
        and cluster changes of stored rows commute (a stored row is only
        re-added after its drop), so each stretch is one statement per kind,
        the added rows in decision order (their rowids follow it) and their
        band rows sorted (they fill the table's pages in order). Merges touch
        their own table."""
        added: list[tuple] = []
        relabelled: list[tuple] = []
        merges: list[tuple] = []
        for kind, parameters in self._writes:
            if kind == "drop":
                self._write_stretch(added, relabelled)
                added, relabelled = [], []
                self._drop_fingerprints([parameters[0]])
            else:
                {"add": added, "relabel": relabelled, "merge": merges}[kind].append(parameters)
        self._write_stretch(added, relabelled)
        self.db.executemany("INSERT OR REPLACE INTO merged VALUES (?, ?)", merges)
        self._writes = []
        self._view = None

    def _write_stretch(self, added: list[tuple], relabelled: list[tuple]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)",
            [(doc_id, row.body_hash, row.cluster, row.signature.tobytes()) for doc_id, row, _ in added],
        )
        bands = sorted((key, doc_id) for doc_id, _, keys in added for key in keys)
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", bands)
        self.db.executemany("UPDATE docs SET cluster = ? WHERE id = ?", relabelled)

    # -- bookkeeping -------------------------------------------------------

    def _drop_fingerprints(self, ids: list[str] | set[str]) -> None:
        """Delete entries; their band rows are found from their stored signatures
        (an index on ``bands.id`` would slow every insert for a rare delete)."""
        for doc_id in ids:
            row = self.db.execute("SELECT signature FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                continue
            keys = self._keys(np.frombuffer(row[0], dtype=np.uint32))
            self.db.executemany("DELETE FROM bands WHERE key = ? AND id = ?", [(key, doc_id) for key in keys])
            self.db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))

    def reconcile(self, indexed: AbstractSet[str], clusters: Callable[[list[str]], dict[str, str]]) -> None:
        """Forget entries of articles the index lacks (a run killed between
        this file's commit and the index's), and give the indexed articles in
        their clusters the cluster the index has (``clusters``: id -> cluster,
        read from the index)."""
        self._write()
        ghosts = [doc_id for (doc_id,) in self.db.execute("SELECT id FROM docs") if doc_id not in indexed]
        if not ghosts:
            return
        touched = {
            c for (c,) in _rows_in(self.db, "SELECT DISTINCT cluster FROM docs WHERE cluster != '' AND id IN", ghosts)
        }
        self._drop_fingerprints(ghosts)
        self.db.executemany("DELETE FROM merged WHERE into_id = ?", [(g,) for g in ghosts])
        members = list(_rows_in(self.db, "SELECT id, cluster FROM docs WHERE cluster IN", sorted(touched)))
        actual = clusters([doc_id for doc_id, _ in members])
        self.db.executemany(
            "UPDATE docs SET cluster = ? WHERE id = ?",
            [(actual[doc_id], doc_id) for doc_id, cluster in members if doc_id in actual and actual[doc_id] != cluster],
        )
        self.db.commit()

    def remove(self, ids: list[str] | set[str]) -> None:
        """Forget deleted articles, and the duplicates merged into them."""
        self._write()
        self._drop_fingerprints(ids)
        self.db.executemany("DELETE FROM merged WHERE id = ? OR into_id = ?", [(i, i) for i in ids])

    def commit(self) -> None:
        self._write()
        self.db.commit()

    def counts(self) -> dict[str, int]:
        self._write()
        return _counts(self.db)

    def close(self) -> None:
        self.commit()
        self.db.close()
