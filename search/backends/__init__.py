"""Storage engines behind ``search.backend.Backend``. Each imports only ``search``'s
core modules, never another backend."""
from __future__ import annotations

from pathlib import Path

from search.backend import Backend
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
