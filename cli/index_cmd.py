"""``arshif index``: read archives into the index, incrementally."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Annotated

import orjson
import typer

from cli.common import BackendOption, EsUrlOption, IndexOption, err, fail, open_backend, settings_for
from indexer.pipeline import IndexRun, RejectsFile, RunSummary
from search.backend import BackendError
from search.index_meta import IndexMeta


def _parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            fail(f"--field {pair!r}: write it as FIELD=NAME, e.g. --field body=article_text")
        overrides[key.strip()] = value.strip()
    return overrides


def _progress_printer(quiet: bool):
    """Plain periodic lines: readable in logs and on terminals alike."""
    if quiet:
        return None
    started = time.perf_counter()

    def show(summary: RunSummary) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        err.print(
            f"read {summary.read:,}  indexed {summary.indexed:,}  updated {summary.updated:,}  "
            f"unchanged {summary.unchanged:,}  rejected {summary.rejected:,}  "
            f"({summary.read / elapsed:,.0f} articles/s)"
        )

    return show


def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (JSONL, .txt).", show_default=False)],
    index: IndexOption = None,
    format: Annotated[str | None, typer.Option(help="Read every file as this format (jsonl, txt).")] = None,
    field: Annotated[list[str], typer.Option("--field", help="Map a field: --field body=article_text.")] = [],
    rejects: Annotated[Path | None, typer.Option(help="Where to write rejected records (JSONL).")] = None,
    prune: Annotated[bool, typer.Option(help="Delete articles that are no longer in the input.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Delete the existing index first.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Index articles; re-running only adds what is new or changed."""
    settings = settings_for(index, backend_name, es_url)
    directory = settings.index
    on_cluster = settings.backend == "elasticsearch"
    if rebuild and not on_cluster and directory.exists():
        shutil.rmtree(directory)
    meta = None if rebuild and on_cluster else IndexMeta()
    backend = open_backend(index, meta, create=True, backend=backend_name, es_url=es_url)
    if rebuild and on_cluster:
        try:
            backend.clear(IndexMeta())
        except BackendError as error:
            fail(str(error))
    run = IndexRun(
        backend=backend,
        rejects=RejectsFile(rejects or directory / "rejects.jsonl"),
        field_overrides=_parse_overrides(field),
        format=format,
        progress=_progress_printer(quiet),
    )
    try:
        summary = run.run(paths, prune=prune)
        backend.close()
    except BackendError as error:
        fail(str(error))
    if json_output:
        sys.stdout.write(orjson.dumps(summary.to_json()).decode() + "\n")
    else:
        err.print(
            f"done in {summary.seconds:.1f}s: read {summary.read:,}, indexed {summary.indexed:,}, "
            f"updated {summary.updated:,}, unchanged {summary.unchanged:,}, deleted {summary.deleted:,}, "
            f"rejected {summary.rejected:,}" + (f" (see {summary.rejects_path})" if summary.rejected else "")
        )
    if summary.read == 0:
        fail("nothing could be read from " + ", ".join(map(str, paths)))
