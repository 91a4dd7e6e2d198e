"""Analyse large batches in worker processes, so indexing uses every core.

Analysis is pure Python and holds the GIL; tantivy indexes in its own
threads. Worker processes each keep their own ``Analyzer`` (and its word
cache), created once per process by the pool initializer: the only
per-process state, and it is derived from configuration.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence

from search.analysis import AnalysisConfig, Analyzer

# (title terms, title exact, body terms, body exact), each space-joined
Analysed = tuple[str, str, str, str]

MIN_PARALLEL_BATCH = 400
CHUNK_ARTICLES = 100

_worker: Analyzer | None = None


def _start_worker(config_json: str) -> None:
    global _worker
    _worker = Analyzer(AnalysisConfig.model_validate_json(config_json))


def _analyse_in_worker(texts: list[tuple[str, str]]) -> list[Analysed]:
    assert _worker is not None, "pool initializer did not run"
    return [analyse(_worker, title, body) for title, body in texts]


def analyse(analyzer: Analyzer, title: str, body: str) -> Analysed:
    title_terms, title_exact = analyzer.joined(title)
    body_terms, body_exact = analyzer.joined(body)
    return title_terms, title_exact, body_terms, body_exact


class AnalysisPool:
    """Analyses ``(title, body)`` pairs, in parallel when the batch is large."""

    def __init__(self, analyzer: Analyzer, processes: int | None = None) -> None:
        self.analyzer = analyzer
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self._pool: multiprocessing.pool.Pool | None = None

    def analyse(self, texts: Sequence[tuple[str, str]]) -> list[Analysed]:
        if self.processes <= 1 or len(texts) < MIN_PARALLEL_BATCH:
            return [analyse(self.analyzer, title, body) for title, body in texts]
        if self._pool is None:
            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._pool = context.Pool(
                self.processes, initializer=_start_worker, initargs=(self.analyzer.config.model_dump_json(),)
            )
        chunks = [list(texts[i : i + CHUNK_ARTICLES]) for i in range(0, len(texts), CHUNK_ARTICLES)]
        return [item for chunk in self._pool.imap(_analyse_in_worker, chunks) for item in chunk]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
