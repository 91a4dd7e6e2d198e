"""Build the official client from settings: auth, TLS, timeouts and retries
configured in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from pydantic import BaseModel, ConfigDict, SecretStr

from search.backend import BackendError


class ConnectionOptions(BaseModel):
    """How to reach the cluster (``search.config.Settings`` ``es_*``)."""

    model_config = ConfigDict(frozen=True)

    url: str
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    ca_certs: Path | None = None
    verify: bool = True
    timeout: float = 10.0
    retries: int = 2


def connect(options: ConnectionOptions, **transport: Any) -> Elasticsearch:
    """A client for ``options``; ``transport`` passes extra arguments to it
    (tests give a ``node_class`` that answers without a server)."""
    if not options.url.startswith(("http://", "https://")):
        raise BackendError(f"--es-url / ARSHIF_ES_URL {options.url!r}: write it as http(s)://HOST:PORT")
    if options.api_key and options.username:
        raise BackendError("give either ARSHIF_ES_API_KEY or ARSHIF_ES_USERNAME/PASSWORD, not both")
    if options.username and options.password is None:
        raise BackendError(f"ARSHIF_ES_USERNAME={options.username} needs ARSHIF_ES_PASSWORD")
    if options.ca_certs is not None and not options.ca_certs.is_file():
        raise BackendError(f"ARSHIF_ES_CA_CERTS: no certificate file at {options.ca_certs}")
    auth: dict[str, Any] = {}
    if options.api_key:
        auth["api_key"] = options.api_key.get_secret_value()
    elif options.username and options.password is not None:
        auth["basic_auth"] = (options.username, options.password.get_secret_value())
    tls: dict[str, Any] = {}
    if options.url.startswith("https://"):
        tls["verify_certs"] = options.verify
        if options.ca_certs is not None:
            tls["ca_certs"] = str(options.ca_certs)
        if not options.verify:
            tls["ssl_show_warn"] = False
    return Elasticsearch(
        options.url,
        request_timeout=options.timeout,
        max_retries=options.retries,
        retry_on_timeout=True,
        retry_on_status=(502, 503, 504),
        **auth,
        **tls,
        **transport,
    )
