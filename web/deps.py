"""Everything a route needs, built once by ``create_app`` and handed out by
FastAPI dependencies: the settings, the backend, where searches run and the
saved-query store. Nothing here is global; it lives on ``app.state``."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from search.backend import Backend
from search.config import Settings
from search.saved import SavedQueryStore
from web.errors import ApiError
from web.searching import Searcher


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class AppState:
    settings: Settings
    backend: Backend
    saved: SavedQueryStore
    embedder: str | None
    searcher: Searcher

    @property
    def writes_need_token(self) -> bool:
        return self.settings.api_token is not None or not is_loopback(self.settings.host)


async def get_state(request: Request) -> AppState:
    """The app's state; backends see other processes' commits by themselves
    (the embedded one re-reads its index at most once a second). Async
    because it never waits: FastAPI would run a plain function in a thread."""
    return request.app.state.arshif


State = Annotated[AppState, Depends(get_state)]


def check_token(state: AppState, presented: str | None) -> None:
    """Writes need the token when one is set, and always off loopback."""
    if not state.writes_need_token:
        return
    token = state.settings.api_token
    if token is None:
        raise ApiError(403, "writes are disabled: this server is not on loopback and ARSHIF_API_TOKEN is not set")
    if not presented:
        raise ApiError(401, "header 'Authorization': send 'Bearer <ARSHIF_API_TOKEN>' for writes")
    if not hmac.compare_digest(presented.encode(), token.get_secret_value().encode()):
        raise ApiError(403, "header 'Authorization': wrong API token")


def require_api_write(request: Request, state: State) -> None:
    """FastAPI dependency for API writes (bearer token)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    check_token(state, value.strip() if scheme.lower() == "bearer" else None)


ApiWrite = Depends(require_api_write)
