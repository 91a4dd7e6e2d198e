"""Storage engines behind ``search.backend.Backend``. Each imports only ``search``'s
core modules, never another backend."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from search.backend import Backend
from search.config import Settings
from search.index_meta import IndexMeta
from search.saved import SavedQueryStore

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def open_embedded(path: Path, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    """The embedded backend at ``path`` (imported here so that importing
    ``search`` never loads an engine the user does not use)."""
    from search.backends.embedded.store import EmbeddedBackend

    return EmbeddedBackend(path, meta, create=create)


def open_embedded_saved_queries(path: Path) -> SavedQueryStore:
    """Saved queries kept beside the embedded index at ``path``."""
    from search.backends.embedded.saved_queries import SqliteSavedQueries

    return SqliteSavedQueries(path)


def _es_client(settings: Settings) -> tuple[Elasticsearch, str]:
    """A client for the cluster ``settings.es_*`` describe, and its URL (the
    client library is imported only here)."""
    from search.backends.elasticsearch.connection import ConnectionOptions, connect

    options = ConnectionOptions(
        url=settings.es_url,
        api_key=settings.es_api_key,
        username=settings.es_username,
        password=settings.es_password,
        ca_certs=settings.es_ca_certs,
        verify=settings.es_verify,
        timeout=settings.es_timeout,
    )
    return connect(options), options.url


def open_elasticsearch(settings: Settings, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    """The Elasticsearch backend described by ``settings.es_*``."""
    from search.backends.elasticsearch.store import ElasticsearchBackend

    client, url = _es_client(settings)
    return ElasticsearchBackend(
        client,
        url,
        alias=settings.es_index,
        meta=meta,
        create=create,
        shards=settings.es_shards,
        replicas=settings.es_replicas,
        rrf=settings.es_rrf,
    )


def open_from_settings(settings: Settings, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    """Whichever backend ``settings.backend`` names."""
    if settings.backend == "elasticsearch":
        return open_elasticsearch(settings, meta, create=create)
    return open_embedded(settings.index, meta, create=create)


def open_saved_queries_from_settings(settings: Settings) -> SavedQueryStore:
    """The saved-query store of the backend ``settings.backend`` names: SQLite
    beside the embedded index, or an index beside the Elasticsearch alias
    (its own client, closed with the store)."""
    if settings.backend == "elasticsearch":
        from search.backends.elasticsearch.saved_queries import ElasticsearchSavedQueries

        client, url = _es_client(settings)
        return ElasticsearchSavedQueries(client, url, alias=settings.es_index)
    return open_embedded_saved_queries(settings.index)
