"""Apply one function to chunks of items in worker processes, in order, with
a bounded number of chunks in flight.

The workers run ahead of the caller while it does its serial work (index
writes, commits); the bound keeps memory flat however long the input. The
function is sent once, by the pool initializer: it is the only per-process
state, and it is built from configuration (``indexer.prepare``). Input that
fits in one chunk is processed in the calling process (no pool to start).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

CHUNK_ITEMS = 200
CHUNKS_AHEAD_PER_WORKER = 16

_function: Callable[[list[Any]], list[Any]] | None = None


def _start_worker(function: Callable[[list[Any]], list[Any]]) -> None:
    """Ctrl-C reaches the whole process group: the workers leave it to the
    calling process, which stops them (each would print a traceback)."""
    global _function
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _function = function


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
    pool = context.Pool(workers, initializer=_start_worker, initargs=(function,))
    try:
        in_flight: deque[multiprocessing.pool.AsyncResult] = deque()
        for chunk in (first, second):
            in_flight.append(pool.apply_async(_run_in_worker, (chunk,)))
        for chunk in pending:
            while len(in_flight) >= workers * CHUNKS_AHEAD_PER_WORKER:
                yield in_flight.popleft().get()
            in_flight.append(pool.apply_async(_run_in_worker, (chunk,)))
        while in_flight:
            yield in_flight.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
