"""Search parameters as the API and the pages receive them, validated once
and turned into a ``SearchRequest``. The limits come from the issue: ``q`` up
to 1,000 characters, ``size`` 1-100, ``page * size`` at most 10,000."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, BeforeValidator

from search.models import Filters, Mode, SearchRequest
from search.saved import MAX_QUERY_CHARS, SavedFilters
from web.errors import ApiError

MAX_SIZE = 100
MAX_RESULTS = 10_000
MAX_EXPORT = 10_000


class SearchParams(BaseModel):
    q: str = ""
    mode: Mode | None = None
    source: list[str] = []
    lang: list[str] = []
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    size: int = 10
    explain: bool = False

    def filters(self, indexed_after: datetime | None = None) -> Filters:
        return self.saved_filters().to_filters(indexed_after)

    def saved_filters(self) -> SavedFilters:
        """``date_to`` is an inclusive day here and exclusive in ``Filters``."""
        return SavedFilters(
            source=[s for s in self.source if s],
            lang=[lang for lang in self.lang if lang],
            date_from=datetime.combine(self.date_from, time()) if self.date_from else None,
            date_to=datetime.combine(self.date_to + timedelta(days=1), time()) if self.date_to else None,
        )

    def request(self, facets: bool = True, indexed_after: datetime | None = None) -> SearchRequest:
        return SearchRequest(
            query=self.q,
            filters=self.filters(indexed_after),
            mode=self.mode,
            limit=self.size,
            offset=(self.page - 1) * self.size,
            explain=self.explain,
            facets=facets,
        )

    def query_items(self, **changes: object) -> list[tuple[str, str]]:
        """The non-default parameters as URL query items (for links)."""
        values = {**self.model_dump(), **changes}
        items: list[tuple[str, str]] = []
        defaults = SearchParams().model_dump()
        for key, value in values.items():
            if value == defaults.get(key) or value is None:
                continue
            if isinstance(value, list):
                items.extend((key, str(v)) for v in value)
            elif isinstance(value, Mode):
                items.append((key, value.value))
            elif isinstance(value, bool):
                items.append((key, "true"))
            else:
                items.append((key, str(value)))
        return items

    @classmethod
    def from_saved(cls, q: str, mode: Mode | None, filters: SavedFilters, page: int, size: int) -> SearchParams:
        last_day = filters.date_to.date() - timedelta(days=1) if filters.date_to else None
        return cls(
            q=q,
            mode=mode,
            source=filters.source,
            lang=filters.lang,
            date_from=filters.date_from.date() if filters.date_from else None,
            date_to=last_day,
            page=page,
            size=size,
        )


def check_window(page: int, size: int) -> None:
    if page * size > MAX_RESULTS:
        raise ApiError(
            400, f"query parameter 'page': page * size must be at most {MAX_RESULTS} (page={page}, size={size})"
        )


EARLIEST = date(1000, 1, 1)
LATEST = date(9998, 12, 31)


def check_dates(date_from: date | None, date_to: date | None) -> None:
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ApiError(400, f"query parameter '{name}': {value} is outside {EARLIEST}..{LATEST}")
    if date_from and date_to and date_from > date_to:
        raise ApiError(400, f"query parameter 'date_from': {date_from} is after date_to {date_to}")


def _blank_is_none(value: object) -> object:
    """An empty form field means "not given" (HTML forms send ``date_from=``)."""
    return None if value == "" else value


Blank = BeforeValidator(_blank_is_none)
Q = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="query (see docs/query-language.md)")]
Sources = Annotated[list[str], Query(description="keep only these sources (repeatable)")]
Langs = Annotated[list[str], Query(description="keep only these languages (repeatable)")]
DateFrom = Annotated[date | None, Blank, Query(description="first day, ISO 8601 (YYYY-MM-DD)")]
DateTo = Annotated[date | None, Blank, Query(description="last day (inclusive), ISO 8601")]
Page = Annotated[int, Query(ge=1, le=MAX_RESULTS, description="1-based page; page * size <= 10,000")]
Size = Annotated[int, Query(ge=1, le=MAX_SIZE, description="results per page, 1-100")]


async def search_params(
    q: Q = "",
    mode: Annotated[
        Mode | None, Blank, Query(description="bm25, semantic or hybrid; default: the index's best")
    ] = None,
    source: Sources = [],  # noqa: B006 - FastAPI copies defaults
    lang: Langs = [],  # noqa: B006
    date_from: DateFrom = None,
    date_to: DateTo = None,
    page: Page = 1,
    size: Size = 10,
    explain: Annotated[bool, Query(description="add ranking details to each hit")] = False,
) -> SearchParams:
    """FastAPI dependency: the validated search parameters (async because it
    never waits: a plain function would cost a hop to a thread per request)."""
    check_window(page, size)
    check_dates(date_from, date_to)
    return SearchParams(
        q=q,
        mode=mode,
        source=source,
        lang=lang,
        date_from=date_from,
        date_to=date_to,
        page=page,
        size=size,
        explain=explain,
    )
