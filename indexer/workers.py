"""Apply one function to chunks of items in worker processes, in order, with
a bounded number of chunks in flight.

The workers run ahead of the caller while it does its serial work (index
writes, commits); the bound keeps memory flat however long the input. The
pool is ``concurrent.futures``': a worker that dies is an error, not a hang,
and its manager thread waits for results instead of polling for them
(``multiprocessing.Pool``'s worker handler woke 2,400 times a second during
an indexing run, taking the indexing process's CPU). The
function is sent once, by the pool initializer: it is the only per-process
state, and it is built from configuration (``indexer.prepare``). Input that
fits in one chunk is processed in the calling process (no pool to start).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from search.orphans import exit_with

CHUNK_ITEMS = 200
CHUNKS_AHEAD_PER_WORKER = 16
# The calling process's serial work (tantivy's one indexing thread above all)
# is a run's critical path, and the workers run ahead of it: at a lower
# priority they fill the cores it leaves idle instead of taking them from it.
# On the 2-core dev box, news-dev runs 2-26 % faster (docs/benchmarks.md).
WORKER_NICENESS = 10

_function: Callable[[list[Any]], list[Any]] | None = None


class WorkerError(RuntimeError):
    """A worker process died (killed, or out of memory) while preparing records."""


def _start_worker(function: Callable[[list[Any]], list[Any]], parent: int) -> None:
    """Ctrl-C reaches the whole process group: the workers leave it to the
    calling process, which stops them (each would print a traceback). The
    workers also yield the CPU to it (``WORKER_NICENESS``), and end when it
    is gone (``search.orphans``)."""
    global _function
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    _function = function
    exit_with(parent)


def _run_in_worker(chunk: list[Any]) -> list[Any]:
    assert _function is not None, "pool initializer did not run"
    return _function(chunk)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def default_workers() -> int:
    return os.cpu_count() or 1


def map_chunks(
    function: Callable[[list[Any]], list[Any]],
    items: Iterable[Any],
    workers: int,
    chunk_items: int = CHUNK_ITEMS,
) -> Iterator[list[Any]]:
    """``function(chunk)`` for each chunk of ``items``, in input order."""
    pending = chunks(items, chunk_items)
    first = next(pending, None)
    if first is None:
        return
    second = next(pending, None)
    if workers <= 1 or second is None:
        yield function(first)
        if second is not None:
            yield function(second)
            yield from map(function, pending)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    executor = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(function, os.getpid())
    )
    finished = False
    try:
        in_flight: deque[Future[list[Any]]] = deque()
        for chunk in (first, second):
            in_flight.append(executor.submit(_run_in_worker, chunk))
        for chunk in pending:
            while len(in_flight) >= workers * CHUNKS_AHEAD_PER_WORKER:
                yield in_flight.popleft().result()
            in_flight.append(executor.submit(_run_in_worker, chunk))
        while in_flight:
            yield in_flight.popleft().result()
        finished = True
    except BrokenProcessPool as error:
        raise WorkerError(
            "a worker process stopped while preparing records (killed, or out of memory?): the batches "
            "committed so far are in the index; run the same command again to add the rest"
        ) from error
    finally:
        # Stopped early (an error, Ctrl-C, the caller closing us): drop the
        # chunks not started and do not wait for the ones running.
        executor.shutdown(wait=finished, cancel_futures=True)
