"""Exact and near duplicates across runs: a SQLite file in the index directory.

It holds, per stored article, the hash of its normalized body, its MinHash
signature and its cluster, plus the LSH band keys that find near-duplicate
candidates, and the ids of exact duplicates merged into another article. It
lives beside the index so an incremental run clusters new articles against
everything indexed before.

Crash safety: the pipeline commits this file *before* the index. A run killed
between the two leaves entries for articles the index lacks; the next run
re-reads those articles as new and replaces their entries (an article never
matches itself), so the two agree again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.minhash import THRESHOLD, MinHasher, band_keys, optimal_bands, similarity
from search.analysis import Analyzer
from search.analysis.normalize import normalize
from search.analysis.tokenize import words

FILE_NAME = "duplicates.sqlite"
SHORT_BODY_WORDS = 25

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


@dataclass(frozen=True)
class Placement:
    """Where a new article falls: its cluster, and earlier articles whose
    cluster changed because of it (they must be stored again)."""

    cluster: str = ""
    similarity: float = 0.0
    relabelled: dict[str, str] = field(default_factory=dict)


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
        # The index's normalization (not its stemming, which a copy shares anyway):
        # spelling variants must not hide a copy.
        seats = (analyzer or Analyzer()).config.hamza_seats
        self.hasher = hasher or MinHasher()
        self.hasher.use_normalizer(lambda chunk: " ".join(normalize(word, seats) for word in words(chunk)))
        self.bands, self.rows = optimal_bands(threshold, self.hasher.num_perm)
        self.db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # one fsync per batch: cheap, and survives power loss
        self.db.executescript(_SCHEMA)
        self._check_settings()

    def _check_settings(self) -> None:
        """Signatures made with other parameters are not comparable: start over."""
        wanted = f"perm={self.hasher.num_perm}:shingle={self.hasher.shingle}:seed={self.hasher.seed}:t={self.threshold}"
        row = self.db.execute("SELECT value FROM settings WHERE name = 'minhash'").fetchone()
        if row is not None and row[0] != wanted:
            self.db.executescript("DELETE FROM docs; DELETE FROM bands;")
        self.db.execute("INSERT OR REPLACE INTO settings VALUES ('minhash', ?)", (wanted,))
        self.db.commit()

    def fingerprint(self, body: str, title: str = "") -> Fingerprint:
        """Body hash (of the normalized word sequence) and MinHash signature.

        A body of fewer than ``SHORT_BODY_WORDS`` words is hashed with its
        title: such bodies are often a placeholder (a writer's name, "Array")
        shared by different articles, not one article printed twice.
        """
        words = self.hasher.word_hashes(body)
        identity = words if len(words) >= SHORT_BODY_WORDS else self.hasher.word_hashes(f"{title}\n{body}")
        return Fingerprint(hashlib.sha1(identity.tobytes()).hexdigest(), self.hasher.signature(words))

    # -- exact duplicates --------------------------------------------------

    def same_body(self, fingerprint: Fingerprint, article_id: str) -> str | None:
        """The id of another stored article with this normalized body."""
        row = self.db.execute(
            "SELECT id FROM docs WHERE body_hash = ? AND id != ? LIMIT 1", (fingerprint.body_hash, article_id)
        ).fetchone()
        return row[0] if row else None

    def record_merge(self, duplicate_id: str, into_id: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO merged VALUES (?, ?)", (duplicate_id, into_id))

    # -- near duplicates ---------------------------------------------------

    def place(self, article_id: str, fingerprint: Fingerprint) -> Placement:
        """Store the article's fingerprint (replacing an earlier version's) and
        put it in the cluster of its most similar earlier article (at or above
        the threshold), if any."""
        self._drop_fingerprints([article_id])
        keys = band_keys(fingerprint.signature, self.bands, self.rows)
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT DISTINCT d.id, d.cluster, d.signature FROM bands b JOIN docs d ON d.id = b.id "
            f"WHERE b.key IN ({marks}) AND b.id != ?",
            [*keys, article_id],
        ).fetchall()
        best: tuple[float, str, str] | None = None
        for other_id, cluster, blob in rows:
            score = similarity(fingerprint.signature, np.frombuffer(blob, dtype=np.uint32))
            if score >= self.threshold and (best is None or (score, other_id) > (best[0], best[1])):
                best = (score, other_id, cluster)
        placement = Placement()
        if best is not None:
            score, other_id, cluster = best
            relabelled = {}
            if not cluster:
                cluster = other_id
                self.db.execute("UPDATE docs SET cluster = ? WHERE id = ?", (cluster, other_id))
                relabelled[other_id] = cluster
            placement = Placement(cluster, score, relabelled)
        self.db.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)",
            (article_id, fingerprint.body_hash, placement.cluster, fingerprint.signature.tobytes()),
        )
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(key, article_id) for key in keys])
        return placement

    # -- bookkeeping -------------------------------------------------------

    def _drop_fingerprints(self, ids: list[str] | set[str]) -> None:
        """Delete entries; their band rows are found from their stored signatures
        (an index on ``bands.id`` would slow every insert for a rare delete)."""
        for doc_id in ids:
            row = self.db.execute("SELECT signature FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                continue
            keys = band_keys(np.frombuffer(row[0], dtype=np.uint32), self.bands, self.rows)
            self.db.executemany("DELETE FROM bands WHERE key = ? AND id = ?", [(key, doc_id) for key in keys])
            self.db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))

    def remove(self, ids: list[str] | set[str]) -> None:
        """Forget deleted articles, and the duplicates merged into them."""
        self._drop_fingerprints(ids)
        self.db.executemany("DELETE FROM merged WHERE id = ? OR into_id = ?", [(i, i) for i in ids])

    def commit(self) -> None:
        self.db.commit()

    def counts(self) -> dict[str, int]:
        return _counts(self.db)

    def close(self) -> None:
        self.db.commit()
        self.db.close()
