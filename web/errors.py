"""One error shape and one place that maps exceptions to responses.

API paths get ``{"ok": false, "error": "...", "status": N}``; pages get the
same message in an HTML page. Every client mistake becomes a 4xx naming the
parameter; anything unexpected is logged and becomes a plain 500 without
internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from search.backend import BackendError
from search.query import QuerySyntaxError

log = logging.getLogger("arshif.web")

API_PREFIX = "/api/"


class ApiError(Exception):
    """A failure that carries its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NotFound(ApiError):
    def __init__(self, what: str) -> None:
        super().__init__(404, f"{what} not found")


def _location(loc: tuple) -> str:
    """``('query', 'size')`` -> ``query parameter 'size'``; body paths joined with dots."""
    where, *rest = loc or ("request",)
    name = ".".join(str(part) for part in rest)
    kinds = {"query": "query parameter", "path": "path parameter", "body": "body field", "header": "header"}
    if where == "body" and not rest:
        return "request body"
    return f"{kinds.get(where, where)} '{name}'" if name else str(where)


def validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{_location(tuple(item.get('loc', ())))}: {message}")
    return "; ".join(parts) or "invalid request"


def classify(exc: Exception) -> tuple[int, str]:
    """The status and client-facing message for any exception."""
    if isinstance(exc, ApiError):
        return exc.status, exc.message
    if isinstance(exc, RequestValidationError):
        return 422, validation_message(exc)
    if isinstance(exc, ValidationError):
        return 422, "; ".join(
            f"field '{'.'.join(map(str, e['loc'])) or exc.title}': {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
    if isinstance(exc, QuerySyntaxError):
        return 400, f"query parameter 'q': {exc.message} at position {exc.position}"
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail)
    if isinstance(exc, BackendError):
        log.warning("backend: %s", exc)
        return 503, f"index unavailable: {exc}"
    log.exception("unexpected error", exc_info=exc)
    return 500, "internal error (logged on the server)"


def error_payload(status: int, message: str) -> dict[str, object]:
    return {"ok": False, "error": message, "status": status}


def install(app: FastAPI, render_page_error) -> None:
    """Route every exception through ``classify``; ``render_page_error(request,
    status, message)`` draws the HTML version for pages."""

    async def handle(request: Request, exc: Exception) -> Response:
        status, message = classify(exc)
        headers = getattr(exc, "headers", None) or {}
        if request.url.path.startswith(API_PREFIX) or "json" in request.headers.get("accept", "").split(",")[0]:
            return JSONResponse(error_payload(status, message), status_code=status, headers=headers)
        return render_page_error(request, status, message)

    for kind in (
        ApiError,
        RequestValidationError,
        ValidationError,
        QuerySyntaxError,
        StarletteHTTPException,
        BackendError,
        Exception,
    ):
        app.add_exception_handler(kind, handle)
