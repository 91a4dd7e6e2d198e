"""Storage engines behind ``search.backend.Backend``. Each imports only ``search``'s
core modules, never another backend."""
from __future__ import annotations

from pathlib import Path

from search.backend import Backend
from search.config import Settings
from search.index_meta import IndexMeta
from search.saved import SavedQueryStore


def open_embedded(path: Path, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    """The embedded backend at ``path`` (imported here so that importing
    ``search`` never loads an engine the user does not use)."""
    from search.backends.embedded.store import EmbeddedBackend

    return EmbeddedBackend(path, meta, create=create)


def open_embedded_saved_queries(path: Path) -> SavedQueryStore:
    """Saved queries kept beside the embedded index at ``path``."""
    from search.backends.embedded.saved_queries import SqliteSavedQueries

    return SqliteSavedQueries(path)


def open_elasticsearch(settings: Settings, meta: IndexMeta | None = None, create: bool = False) -> Backend:
    """The Elasticsearch backend described by ``settings.es_*`` (the client is
    imported only here)."""
    from search.backends.elasticsearch.connection import ConnectionOptions, connect
    from search.backends.elasticsearch.store import ElasticsearchBackend

    options = ConnectionOptions(
        url=settings.es_url,
        api_key=settings.es_api_key,
        username=settings.es_username,
        password=settings.es_password,
        ca_certs=settings.es_ca_certs,
        verify=settings.es_verify,
        timeout=settings.es_timeout,
    )
    return ElasticsearchBackend(
        connect(options),
        options.url,
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
