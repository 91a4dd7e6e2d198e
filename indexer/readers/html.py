"""HTML pages, one article per page: trafilatura finds the main text (no
menus, ads, related-article lists or share buttons), title, date and author."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from indexer.clean import clean_lines
from indexer.decode import DecodeError, decode
from indexer.records import Location, RawRecord, Reject
from indexer.sources import Source

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_DATE_OPTIONS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


def declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def extract(html: str, url: str | None = None) -> dict[str, Any] | None:
    """Title, body, date, author and URL of a page; ``None`` when it has no main text."""
    import trafilatura  # imported on first use: it takes a second, and most runs read no HTML

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_OPTIONS,
    )
    if document is None or not (document.text or "").strip():
        return None
    title = (document.title or "").strip()
    lines = document.text.strip().split("\n")
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    return {
        "title": title,
        "body": clean_lines("\n".join(lines).strip()),
        "date": document.date,
        "author": document.author or "",
        "url": url or document.url or "",
        "source": document.sitename or document.hostname or "",
    }


def page_record(
    location: Location,
    data: bytes,
    url: str | None = None,
    crawled: datetime | None = None,
    charset: str | None = None,
) -> RawRecord | Reject:
    """One page's bytes as a record (shared by the file and WARC readers).
    ``charset``: what the HTTP response declared; the page's own meta tag wins."""
    try:
        html = decode(data, declared_charset(data) or charset)
    except DecodeError as error:
        return Reject(location, str(error), data[:200].decode("utf-8", "replace"))
    fields = extract(html, url)
    if fields is None:
        return Reject(location, "no article text found in the page", html)
    defaults: dict[str, Any] = {}
    if crawled is not None:
        defaults["crawled"] = crawled.isoformat()
        defaults["date"] = crawled.isoformat()
    return RawRecord(location, {k: v for k, v in fields.items() if v}, defaults=defaults)


def read(source: Source) -> Iterator[RawRecord | Reject]:
    yield page_record(Location(source.name), source.read_bytes())
