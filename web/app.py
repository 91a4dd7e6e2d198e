"""``create_app(settings)``: the FastAPI app over the configured index.

Built by a function, never at import, so tests and ``arshif serve`` each get
their own app with their own index and settings.
"""

from __future__ import annotations

from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from search.backend import Backend
from search.backends import open_from_settings, open_saved_queries_from_settings
from search.config import Settings
from search.saved import SavedQueryStore
from web import errors
from web.deps import AppState
from web.render import environment, render
from web.routers import documents, export, feeds, health, pages, saved_queries, search
from web.searching import InProcess, SearchProcesses
from web.security import SecurityHeaders

HERE = Path(__file__).parent
STATIC = HERE / "static"
HTMX_JS = HERE / "vendor" / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"


def htmx_path() -> Path | None:
    """htmx comes from the npm package ``htmx.org`` (web/vendor/package.json);
    without it the pages still work as plain forms."""
    return HTMX_JS if HTMX_JS.is_file() else None


def _page_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def create_app(
    settings: Settings, backend: Backend | None = None, saved: SavedQueryStore | None = None, processes: int = 1
) -> FastAPI:
    """The app over the backend ``settings.backend`` names (or the given
    backend and store, which the caller closes); what it opens itself it
    closes at shutdown. ``processes`` > 1 runs searches in that many search
    processes (``web.searching``). A backend that cannot be opened raises
    ``BackendError``."""
    with ExitStack() as opening:  # closes what was opened if a later step fails
        if backend is None:
            backend = open_from_settings(settings)
            opening.callback(backend.close)
        if saved is None:
            saved = open_saved_queries_from_settings(settings)
            opening.callback(saved.close)
        searcher = InProcess(backend, settings.fusion()) if processes <= 1 else SearchProcesses(settings, processes)
        opening.callback(searcher.close)
        state = AppState(
            settings=settings, backend=backend, saved=saved, embedder=backend.stats().embedder, searcher=searcher
        )
        opened = opening.pop_all()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        opened.close()

    app = FastAPI(
        title="arshif",
        version="1",
        summary="Search Arabic news archives: JSON API v1",
        lifespan=lifespan,
    )
    app.state.arshif = state
    app.state.templates = environment()
    htmx = htmx_path()
    app.state.htmx_available = htmx is not None
    app.add_middleware(SecurityHeaders)
    errors.install(app, _page_error)
    for module in (search, export, documents, saved_queries, health, feeds, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/favicon.ico", lambda: Response(status_code=204), include_in_schema=False)
    if htmx is not None:
        app.add_api_route(
            "/vendor/htmx.min.js", lambda: FileResponse(htmx, media_type="text/javascript"), include_in_schema=False
        )
    return app

