"""Saved queries in an index of their own (``ALIAS-saved-queries``), next to
the articles they search, so a cluster needs no other database.

The CRUD shape mirrors what the web API needs (create, get, list, update,
delete, mark checked for ``?new=true``); the embedded backend keeps the same
records in SQLite.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from pydantic import BaseModel, Field

from search.backend import BackendError
from search.backends.elasticsearch.errors import guard
from search.models import Filters, Mode

MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "name": {"type": "keyword"},
        "q": {"type": "text", "index": False},
        "mode": {"type": "keyword"},
        "created": {"type": "date"},
        "updated": {"type": "date"},
        "last_checked": {"type": "date"},
    },
}


class SavedQuery(BaseModel):
    id: str
    name: str = Field(min_length=1, max_length=200)
    q: str
    mode: Mode | None = None
    filters: Filters = Filters()
    created: datetime
    updated: datetime
    last_checked: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class ElasticsearchSavedQueries:
    """Saved queries stored in ``index``; every write is visible to the next read."""

    def __init__(self, client: Elasticsearch, url: str, alias: str = "arshif") -> None:
        self.client = client
        self.url = url
        self.index = f"{alias}-saved-queries"
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        with guard(self.url, f"opening saved queries '{self.index}'"):
            if not self.client.indices.exists(index=self.index):
                self.client.indices.create(
                    index=self.index, settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"}, mappings=MAPPING
                )
        self._ready = True

    def _write(self, saved: SavedQuery) -> SavedQuery:
        body = saved.model_dump(mode="json", exclude={"id"})
        with guard(self.url, f"saving query '{saved.name}'"):
            self.client.index(index=self.index, id=saved.id, document=body, refresh="wait_for")
        return saved

    def create(self, name: str, q: str, mode: Mode | None = None, filters: Filters | None = None) -> SavedQuery:
        self._ensure()
        now = _now()
        saved = SavedQuery(
            id=uuid.uuid4().hex, name=name, q=q, mode=mode, filters=filters or Filters(), created=now, updated=now
        )
        return self._write(saved)

    def get(self, saved_id: str) -> SavedQuery | None:
        self._ensure()
        with guard(self.url, f"reading saved query {saved_id}"):
            try:
                doc = self.client.get(index=self.index, id=saved_id)
            except NotFoundError:
                return None
        return SavedQuery.model_validate({"id": doc["_id"], **doc["_source"]})

    def list(self, limit: int = 1000) -> list[SavedQuery]:
        """Newest first."""
        self._ensure()
        with guard(self.url, "listing saved queries"):
            hits = self.client.search(
                index=self.index, query={"match_all": {}}, sort=[{"created": "desc"}], size=limit
            )["hits"]["hits"]
        return [SavedQuery.model_validate({"id": h["_id"], **h["_source"]}) for h in hits]

    def update(self, saved_id: str, **changes: Any) -> SavedQuery:
        """Change ``name``, ``q``, ``mode`` or ``filters``."""
        unknown = set(changes) - {"name", "q", "mode", "filters"}
        if unknown:
            raise ValueError(f"saved query fields {sorted(unknown)} cannot be changed")
        current = self._existing(saved_id)
        updated = SavedQuery.model_validate({**current.model_dump(), **changes, "updated": _now()})
        return self._write(updated)

    def mark_checked(self, saved_id: str, when: datetime | None = None) -> SavedQuery:
        """Remember when its results were last seen (``?new=true``)."""
        current = self._existing(saved_id)
        return self._write(current.model_copy(update={"last_checked": when or _now()}))

    def delete(self, saved_id: str) -> bool:
        self._ensure()
        with guard(self.url, f"deleting saved query {saved_id}"):
            try:
                self.client.delete(index=self.index, id=saved_id, refresh="wait_for")
            except NotFoundError:
                return False
        return True

    def _existing(self, saved_id: str) -> SavedQuery:
        current = self.get(saved_id)
        if current is None:
            raise BackendError(f"no saved query {saved_id} in {self.url}/{self.index}")
        return current
