"""``arshif stats``: what an index holds, how it was built, and how the last
indexing run went."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from cli.common import BackendOption, EsUrlOption, IndexOption, open_backend, out, settings_for
from indexer.duplicates import FILE_NAME as DUPLICATES_FILE
from indexer.duplicates import read_counts
from indexer.pipeline import LAST_RUN_FILE


def _last_run(directory: Path) -> dict[str, Any] | None:
    path = directory / LAST_RUN_FILE
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None


def stats(
    index: IndexOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Show the number of articles, sources, date range, size, build settings,
    duplicates and the last run's summary."""
    backend = open_backend(index, backend=backend_name, es_url=es_url)
    info = backend.stats()
    directory = settings_for(index, backend_name, es_url).index  # run state is local on either backend
    duplicates = read_counts(directory / DUPLICATES_FILE)
    last_run = _last_run(directory)
    if json_output:
        data = info.model_dump(mode="json") | {"duplicates": duplicates, "last_run": last_run}
        out.print_json(orjson.dumps(data).decode())
        return
    table = Table(show_header=False, box=None)
    table.add_row("index", info.path)
    table.add_row("articles", f"{info.documents:,}")
    table.add_row("dates", f"{info.date_min or '-'} .. {info.date_max or '-'}")
    table.add_row("size", f"{info.size_bytes / 2**20:.1f} MiB")
    table.add_row("analysis", info.analysis)
    table.add_row("embedder", info.embedder or "none (BM25 only)")
    if duplicates is not None:
        table.add_row("duplicates merged", f"{duplicates['duplicates_merged']:,}")
        table.add_row(
            "near-dup clusters", f"{duplicates['clusters']:,} ({duplicates['clustered_articles']:,} articles)"
        )
    if last_run is not None:
        rejects = f"{last_run.get('rejected', 0):,}" + (
            f" (see {last_run['rejects']})" if last_run.get("rejects") else ""
        )
        table.add_row(
            "last run",
            f"{last_run.get('finished', '?')}: read {last_run.get('read', 0):,}, "
            f"indexed {last_run.get('indexed', 0):,}, updated {last_run.get('updated', 0):,}",
        )
        table.add_row("last run rejects", rejects)
    for source, count in sorted(info.sources.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  {source}", f"{count:,}")
    out.print(table)
