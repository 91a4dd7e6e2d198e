"""Worker processes that end with the process that started them.

A pool's worker waits on the pool's queue for its next task; each worker
holds the other end of that queue open too, so when the starting process is
killed outright (``kill -9``, the out-of-memory killer) no end of input
ever reaches them and they wait forever, model and caches loaded. The
indexer's workers and the server's search processes call ``exit_with`` as
they start.
"""

from __future__ import annotations

import os
import threading
import time

CHECK_SECONDS = 1.0


def exit_with(parent: int) -> None:
    """End this process soon after ``parent`` (a pid) is gone."""
    threading.Thread(target=_watch, args=(parent,), name="exit-with-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:  # a gone parent's children get another one (init, a subreaper)
        time.sleep(CHECK_SECONDS)
    os._exit(1)
