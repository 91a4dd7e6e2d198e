"""Options and helpers shared by commands: where the index is, and how a
failure is reported (one line naming what to do, exit code 1, no traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from search.backend import Backend, BackendError
from search.backends import open_from_settings
from search.config import Settings, load_settings
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

BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help="Storage engine: embedded or elasticsearch [env ARSHIF_BACKEND; default embedded].",
        show_default=False,
    ),
]
EsUrlOption = Annotated[
    str | None,
    typer.Option(
        "--es-url", help="Elasticsearch URL; implies --backend elasticsearch [env ARSHIF_ES_URL].", show_default=False
    ),
]

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)


def settings_for(
    index: Path | None, backend: str | None = None, es_url: str | None = None, **flags: object
) -> Settings:
    """Settings with the command's flags applied (``flags``: any other
    setting a command offers); a bad value is one clear line. An ``--es-url``
    on the command line means Elasticsearch unless ``--backend`` says otherwise."""
    if es_url and backend is None:
        backend = "elasticsearch"
    try:
        return load_settings(index=index, backend=backend, es_url=es_url, **flags)
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(map(str, problem["loc"]))
        fail(f"setting {field} (--{field.replace('_', '-')} / ARSHIF_{field.upper()}): {problem['msg']}")


def open_backend(
    option: Path | None,
    meta: IndexMeta | None = None,
    create: bool = False,
    backend: str | None = None,
    es_url: str | None = None,
) -> Backend:
    """The backend the settings choose: ``--backend``/``ARSHIF_BACKEND``."""
    try:
        return open_from_settings(settings_for(option, backend, es_url), meta, create=create)
    except BackendError as error:
        fail(str(error))
