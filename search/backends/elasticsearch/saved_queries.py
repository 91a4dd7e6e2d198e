"""Saved queries in an index of their own (``ALIAS-saved-queries``), next to
the articles they search, so a cluster needs no other database.

Implements ``search.saved.SavedQueryStore`` with the same models as the
embedded backend's SQLite store. Every write waits for a refresh
(``refresh=wait_for``) so the next listing sees it, and read-modify-write
operations are conditional on the version read (``if_seq_no``), so two
servers updating one query never silently undo each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from elasticsearch import ConflictError, Elasticsearch, NotFoundError
from pydantic import ValidationError

from search.backend import BackendError
from search.backends.elasticsearch.errors import guard
from search.saved import SavedQuery, SavedQueryCreate, SavedQueryUpdate

MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "name": {"type": "keyword"},
        "q": {"type": "text", "index": False},
        "mode": {"type": "keyword"},
        "created": {"type": "date_nanos"},  # list order; milliseconds would tie
        "last_checked": {"type": "date_nanos"},
    },
}
LIST_ORDER = [{"created": "asc"}]
MAX_LISTED = 10_000  # Elasticsearch's result window; far above any researcher's list
CONFLICT_RETRIES = 3


class ElasticsearchSavedQueries:
    """``SavedQueryStore`` over ``ALIAS-saved-queries``; it owns ``client``
    (``close`` closes it). The index is created on first use."""

    def __init__(self, client: Elasticsearch, url: str, alias: str = "arshif") -> None:
        self.client = client
        self.url = url.rstrip("/")
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

    def _parse(self, doc_id: str, source: dict[str, Any]) -> SavedQuery:
        try:
            return SavedQuery.model_validate({**source, "id": doc_id})
        except ValidationError as error:
            problem = error.errors()[0]
            field = ".".join(map(str, problem["loc"]))
            raise BackendError(
                f"saved query {doc_id} in {self.url}/{self.index} is not in arshif's format "
                f"(field '{field}': {problem['msg']}): delete or fix that document"
            ) from error

    def _read(self, query_id: str) -> tuple[SavedQuery, dict[str, int]] | None:
        """The query and the version to make a write conditional on."""
        self._ensure()
        with guard(self.url, f"reading saved query {query_id}"):
            try:
                doc = self.client.get(index=self.index, id=query_id)
            except NotFoundError:
                return None
        version = {"if_seq_no": doc["_seq_no"], "if_primary_term": doc["_primary_term"]}
        return self._parse(doc["_id"], doc["_source"]), version

    def _write(self, saved: SavedQuery, **condition: Any) -> bool:
        """Whether it was written: False when ``condition`` (a version, or
        ``op_type=create``) no longer held because someone wrote first."""
        with guard(self.url, f"saving query '{saved.name}'"):
            try:
                self.client.index(
                    index=self.index,
                    id=saved.id,
                    document=saved.model_dump(mode="json", exclude={"id"}),
                    refresh="wait_for",
                    **condition,
                )
            except ConflictError:
                return False
        return True

    def _change(self, query_id: str, change: Callable[[SavedQuery], SavedQuery]) -> SavedQuery | None:
        """Read, change and write back unless someone wrote in between (then
        again, with what they wrote); None when there is no such query."""
        for _ in range(CONFLICT_RETRIES):
            found = self._read(query_id)
            if found is None:
                return None
            current, version = found
            changed = change(current)
            if self._write(changed, **version):
                return changed
        raise BackendError(
            f"saved query {query_id} in {self.url}/{self.index} kept changing while it was being "
            f"updated ({CONFLICT_RETRIES} tries): retry"
        )

    def create(self, data: SavedQueryCreate) -> SavedQuery:
        self._ensure()
        saved = SavedQuery.from_create(data)
        if not self._write(saved, op_type="create"):
            raise BackendError(f"saved query id {saved.id} is already taken in {self.url}/{self.index}: retry")
        return saved

    def list(self) -> list[SavedQuery]:
        """All saved queries, oldest first."""
        self._ensure()
        with guard(self.url, "listing saved queries"):
            hits = self.client.search(
                index=self.index,
                query={"match_all": {}},
                sort=LIST_ORDER,
                size=MAX_LISTED,
                track_total_hits=True,
            )["hits"]
        if hits["total"]["value"] > len(hits["hits"]):
            raise BackendError(
                f"{self.url}/{self.index} holds {hits['total']['value']:,} saved queries, more than the "
                f"{MAX_LISTED:,} one listing can return: delete some"
            )
        return [self._parse(hit["_id"], hit["_source"]) for hit in hits["hits"]]

    def get(self, query_id: str) -> SavedQuery | None:
        found = self._read(query_id)
        return found[0] if found else None

    def update(self, query_id: str, data: SavedQueryUpdate) -> SavedQuery | None:
        return self._change(query_id, lambda current: current.updated(data))

    def delete(self, query_id: str) -> bool:
        self._ensure()
        with guard(self.url, f"deleting saved query {query_id}"):
            try:
                self.client.delete(index=self.index, id=query_id, refresh="wait_for")
            except NotFoundError:
                return False
        return True

    def mark_checked(self, query_id: str, when: datetime) -> SavedQuery | None:
        return self._change(query_id, lambda current: current.model_copy(update={"last_checked": when}))

    def close(self) -> None:
        self.client.close()
