"""MinHash signatures of word shingles, and the LSH banding that finds
near-duplicate candidates (Broder 1997; Leskovec et al., *Mining of Massive
Datasets*, ch. 3).

This is the algorithm datasketch implements, written against numpy directly:
datasketch keeps its LSH index in memory (or Redis/Cassandra), and ours must
live in the index directory and survive a crash, so the storage is ours
anyway (``indexer.duplicates``); the hashing is the few lines below, with a
faster hash family. Words are normalized by the caller's function (the
analysis chain's exact terms), so spelling variants of alef/ya/ta-marbuta and
harakat do not hide a copy; each white-space chunk is normalized and hashed
once per run.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MASK32 = np.uint64(0xFFFFFFFF)
SHIFT = np.uint64(32)
# Chosen on the dev archive (docs/benchmarks-indexer.md).
NUM_PERM = 128
SHINGLE = 3
THRESHOLD = 0.4
_K1, _K2 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77)


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` that minimise false positives plus false negatives
    around ``threshold`` (the weighting datasketch uses, with equal weights)."""
    s = np.linspace(0.0, 1.0, 1001)
    best = (1, num_perm)
    best_error = float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            probability = 1 - (1 - s**rows) ** bands
            below = s <= threshold
            error = (probability[below].sum() + (1 - probability[~below]).sum()) / len(s)
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


NO_WORD = 1 << 32  # outside CRC-32's range: a chunk without any word


class _WordHashes(dict[str, int]):
    """white-space-free chunk -> CRC-32 of its normalized words, computed once
    (CRC-32 is stable across runs, unlike ``hash()``)."""

    def __init__(self, normalize: Callable[[str], str] = str) -> None:
        super().__init__()
        self.normalize = normalize

    def __missing__(self, chunk: str) -> int:
        words = self.normalize(chunk)
        value = self[chunk] = zlib.crc32(words.encode("utf-8")) if words else NO_WORD
        return value


@dataclass
class MinHasher:
    """Signatures for one parameter set; caches word hashes between articles."""

    num_perm: int = NUM_PERM
    shingle: int = SHINGLE
    seed: int = 1
    normalize: Callable[[str], str] = str
    _a: np.ndarray = field(init=False, repr=False)
    _b: np.ndarray = field(init=False, repr=False)
    _words: _WordHashes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.use_normalizer(self.normalize)
        # Multiply-shift hashing (Dietzfelbinger et al. 1997): h(x) = (a*x + b mod 2^64) >> 32
        # with odd a is universal and needs no modulo, the slow step of the Mersenne form.
        generator = np.random.default_rng(self.seed)
        self._a = generator.integers(0, 1 << 63, self.num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = generator.integers(0, 1 << 63, self.num_perm, dtype=np.uint64)

    def use_normalizer(self, normalize: Callable[[str], str]) -> None:
        """Normalize chunks with ``normalize`` from now on (the cache restarts)."""
        self.normalize = normalize
        self._words = _WordHashes(normalize)

    def word_hashes(self, text: str) -> np.ndarray:
        """One hash per word of ``text`` (chunks without a word left out)."""
        if len(self._words) > 2_000_000:
            self._words.clear()
        chunks = text.split()
        hashes = np.fromiter(map(self._words.__getitem__, chunks), dtype=np.uint64, count=len(chunks))
        return hashes[hashes != NO_WORD]

    def shingles(self, hashes: np.ndarray) -> np.ndarray:
        """32-bit hashes of the word ``shingle``-grams (the words themselves
        when the text is shorter than one shingle)."""
        k = self.shingle
        if len(hashes) < k or k == 1:
            return hashes
        combined = hashes[: len(hashes) - k + 1].copy()
        for offset in range(1, k):
            multiplier = _K1 if offset % 2 else _K2
            combined = combined * multiplier + hashes[offset : len(hashes) - k + 1 + offset]
        return combined & MASK32

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The MinHash signature (``num_perm`` uint32 values) of a text's word hashes."""
        shingles = self.shingles(hashes)
        if len(shingles) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        # In place, and shifted after the minimum (the shift is monotonic): one
        # pass over the shingles x permutations matrix fewer, same values.
        permuted = np.multiply.outer(shingles, self._a)
        permuted += self._b
        return (permuted.min(axis=0) >> SHIFT).astype(np.uint32)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(first == second)) / len(first)


_ROW_MULTIPLIERS = np.random.default_rng(12345).integers(1, 1 << 63, 64, dtype=np.uint64) | np.uint64(1)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One 64-bit key per band, hashed from the band number and its rows'
    values (a collision only costs a signature comparison)."""
    table = signature[: bands * rows].reshape(bands, rows).astype(np.uint64)
    mixed = (table * _ROW_MULTIPLIERS[:rows]).sum(axis=1) + np.arange(bands, dtype=np.uint64) * _ROW_MULTIPLIERS[-1]
    return mixed.view(np.int64).tolist()
