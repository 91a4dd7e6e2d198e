"""How ``arshif index`` shows progress: a bar with articles/s and ETA on a
terminal, a plain line every few seconds in logs, nothing with ``--quiet``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cli.common import err
from indexer.pipeline import RunSummary

LOG_EVERY_SECONDS = 5.0
Show = Callable[[RunSummary], None]


def _counts(summary: RunSummary, elapsed: float) -> str:
    return (
        f"read {summary.read:,}  indexed {summary.indexed:,}  updated {summary.updated:,}  "
        f"unchanged {summary.unchanged:,}  duplicates {summary.duplicates:,}  rejected {summary.rejected:,}  "
        f"({summary.read / max(elapsed, 1e-9):,.0f} articles/s)"
    )


def _lines() -> Show:
    started = time.perf_counter()
    last = [started]

    def show(summary: RunSummary) -> None:
        now = time.perf_counter()
        if now - last[0] >= LOG_EVERY_SECONDS:
            last[0] = now
            err.print(_counts(summary, now - started), highlight=False)

    return show


@contextmanager
def progress(quiet: bool) -> Iterator[Show | None]:
    """The progress callback for a run (a context, so the bar is cleaned up)."""
    if quiet:
        yield None
        return
    if not err.is_terminal:
        yield _lines()
        return
    bar = Progress(
        TextColumn("indexing"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("index", total=None, counts="")
    started = time.perf_counter()

    def show(summary: RunSummary) -> None:
        elapsed = time.perf_counter() - started
        counts = f"{summary.read:,} read · {summary.read / max(elapsed, 1e-9):,.0f} articles/s"
        bar.update(task, total=summary.meter.total or None, completed=summary.meter.done, counts=counts)

    with bar:
        yield show
