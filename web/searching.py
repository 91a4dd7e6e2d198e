"""Where the server's searches run: in its own process (``InProcess``, one
worker) or in N search processes that take requests from one queue
(``SearchProcesses``, ``arshif serve --workers N``).

One queue is the point. N uvicorn processes would each own the client
connections they happened to accept: with 8 keep-alive clients we measured
7 on one process and 1 on the other, so one core queued while the other
idled. Here every request goes to whichever search process is free; the
server's own process only speaks HTTP and renders.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.synchronize import Barrier as BarrierType
from typing import Protocol

from search.backend import Backend, BackendError
from search.backends import open_from_settings
from search.config import Settings
from search.engine import SearchService, open_service
from search.fusion import FusionConfig
from search.models import SearchRequest, SearchResponse
from search.orphans import exit_with

# One BLAS thread per search process: the processes already use the cores,
# and per-process thread pools would only preempt each other.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
START_SECONDS = 600  # loading a large sentence-transformers model on a busy machine


class Searcher(Protocol):
    def search(self, request: SearchRequest, strict: bool = True) -> SearchResponse:
        """``strict``: the API's parsing (syntax errors raise); else the pages' lenient one."""

    def close(self) -> None: ...


class InProcess:
    def __init__(self, backend: Backend, fusion: FusionConfig) -> None:
        self._service = open_service(backend, fusion=fusion)

    def search(self, request: SearchRequest, strict: bool = True) -> SearchResponse:
        return self._service.search(request, strict)

    def close(self) -> None:
        """The backend belongs to the app, which closes it."""


# The service of a search process, built once by the pool's initializer.
_process_service: SearchService | None = None


def _start_process(settings: Settings, ready: BarrierType, server: int) -> None:
    """Ctrl-C reaches the whole process group: the search processes leave it
    to the server, which shuts them down (each would print a traceback). A
    server killed outright cannot: they end with it (``search.orphans``)."""
    global _process_service
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with(server)
    _process_service = open_service(open_from_settings(settings), fusion=settings.fusion())
    ready.wait(START_SECONDS)  # no process takes requests before all are warm


def _search_in_process(request: SearchRequest, strict: bool) -> SearchResponse:
    assert _process_service is not None, "pool initializer did not run"
    return _process_service.search(request, strict)


class SearchProcesses:
    """``processes`` search processes over the index ``settings`` name, each
    with its own backend and embedder; started (and their model loaded)
    before the first request."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self._settings = settings
        self._processes = processes
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        for name in BLAS_THREADS:
            os.environ.setdefault(name, "1")  # read by the processes as they start
        context = multiprocessing.get_context("spawn")  # the server has threads: no fork
        pool = ProcessPoolExecutor(
            self._processes,
            mp_context=context,
            initializer=_start_process,
            initargs=(self._settings, context.Barrier(self._processes), os.getpid()),
        )
        try:  # a process starts per submitted task, up to the limit
            for future in [pool.submit(os.getpid) for _ in range(self._processes)]:
                future.result()
        except BrokenProcessPool as error:
            pool.shutdown(cancel_futures=True)
            raise BackendError(
                f"the search processes could not start over {self._settings.location} (their error is logged above)"
            ) from error
        return pool

    def search(self, request: SearchRequest, strict: bool = True) -> SearchResponse:
        pool = self._pool
        try:
            return pool.submit(_search_in_process, request, strict).result()
        except BrokenProcessPool as error:
            self._restart(pool)
            raise BackendError("a search process stopped and was restarted; repeat the request") from error

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        """Replace the pool once, however many requests saw it break."""
        with self._lock:
            if self._pool is broken:
                broken.shutdown(cancel_futures=True)
                self._pool = self._start()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
