"""Turn the client's exceptions into one ``BackendError`` line that names the
server and says what to do, so no command ever prints a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elastic_transport import TlsError
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    TransportError,
    UnsupportedProductError,
)

from search.backend import BackendError


def _reason(error: ApiError) -> tuple[str, str]:
    """``(type, reason)`` of the root cause in an Elasticsearch error body."""
    body = error.body if isinstance(error.body, dict) else {}  # HEAD answers have none
    cause = body.get("error") or {}
    if isinstance(cause, dict):
        root = (cause.get("root_cause") or [cause])[0]
        return str(root.get("type") or "error"), str(root.get("reason") or "").strip()
    return "error", str(cause)


def explain(error: Exception, url: str, doing: str) -> BackendError:
    """The message for ``error`` raised while ``doing`` something at ``url``."""
    where = f"Elasticsearch at {url}"
    if isinstance(error, TlsError):
        return BackendError(
            f"TLS handshake with {where} failed while {doing} ({error.message}): "
            "set ARSHIF_ES_CA_CERTS to the cluster's CA certificate, or ARSHIF_ES_VERIFY=false for a test cluster"
        )
    if isinstance(error, ConnectionTimeout):
        return BackendError(
            f"{where} did not answer in time while {doing}: check that it is up and healthy, or raise ARSHIF_ES_TIMEOUT"
        )
    if isinstance(error, ConnectionError):
        return BackendError(
            f"cannot connect to {where} while {doing} (connection refused or host unreachable): "
            "start it (docker compose up -d elasticsearch) or fix ARSHIF_ES_URL / --es-url"
        )
    if isinstance(error, UnsupportedProductError):
        return BackendError(
            f"the server at {url} is not Elasticsearch: point ARSHIF_ES_URL at an Elasticsearch 8.x/9.x node"
        )
    if isinstance(error, AuthenticationException):
        return BackendError(
            f"{where} rejected our credentials (401) while {doing}: set ARSHIF_ES_API_KEY, "
            "or ARSHIF_ES_USERNAME and ARSHIF_ES_PASSWORD (see .env)"
        )
    if isinstance(error, AuthorizationException):
        kind, reason = _reason(error)
        return BackendError(
            f"{where} refused {doing} (403 {kind}): the user or API key lacks privileges on the arshif indices ({reason})"
        )
    if isinstance(error, ApiError):
        kind, reason = _reason(error)
        status = error.meta.status
        if isinstance(error, NotFoundError) and kind == "index_not_found_exception":
            return BackendError(
                f"{where} has no arshif index ({reason}) while {doing}: build one with 'arshif index PATH' "
                "or check ARSHIF_ES_INDEX"
            )
        if status == 429:
            return BackendError(
                f"{where} is overloaded (429 {kind}) while {doing}: retry later, lower the batch size, "
                "or give the cluster more heap"
            )
        if kind == "media_type_header_exception":
            return BackendError(
                f"{where} rejected the client's version header while {doing}: the installed 'elasticsearch' "
                "client is newer than the server; install the matching major, e.g. pip install 'elasticsearch>=8.14,<9'"
            )
        if kind in ("mapper_parsing_exception", "illegal_argument_exception", "document_parsing_exception") and (
            "mapper" in reason or "mapping" in reason or "cannot be changed" in reason
        ):
            return BackendError(
                f"mapping conflict in {where} while {doing}: {reason}. The index was built with another "
                "mapping: rebuild it with 'arshif reindex'"
            )
        detail = f"{status} {kind}" + (f": {reason}" if reason else "")
        return BackendError(f"{where} failed while {doing} ({detail})")
    if isinstance(error, TransportError):
        return BackendError(f"{where} failed while {doing}: {error.message}")
    return BackendError(f"{where} failed while {doing}: {error}")


@contextmanager
def guard(url: str, doing: str) -> Iterator[None]:
    """Re-raise any client error inside the block as one clear ``BackendError``."""
    try:
        yield
    except (ApiError, TransportError) as error:
        raise explain(error, url, doing) from error
