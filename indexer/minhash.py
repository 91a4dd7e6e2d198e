"""MinHash signatures of word shingles, and the LSH banding that finds
near-duplicate candidates (Broder 1997; Leskovec et al., *Mining of Massive
Datasets*, ch. 3).

This is the algorithm datasketch implements, written against numpy directly:
datasketch keeps its LSH index in memory (or Redis/Cassandra), and ours must
live in the index directory and survive a crash, so the storage is ours
anyway (``indexer.duplicates``); the hashing is the few lines below. Words
are the analysis chain's exact terms (normalized, unstemmed), so spelling
variants of alef/ya/ta-marbuta and harakat do not hide a copy.
"""

from __future__ import annotations

import zlib
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


class _WordHashes(dict[str, int]):
    """word -> CRC-32 of its UTF-8 bytes, computed once (stable across runs,
    unlike ``hash()``)."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode("utf-8"))
        return value


@dataclass
class MinHasher:
    """Signatures for one parameter set; caches word hashes between articles."""

    num_perm: int = NUM_PERM
    shingle: int = SHINGLE
    seed: int = 1
    _a: np.ndarray = field(init=False, repr=False)
    _b: np.ndarray = field(init=False, repr=False)
    _words: _WordHashes = field(default_factory=lambda: _WordHashes(), repr=False)

    def __post_init__(self) -> None:
        # Multiply-shift hashing (Dietzfelbinger et al. 1997): h(x) = (a*x + b mod 2^64) >> 32
        # with odd a is universal and needs no modulo, the slow step of the Mersenne form.
        generator = np.random.default_rng(self.seed)
        self._a = generator.integers(0, 1 << 63, self.num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = generator.integers(0, 1 << 63, self.num_perm, dtype=np.uint64)

    def _word_hashes(self, words: list[str]) -> np.ndarray:
        if len(self._words) > 2_000_000:
            self._words.clear()
        return np.fromiter(map(self._words.__getitem__, words), dtype=np.uint64, count=len(words))

    def shingles(self, words: list[str]) -> np.ndarray:
        """32-bit hashes of the word ``shingle``-grams (the words themselves
        when the text is shorter than one shingle)."""
        hashes = self._word_hashes(words)
        k = self.shingle
        if len(hashes) < k or k == 1:
            return hashes
        combined = hashes[: len(hashes) - k + 1].copy()
        for offset in range(1, k):
            multiplier = _K1 if offset % 2 else _K2
            combined = combined * multiplier + hashes[offset : len(hashes) - k + 1 + offset]
        return combined & MASK32

    def signature(self, words: list[str]) -> np.ndarray:
        """The MinHash signature (``num_perm`` uint32 values) of ``words``."""
        shingles = self.shingles(words)
        if len(shingles) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        permuted = (shingles[:, None] * self._a + self._b) >> SHIFT
        return permuted.min(axis=0).astype(np.uint32)


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
