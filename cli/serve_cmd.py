"""``arshif serve``: the web app (JSON API + pages) under uvicorn."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated, NoReturn

import typer

from cli.common import BackendOption, EsUrlOption, IndexOption, err, fail, settings_for
from search.backend import BackendError


def serve(
    index: IndexOption = None,
    host: Annotated[str | None, typer.Option(help="Address to bind [env ARSHIF_HOST; default 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port [env ARSHIF_PORT; default 8000].")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Search processes; more use more cores (each opens the index and loads the model)."
        ),
    ] = 1,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Serve the search pages and the JSON API (/api/v1, docs at /docs)."""
    import uvicorn

    from web import create_app
    from web.deps import is_loopback

    settings = settings_for(index, backend_name, es_url, host=host, port=port)
    try:
        app = create_app(settings, processes=workers)
    except BackendError as error:
        fail(str(error))
    if not is_loopback(settings.host):
        if settings.api_token is None:
            err.print(
                f"note: {settings.host} is not loopback: saved-query writes are refused until ARSHIF_API_TOKEN is set"
            )
        else:
            err.print(f"note: {settings.host} is not loopback: writes need 'Authorization: Bearer $ARSHIF_API_TOKEN'")
    elif settings.api_token is not None:
        err.print("note: ARSHIF_API_TOKEN is set: writes need 'Authorization: Bearer $ARSHIF_API_TOKEN'")
    if not app.state.htmx_available:
        err.print("note: htmx not installed (npm ci --prefix web/vendor): pages work as plain forms")
    searching = f"{workers} search processes" if workers > 1 else "one process"
    err.print(
        f"arshif: serving {settings.location} on http://{settings.host}:{settings.port}/ "
        f"(API: /api/v1, docs: /docs; {searching})"
    )
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


def _exit_on_sigterm(number: int, frame: FrameType | None) -> NoReturn:
    """uvicorn shuts down gracefully on SIGTERM, then raises it again under the
    handler it found; by default that kills the process before exit handlers
    run, leaving the search processes' semaphores to the resource tracker.
    Exiting instead runs them (status 143, as a kill by SIGTERM reports)."""
    raise SystemExit(128 + number)
