"""Passage vectors on disk beside the tantivy index, keyed by article id.

Layout of ``<index>/vectors/``::

    manifest.json          the live segments and ANN file; replaced atomically
    000001.npy             passage vectors of one commit, (rows, dim) float32
    000001.json            which article owns which rows; ids deleted by that commit
    ann-000007.usearch     HNSW graph over the covered segments (when large)

A commit writes a new segment and then the manifest (temp file, fsync,
rename), so a killed run leaves the previous manifest and at most some orphan
files, which the next writer removes. Segments are never changed in place:
an upsert in a later segment shadows the article's older rows, a delete
hides them, and compaction rewrites the live rows into one segment. Readers
memory-map segments and the HNSW file, so opening costs no copy.

Search is exact (one matrix product per segment) while the store is small and
for segments the HNSW file does not cover yet; above ``exact_limit`` rows the
writer builds an HNSW graph (usearch) when it closes. An article's score is
its best passage's cosine similarity.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.backend import BackendError

MANIFEST = "manifest.json"
EXACT_LIMIT = 20_000  # above this a brute-force scan costs more than 5 ms/query here
MAX_SEGMENTS = 8
DEAD_FRACTION = 0.3
# Passages fetched per wanted article: several passages of one article fill
# the HNSW list, so fetch more when articles have more passages (measured on
# news-dev: one passage per article loses no recall at twice the depth).
OVERFETCH = 4
OVERFETCH_SINGLE = 2
# HNSW expansion, measured on news-dev and xling (bench/bench_quality.py, bench_hybrid.py): 200, 256 and
# 512 give the same hybrid MRR@10 and R@100 (0.739 / 0.977 known-item, 0.982 / 0.999 en->ar); top-10
# recall against exact search is 0.985 / 0.991 / 0.995, the search 2.1 / 2.7 / 4.1 ms (16-bit graph).
EXPANSION_SEARCH = 256
# The graph stores 8-bit vectors (a quarter of float32's memory traffic) to
# choose candidates, whose scores are then computed exactly from the float32
# rows: top-10 recall 0.989 vs 0.990 for 16-bit, the same hybrid quality,
# 0.4-0.5 ms faster (docs/benchmarks-hybrid.md).
ANN_DTYPE = "i8"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _save_matrix(path: Path, matrix: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, np.ascontiguousarray(matrix, dtype=np.float32))
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _Segment:
    name: str
    base: int  # key of row 0 (HNSW keys are base + row)
    vectors: np.ndarray  # memory-mapped
    articles: list[tuple[str, int, int]]  # (id, first row, rows)
    deleted: list[str]
    owner: np.ndarray | None = None  # row -> live article number, -1 = shadowed or deleted
    first: np.ndarray | None = None  # row -> first row of its article's block
    block_start: np.ndarray | None = None  # first row of each live, non-empty article block
    block_owner: np.ndarray | None = None  # its live article number


@dataclass
class _State:
    """A consistent read view: what the manifest named when it was loaded."""

    segments: list[_Segment]
    latest: dict[str, tuple[int, int, int]]  # id -> (segment position, first row, rows)
    ids: list[str]  # live article number -> id
    number: dict[str, int]
    ann: object | None  # usearch Index (view) over ``covered`` segments
    covered: frozenset[str]
    bases: np.ndarray

    @property
    def live_rows(self) -> int:
        return int(sum(int((s.owner >= 0).sum()) for s in self.segments))


class VectorStore:
    """Vectors of one index directory; writes are buffered until ``commit``."""

    def __init__(self, path: Path, dimension: int, exact_limit: int = EXACT_LIMIT) -> None:
        self.path = Path(path)
        self.dimension = dimension
        self.exact_limit = exact_limit
        self.path.mkdir(parents=True, exist_ok=True)
        self._pending: list[tuple[str, np.ndarray]] = []
        self._pending_deletes: list[str] = []
        self._state: _State | None = None
        self._state_stamp: tuple[int, int] | None = None
        self._cleaned = False

    # -- manifest --------------------------------------------------------

    def _manifest(self) -> dict:
        path = self.path / MANIFEST
        if not path.exists():
            return {"dimension": self.dimension, "segments": [], "next_key": 0, "next_name": 1, "ann": None}
        try:
            manifest = json.loads(path.read_bytes())
        except (OSError, ValueError) as error:
            raise BackendError(f"cannot read {path}: {error}; rebuild the index (arshif index --rebuild ...)") from error
        if manifest.get("dimension") != self.dimension:
            raise BackendError(
                f"{self.path} holds {manifest.get('dimension')}-dimensional vectors but the index "
                f"metadata says {self.dimension}; rebuild the index (arshif index --rebuild ...)"
            )
        return manifest

    def _save_manifest(self, manifest: dict) -> None:
        _fsync_dir(self.path)  # segment files first, then the manifest naming them
        _write_atomic(self.path / MANIFEST, json.dumps(manifest).encode())
        _fsync_dir(self.path)
        self._state = None

    # -- writing ---------------------------------------------------------

    def upsert(self, ids: Sequence[str], matrices: Sequence[np.ndarray]) -> None:
        for doc_id, matrix in zip(ids, matrices, strict=True):
            matrix = np.asarray(matrix, dtype=np.float32)
            if not matrix.size:
                matrix = np.zeros((0, self.dimension), np.float32)
            if matrix.ndim != 2 or matrix.shape[1] != self.dimension:
                raise BackendError(
                    f"article {doc_id}: vectors have dimension {matrix.shape[-1]}, the index {self.dimension}"
                )
            self._pending.append((doc_id, matrix))

    def delete(self, ids: Iterable[str]) -> None:
        self._pending_deletes.extend(ids)

    def commit(self) -> None:
        """Write the buffered changes as one segment, then name it in the manifest."""
        if not self._pending and not self._pending_deletes:
            return
        manifest = self._manifest()
        self._clean(manifest)
        name = f"{manifest['next_name']:06d}"
        rows = 0
        articles = []
        for doc_id, matrix in self._pending:
            articles.append((doc_id, rows, len(matrix)))
            rows += len(matrix)
        vectors = (
            np.concatenate([m for _, m in self._pending]) if self._pending else np.zeros((0, self.dimension), np.float32)
        )
        _save_matrix(self.path / f"{name}.npy", vectors)
        _write_atomic(
            self.path / f"{name}.json", json.dumps({"articles": articles, "deleted": self._pending_deletes}).encode()
        )
        manifest["segments"].append({"name": name, "base": manifest["next_key"], "rows": rows})
        manifest["next_key"] += rows
        manifest["next_name"] += 1
        self._save_manifest(manifest)
        self._pending, self._pending_deletes = [], []

    def _clean(self, manifest: dict) -> None:
        """Remove files a killed run or a compaction left unreferenced (once per writer)."""
        if self._cleaned:
            return
        keep = {MANIFEST}
        for segment in manifest["segments"]:
            keep.update({f"{segment['name']}.npy", f"{segment['name']}.json"})
        if manifest.get("ann"):
            keep.add(manifest["ann"]["file"])
        for file in self.path.iterdir():
            if file.name not in keep:
                file.unlink(missing_ok=True)
        self._cleaned = True

    def close(self) -> None:
        """End of a writing session: compact many small segments, and build the
        HNSW graph when the store has outgrown exact search."""
        self.commit()
        manifest = self._manifest()
        if not manifest["segments"]:
            return
        self._clean(manifest)
        state = self.state()
        total = sum(len(s.owner) for s in state.segments)
        live = state.live_rows
        if len(state.segments) > MAX_SEGMENTS or (total and (total - live) / total > DEAD_FRACTION):
            manifest = self._compact(manifest, state)
            state = self.state()
        uncovered = sum(int((s.owner >= 0).sum()) for s in state.segments if s.name not in state.covered)
        if live >= self.exact_limit and uncovered > 0.1 * live:
            self.build_ann()

    def _compact(self, manifest: dict, state: _State) -> dict:
        name = f"{manifest['next_name']:06d}"
        blocks, articles, rows = [], [], 0
        for doc_id in state.ids:
            position, start, count = state.latest[doc_id]
            blocks.append(np.asarray(state.segments[position].vectors[start : start + count]))
            articles.append((doc_id, rows, count))
            rows += count
        vectors = np.concatenate(blocks) if blocks else np.zeros((0, self.dimension), np.float32)
        _save_matrix(self.path / f"{name}.npy", vectors)
        _write_atomic(self.path / f"{name}.json", json.dumps({"articles": articles, "deleted": []}).encode())
        manifest.update(
            segments=[{"name": name, "base": manifest["next_key"], "rows": rows}],
            next_key=manifest["next_key"] + rows,
            next_name=manifest["next_name"] + 1,
            ann=None,
        )
        self._save_manifest(manifest)
        self._cleaned = False
        self._clean(manifest)
        return manifest

    def build_ann(self) -> None:
        """(Re)build the HNSW graph over every live row and name it in the manifest."""
        from usearch.index import Index

        manifest = self._manifest()
        state = self.state()
        index = Index(ndim=self.dimension, metric="ip", dtype=ANN_DTYPE, connectivity=32, expansion_add=200)
        for segment in state.segments:
            rows = np.flatnonzero(segment.owner >= 0)
            if rows.size:
                index.add(segment.base + rows, np.asarray(segment.vectors[rows]), threads=os.cpu_count() or 1)
        name = f"ann-{manifest['next_name']:06d}.usearch"
        tmp = self.path / (name + ".tmp")
        index.save(str(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        tmp.replace(self.path / name)
        manifest["ann"] = {"file": name, "covers": [s.name for s in state.segments]}
        manifest["next_name"] += 1
        self._save_manifest(manifest)
        self._cleaned = False
        self._clean(manifest)

    # -- reading ---------------------------------------------------------

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = (self.path / MANIFEST).stat()
        except FileNotFoundError:
            return None
        return info.st_mtime_ns, info.st_size

    def refresh(self) -> None:
        """Forget the loaded state only when a writer replaced the manifest since:
        a server refreshes every second, and loading maps every segment."""
        if self._state is not None and self._state_stamp != self._stamp():
            self._state = None

    def state(self) -> _State:
        state = self._state  # one read: another thread may refresh meanwhile
        if state is None:
            stamp = self._stamp()
            try:
                state = self._load()
            except FileNotFoundError:  # a writer compacted between manifest and segment read
                state = self._load()
            self._state, self._state_stamp = state, stamp
        return state

    def _load(self) -> _State:
        manifest = self._manifest()
        segments = []
        latest: dict[str, tuple[int, int, int]] = {}
        for position, entry in enumerate(manifest["segments"]):
            info = json.loads((self.path / f"{entry['name']}.json").read_bytes())
            vectors = np.load(self.path / f"{entry['name']}.npy", mmap_mode="r")
            segment = _Segment(entry["name"], entry["base"], vectors, [tuple(a) for a in info["articles"]], info["deleted"])
            for doc_id in segment.deleted:
                latest.pop(doc_id, None)
            for doc_id, start, count in segment.articles:
                latest[doc_id] = (position, start, count)
            segments.append(segment)
        ids = list(latest)
        number = {doc_id: i for i, doc_id in enumerate(ids)}
        for segment in segments:
            segment.owner = np.full(len(segment.vectors), -1, dtype=np.int64)
            segment.first = np.zeros(len(segment.vectors), dtype=np.int64)
            for _, start, count in segment.articles:
                segment.first[start : start + count] = start
        blocks: list[list[tuple[int, int]]] = [[] for _ in segments]
        for doc_id, (position, start, count) in latest.items():
            segments[position].owner[start : start + count] = number[doc_id]
            if count:
                blocks[position].append((start, number[doc_id]))
        for segment, live in zip(segments, blocks, strict=True):
            live.sort()
            segment.block_start = np.array([start for start, _ in live], dtype=np.int64)
            segment.block_owner = np.array([owner for _, owner in live], dtype=np.int64)
        ann, covered = None, frozenset()
        if manifest.get("ann"):
            from usearch.index import Index

            ann = Index.restore(str(self.path / manifest["ann"]["file"]), view=True)
            ann.expansion_search = EXPANSION_SEARCH
            covered = frozenset(manifest["ann"]["covers"])
        bases = np.array([s.base for s in segments], dtype=np.int64)
        return _State(segments, latest, ids, number, ann, covered, bases)

    def count(self) -> int:
        return len(self.state().ids)

    def search(
        self, vector: np.ndarray, limit: int, allowed: set[str] | None = None, exact: bool = False
    ) -> list[tuple[str, float, int]]:
        """Best ``limit`` articles as ``(id, similarity, best passage)``;
        ``allowed`` restricts to those ids (filters). Exact when asked, when no
        HNSW graph exists, or when the graph cannot fill the page."""
        state = self.state()
        if not state.ids or limit <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dimension:
            raise BackendError(f"query vector has dimension {query.shape[0]}, the index {self.dimension}")
        mask = None
        if allowed is not None:
            mask = np.zeros(len(state.ids), dtype=bool)
            mask[[state.number[i] for i in allowed if i in state.number]] = True
            if not mask.any():
                return []
        best = np.full(len(state.ids), -np.inf, dtype=np.float32)
        where = np.full(len(state.ids), -1, dtype=np.int64)
        use_ann = state.ann is not None and not exact
        if use_ann and mask is not None and mask.mean() < 0.2:
            use_ann = False  # a selective filter: scanning its rows beats over-fetching
        for segment in state.segments:
            if use_ann and segment.name in state.covered:
                continue
            self._scan(segment, query, mask, best, where)
        if use_ann:
            self._ann(state, query, limit, mask, best, where)
        found = np.flatnonzero(best > -np.inf)
        if use_ann and len(found) < min(limit, len(state.ids) if mask is None else int(mask.sum())):
            return self.search(vector, limit, allowed, exact=True)
        if len(found) > limit:
            found = found[np.argpartition(-best[found], limit - 1)[:limit]]
        top = found[np.argsort(-best[found], kind="stable")]
        return [(state.ids[i], float(best[i]), self._passage(state, i, where, query)) for i in top]

    @staticmethod
    def _passage(state: _State, number: int, where: np.ndarray, query: np.ndarray) -> int:
        """Which of the article's passages matched best (known already for ANN hits)."""
        if where[number] >= 0:
            return int(where[number])
        position, start, count = state.latest[state.ids[number]]
        return int(np.argmax(np.asarray(state.segments[position].vectors[start : start + count]) @ query))

    @staticmethod
    def _scan(segment: _Segment, query: np.ndarray, mask: np.ndarray | None, best: np.ndarray, where: np.ndarray) -> None:
        """One matrix product, then the best row of each live article block
        (blocks are contiguous; dead and filtered rows score -inf). Linear time:
        the passage number is worked out later, for the returned hits only."""
        if not len(segment.block_start):
            return
        sims = segment.vectors @ query
        keep = segment.owner >= 0
        if mask is not None:
            keep &= mask[np.maximum(segment.owner, 0)]
        sims = np.where(keep, sims, -np.inf).astype(np.float32, copy=False)
        block_best = np.maximum.reduceat(sims, segment.block_start)
        owners = segment.block_owner
        better = block_best > best[owners]
        best[owners[better]] = block_best[better]
        where[owners[better]] = -1

    @staticmethod
    def _ann(
        state: _State, query: np.ndarray, limit: int, mask: np.ndarray | None, best: np.ndarray, where: np.ndarray
    ) -> None:
        overfetch = OVERFETCH if len(state.ann) > len(state.ids) else OVERFETCH_SINGLE
        count = min(len(state.ann), max(limit * overfetch, 100))
        if mask is not None:
            count = min(len(state.ann), int(count / max(mask.mean(), 0.05)))
        matches = state.ann.search(query, count)
        keys = np.asarray(matches.keys, dtype=np.int64)
        position = np.searchsorted(state.bases, keys, side="right") - 1
        for index in np.unique(position):
            segment = state.segments[index]
            if segment.name not in state.covered:
                continue
            chosen = position == index
            rows = keys[chosen] - segment.base
            inside = rows < len(segment.owner)
            rows = rows[inside]
            owner = segment.owner[rows]
            keep = owner >= 0
            if mask is not None:
                keep &= mask[np.maximum(owner, 0)]
            rows = rows[keep]
            if rows.size:
                sims = segment.vectors[rows] @ query  # exact: the graph's 8-bit scores only chose them
                _keep_best(owner[keep], rows, sims, best, where, segment)


def _keep_best(
    owners: np.ndarray, rows: np.ndarray, sims: np.ndarray, best: np.ndarray, where: np.ndarray, segment: _Segment
) -> None:
    """Per article, the best similarity so far and which of its passages gave it."""
    order = np.argsort(-sims, kind="stable")
    owners, rows, sims = owners[order], rows[order], sims[order]
    first = np.unique(owners, return_index=True)[1]
    owners, rows, sims = owners[first], rows[first], sims[first]
    better = sims > best[owners]
    best[owners[better]] = sims[better]
    where[owners[better]] = rows[better] - segment.first[rows[better]]
