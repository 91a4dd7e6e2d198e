"""Response headers that make injected markup inert, and CSRF protection for
the pages' form writes.

The Content-Security-Policy allows scripts from this origin only: no inline
script, no ``javascript:`` URL, no ``eval``. The OpenAPI explorer at
``/docs`` is FastAPI's Swagger page, which needs its CDN and one inline
script; it shows no article data, so only that path gets a wider policy.

CSRF uses a double-submit token: a random value in a ``SameSite=Strict``
cookie that every page form repeats in a hidden field. API writes need a
JSON body (a cross-site form cannot send one) and, off loopback, a token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import ApiError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
CSRF_COOKIE = "arshif_csrf"
CSRF_FIELD = "csrf"


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task overhead) adding the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The browser's token (from its cookie), or a new one to set."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted or not hmac.compare_digest(cookie.encode(), submitted.encode()):
        raise ApiError(403, "form field 'csrf': missing or stale form token; reload the page and try again")
