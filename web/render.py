"""HTML rendering: one autoescaping Jinja2 environment, the UI language of a
request, and link helpers. Only two kinds of values are marked safe in the
templates: snippets and highlighted bodies, which ``search.highlight`` builds
by escaping every character of the article and adding ``<mark>`` itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from search.saved import SavedQuery
from web.i18n import DEFAULT_UI, UI_LANGS, direction, translator
from web.params import SearchParams
from web.security import CSRF_FIELD, csrf_token, set_csrf_cookie

TEMPLATES = Path(__file__).parent / "templates"
UI_COOKIE = "arshif_ui"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["dir"] = direction
    env.filters["rfc3339"] = rfc3339
    env.globals["query_string"] = query_string
    env.globals["switch_url"] = switch_url
    env.globals["open_items"] = open_items
    return env


def safe_url(url: str) -> str | None:
    """Only http(s) links leave the page; ``javascript:`` and friends are dropped."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def rfc3339(value: datetime) -> str:
    """Atom wants a timezone; article dates without one are taken as UTC."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def switch_url(request: Request, ui: str) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "ui"]
    return request.url.path + query_string([*items, ("ui", ui)])


def open_items(saved: SavedQuery) -> list[tuple[str, str]]:
    """URL query items that open a saved query on the search page."""
    return SearchParams.from_saved(saved.q, saved.mode, saved.filters, 1, 10).query_items()


def query_string(items: list[tuple[str, str]]) -> str:
    return ("?" + urlencode(items)) if items else ""


def ui_language(request: Request) -> str:
    chosen = request.query_params.get("ui") or request.cookies.get(UI_COOKIE) or DEFAULT_UI
    return chosen if chosen in UI_LANGS else DEFAULT_UI


def render(
    request: Request,
    template: str,
    context: dict[str, object],
    status: int = 200,
    alternate: str | None = None,
) -> HTMLResponse:
    """A page: the UI language's labels, the CSRF token, and a ``Link`` to the
    JSON the page was drawn from."""
    ui = ui_language(request)
    env: jinja2.Environment = request.app.state.templates
    html = env.get_template(template).render(
        request=request,
        ui=ui,
        ui_dir=direction(ui),
        t=translator(ui),
        csrf_field=CSRF_FIELD,
        csrf=csrf_token(request),
        state=request.app.state.arshif,
        htmx=request.app.state.htmx_available,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    set_csrf_cookie(request, response)
    if request.query_params.get("ui") in UI_LANGS:
        response.set_cookie(UI_COOKIE, ui, samesite="lax", path="/")
    if alternate:
        response.headers["link"] = f'<{alternate}>; rel="alternate"; type="application/json"'
    return response
