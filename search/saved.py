"""Saved queries: a named search a researcher comes back to, and the moment it
was last checked, so that "what is new since then" is one filter
(``Filters.indexed_after``). Each backend keeps them in its own store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from search.models import Filters, Mode

MAX_NAME_CHARS = 200
MAX_QUERY_CHARS = 1000


class SavedFilters(BaseModel):
    """The filters a search form offers (a subset of ``Filters``)."""

    model_config = ConfigDict(extra="forbid")

    source: list[str] = Field(default_factory=list, description="keep only these sources")
    lang: list[str] = Field(default_factory=list, description="keep only these languages")
    date_from: datetime | None = Field(None, description="inclusive")
    date_to: datetime | None = Field(None, description="exclusive")

    def to_filters(self, indexed_after: datetime | None = None) -> Filters:
        return Filters(
            sources=tuple(self.source),
            langs=tuple(self.lang),
            date_from=self.date_from,
            date_to=self.date_to,
            indexed_after=indexed_after,
        )


class SavedQueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    q: str = Field("", max_length=MAX_QUERY_CHARS)
    mode: Mode | None = None
    filters: SavedFilters = Field(default_factory=SavedFilters)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value.strip()


class SavedQueryUpdate(BaseModel):
    """A partial update: fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    q: str | None = Field(None, max_length=MAX_QUERY_CHARS)
    mode: Mode | None = None
    filters: SavedFilters | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("name must not be blank")
        return value.strip() if value is not None else None


class SavedQuery(BaseModel):
    """A stored saved query, as the API returns it."""

    id: str
    name: str
    q: str
    mode: Mode | None
    filters: SavedFilters
    created: datetime
    last_checked: datetime

    @classmethod
    def from_create(cls, data: SavedQueryCreate) -> SavedQuery:
        """A fresh record: an opaque new id, created and checked now."""
        now = utc_now()
        return cls(id=uuid.uuid4().hex[:12], created=now, last_checked=now, **data.model_dump())

    def updated(self, data: SavedQueryUpdate) -> SavedQuery:
        """This query with the fields ``data`` sets; an explicit ``mode: null``
        clears the mode (back to the server's default), other nulls keep the value."""
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None or k == "mode"}
        return SavedQuery.model_validate({**self.model_dump(), **changes})


class SavedQueryStore(Protocol):
    """Where saved queries live; ids are opaque strings chosen by the store."""

    def create(self, data: SavedQueryCreate) -> SavedQuery: ...

    def list(self) -> list[SavedQuery]:
        """All saved queries, oldest first."""

    def get(self, query_id: str) -> SavedQuery | None: ...

    def update(self, query_id: str, data: SavedQueryUpdate) -> SavedQuery | None:
        """The updated query, or None when there is no such id."""

    def delete(self, query_id: str) -> bool:
        """Whether something was deleted."""

    def mark_checked(self, query_id: str, when: datetime) -> SavedQuery | None: ...

    def close(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)
