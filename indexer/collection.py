"""Garbage collection during an indexing run.

A run allocates millions of short-lived containers (records, articles,
duplicate-band keys) while it holds large long-lived ones (the index's ids,
the duplicate store's tables, the batch being written). CPython's cyclic
collector runs every 700 container allocations and, every so often, rescans
everything that survived: on news-dev that was 20 % of the indexing
process's CPU time with duplicate detection on, and 6 % without. Reference
counting frees nearly all of a run's garbage (it makes no cycles on purpose),
so during a run the collector runs rarely and never rescans what the run
keeps (``keep``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation size before a collection (CPython's default is 700); the
# older generations keep their default ratios.
YOUNG_OBJECTS = 20_000


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect rarely until the block ends, and never rescan the objects that
    exist when it starts. Worker processes forked inside inherit this. The
    block's end unfreezes every object (``gc`` has no other way), including
    any a caller froze before it: arshif's processes freeze nothing else."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def keep() -> None:
    """Leave what exists now out of later collections until the block ends
    (the objects are still freed as soon as nothing refers to them)."""
    gc.freeze()
