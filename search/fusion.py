"""Reciprocal rank fusion (Cormack et al. 2009): a pure function over ranked
id lists, so it works for any backend and any number of retrievers.

``score(d) = sum_i weight_i / (k + rank_i(d))`` with ranks from 1; a list that
does not hold ``d`` adds nothing. Scores are not compared across lists, only
ranks, which is why BM25 scores and cosine similarities can be fused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

DEFAULT_K = 5.0
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def arabic_share(text: str) -> float:
    """The share of the letters in ``text`` that are Arabic (1.0 when it has no letters)."""
    letters = len(_LETTER.findall(text))
    return len(_ARABIC.findall(text)) / letters if letters else 1.0


class FusionConfig(BaseModel):
    """Defaults chosen by measurement on the dev sets (docs/benchmarks-hybrid.md):
    a small ``k`` and a vector weight below BM25's let the vector list reorder
    BM25's top for Arabic queries without pushing a lexical exact match down;
    for English queries the vector list leads (``cross_script_bm25_weight``)."""

    k: float = Field(DEFAULT_K, gt=0, description="RRF rank constant")
    bm25_weight: float = Field(1.0, ge=0)
    vector_weight: float = Field(0.3, ge=0)
    cross_script_bm25_weight: float = Field(
        0.0,
        ge=0,
        description="BM25 weight for a query without Arabic letters (e.g. English): in an Arabic "
        "archive BM25 can match only names and numbers there, and its list would drown the vector list",
    )
    depth: int = Field(100, ge=1, le=10_000, description="results taken from each list before fusion")
    min_similarity: float | None = Field(
        None,
        ge=-1,
        le=1,
        description="vector hits less similar to the query than this (cosine) are not results, so a query "
        "nothing resembles finds nothing and totals count only articles that resemble it; None: the "
        "embedder's measured floor (Embedder.similarity_floor)",
    )
    similarity_margin: float | None = Field(
        0.15,
        ge=0,
        description="a vector hit this close to the query's best one is kept below min_similarity: short "
        "queries resemble everything weakly (a 3-word English query's best hit has cosine 0.37 at the "
        "median), and the floor alone would leave them without results; None: the floor alone",
    )

    def similarity_floor(self, embedder_floor: float, best: float) -> float:
        """The cosine a vector hit needs, given the query's best hit."""
        floor = embedder_floor if self.min_similarity is None else self.min_similarity
        return floor if self.similarity_margin is None else min(floor, best - self.similarity_margin)

    def weights(self, query: str) -> list[float]:
        """``[bm25, vector]`` for this query: the BM25 weight slides from
        ``cross_script_bm25_weight`` to ``bm25_weight`` with the query's Arabic share."""
        share = arabic_share(query)
        return [share * self.bm25_weight + (1 - share) * self.cross_script_bm25_weight, self.vector_weight]


def rrf(lists: Sequence[Sequence[str]], k: float = DEFAULT_K, weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fused ``(id, score)`` best first; ties keep the order of first appearance
    (earlier list, higher rank), so the result is deterministic."""
    if weights is None:
        weights = [1.0] * len(lists)
    if len(weights) != len(lists):
        raise ValueError(f"rrf: {len(lists)} lists but {len(weights)} weights")
    if k <= 0:
        raise ValueError(f"rrf: k must be positive, got {k}")
    scores: dict[str, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        for rank, doc_id in enumerate(ranked, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    order = {doc_id: i for i, doc_id in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))
