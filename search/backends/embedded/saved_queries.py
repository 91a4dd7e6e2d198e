"""Saved queries of an embedded index, in SQLite beside it (``saved.sqlite``),
so that they travel with the index directory they search.

One short-lived connection per operation keeps the store safe to share
between the web server's worker threads without a lock of our own; SQLite
serialises the writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from search.backend import BackendError
from search.saved import SavedFilters, SavedQuery, SavedQueryCreate, SavedQueryUpdate

FILE_NAME = "saved.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_queries (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    q TEXT NOT NULL,
    mode TEXT,
    filters TEXT NOT NULL,
    created TEXT NOT NULL,
    last_checked TEXT NOT NULL
)
"""
_COLUMNS = "id, name, q, mode, filters, created, last_checked"


class SqliteSavedQueries:
    """``SavedQueryStore`` over ``<index>/saved.sqlite``."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / FILE_NAME
        try:
            with self._connect() as db:
                db.execute(_SCHEMA)
        except sqlite3.Error as error:
            raise BackendError(f"cannot open saved queries at {self.path}: {error}") from error

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    @staticmethod
    def _row(row: tuple) -> SavedQuery:
        query_id, name, q, mode, filters, created, last_checked = row
        return SavedQuery(
            id=query_id,
            name=name,
            q=q,
            mode=mode,
            filters=SavedFilters.model_validate_json(filters),
            created=datetime.fromisoformat(created),
            last_checked=datetime.fromisoformat(last_checked),
        )

    def create(self, data: SavedQueryCreate) -> SavedQuery:
        saved = SavedQuery.from_create(data)
        with self._connect() as db:
            db.execute(
                f"INSERT INTO saved_queries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    saved.id,
                    saved.name,
                    saved.q,
                    saved.mode.value if saved.mode else None,
                    saved.filters.model_dump_json(),
                    saved.created.isoformat(),
                    saved.last_checked.isoformat(),
                ),
            )
        return saved

    def list(self) -> list[SavedQuery]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM saved_queries ORDER BY created, id").fetchall()
        return [self._row(row) for row in rows]

    def get(self, query_id: str) -> SavedQuery | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM saved_queries WHERE id = ?", (query_id,)).fetchone()
        return self._row(row) if row else None

    def update(self, query_id: str, data: SavedQueryUpdate) -> SavedQuery | None:
        current = self.get(query_id)
        if current is None:
            return None
        updated = current.updated(data)
        with self._connect() as db:
            db.execute(
                "UPDATE saved_queries SET name = ?, q = ?, mode = ?, filters = ? WHERE id = ?",
                (
                    updated.name,
                    updated.q,
                    updated.mode.value if updated.mode else None,
                    updated.filters.model_dump_json(),
                    query_id,
                ),
            )
        return updated

    def delete(self, query_id: str) -> bool:
        with self._connect() as db:
            return db.execute("DELETE FROM saved_queries WHERE id = ?", (query_id,)).rowcount > 0

    def mark_checked(self, query_id: str, when: datetime) -> SavedQuery | None:
        with self._connect() as db:
            db.execute("UPDATE saved_queries SET last_checked = ? WHERE id = ?", (when.isoformat(), query_id))
        return self.get(query_id)

    def close(self) -> None:
        """Nothing stays open between operations."""
