"""Options and helpers shared by commands: where the index is, and how a
failure is reported (one line naming what to do, exit code 1, no traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from search.backend import Backend, BackendError
from search.backends import open_embedded
from search.config import load_settings
from search.index_meta import IndexMeta

IndexOption = Annotated[
    Path | None,
    typer.Option(
        "--index",
        "-i",
        help="Index directory (env ARSHIF_INDEX; default ~/.local/share/arshif/index).",
        show_default=False,
    ),
]

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)


def index_dir(option: Path | None) -> Path:
    return load_settings(index=option).index


def open_backend(option: Path | None, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    try:
        return open_embedded(index_dir(option), meta, create=create)
    except BackendError as error:
        fail(str(error))
