"""``arshif stats``: what an index holds and how it was built."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.common import BackendOption, EsUrlOption, IndexOption, open_backend, out


def stats(
    index: IndexOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Show the number of articles, sources, date range, size and build settings."""
    backend = open_backend(index, backend=backend_name, es_url=es_url)
    info = backend.stats()
    if json_output:
        out.print_json(info.model_dump_json())
        return
    table = Table(show_header=False, box=None)
    table.add_row("index", info.path)
    table.add_row("articles", f"{info.documents:,}")
    table.add_row("dates", f"{info.date_min or '-'} .. {info.date_max or '-'}")
    table.add_row("size", f"{info.size_bytes / 2**20:.1f} MiB")
    table.add_row("analysis", info.analysis)
    table.add_row("embedder", info.embedder or "none (BM25 only)")
    for source, count in sorted(info.sources.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  {source}", f"{count:,}")
    out.print(table)
