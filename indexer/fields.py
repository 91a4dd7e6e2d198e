"""Map a raw record's fields to an ``Article``: names, dates, ids, cleaning, limits.

Archives name their fields differently; the common names are recognised and
``--field body=article_text`` overrides them. Everything that makes a record
unusable is raised as ``RecordError`` with the field it concerns.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import orjson

from indexer.clean import clean_lines
from indexer.dates import parse_date
from indexer.decode import DecodeError, check_text
from indexer.language import detect_language
from indexer.records import RawRecord
from search.analysis.normalize import normalize
from search.models import Article

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid", "_id", "guid"),
    "title": ("title", "headline", "head_line", "heading"),
    "body": ("body", "text", "content", "article", "article_text"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime", "time"),
    "url": ("url", "link", "href", "canonical_url"),
    "source": ("source", "site", "newspaper", "publisher", "outlet"),
    "lang": ("lang", "language"),
    "author": ("author", "byline", "writer"),
    "dateline": ("dateline", "place"),
    "crawled": ("crawled", "crawled_at", "crawl_date", "fetched_at", "date_extracted"),
}
MAX_BODY_CHARS = 5_000_000


class RecordError(ValueError):
    """A record that cannot become an article; the message names the field."""


def _names(key: str, overrides: Mapping[str, str] | None) -> tuple[str, ...]:
    """The record fields that may fill article field ``key``, in order of preference."""
    return (overrides[key],) if overrides and key in overrides else ALIASES[key]


@lru_cache(maxsize=16)
def _filling(overrides: frozenset[tuple[str, str]]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Record field -> the article fields it may fill, each with its place in
    that field's order of preference (once per run, not per record)."""
    filling: dict[str, tuple[tuple[str, int], ...]] = {}
    for key in ALIASES:
        for rank, name in enumerate(_names(key, dict(overrides))):
            filling[name] = (*filling.get(name, ()), (key, rank))
    return filling


def _pick_all(fields: Mapping[str, Any], overrides: Mapping[str, str] | None) -> dict[str, Any]:
    """Each article field's value: from the first of its record fields that
    is present and not empty, else None (one pass over the record's fields)."""
    filling = _filling(frozenset(overrides.items()) if overrides else frozenset())
    values: dict[str, Any] = dict.fromkeys(ALIASES)
    ranks: dict[str, int] = {}
    for name, value in fields.items():
        if value is None or value == "" or name not in filling:
            continue
        for key, rank in filling[name]:
            if rank < ranks.get(key, rank + 1):
                values[key], ranks[key] = value, rank
    return values


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"field '{field}' must be text, not {type(value).__name__}")
    text = html.unescape(value) if "&" in value else value
    return text.strip()


def content_id(title: str, body: str) -> str:
    """Id of an article that has neither id nor URL: its normalized content."""
    normalized = " ".join(normalize(w) for w in f"{title}\n{body}".split())
    return "sha1-" + hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:16]


_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "share")
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def canonical_url(url: str) -> str:
    """One spelling per address, so that the same article crawled twice gets
    one id: scheme and host lower-cased, default port, fragment and tracking
    parameters dropped, percent-encoding normalized (Arabic paths are found
    both raw and encoded), no trailing slash, ``http`` and ``https`` alike."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip()
    scheme = parts.scheme.lower()
    host = parts.netloc.lower().removesuffix(_DEFAULT_PORTS.get(scheme, "\0"))
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~").rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING)]
    return urlunsplit(("http" if scheme == "https" else scheme, host, path, urlencode(sorted(query)), ""))


def url_id(url: str) -> str:
    return "url-" + hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def to_article(
    record: RawRecord,
    overrides: Mapping[str, str] | None = None,
    max_body_chars: int = MAX_BODY_CHARS,
) -> Article:
    values = _pick_all(record.fields, overrides)
    for key, value in record.defaults.items():
        if values.get(key) in (None, ""):
            values[key] = value
    body = _text(values["body"], "body")
    if len(body) > max_body_chars:
        raise RecordError(f"body has {len(body):,} characters, more than the limit of {max_body_chars:,}")
    body = clean_lines(body)
    if not body:
        raise RecordError(f"no body (looked for {', '.join(_names('body', overrides))})")
    title = _text(values["title"], "title")
    try:
        check_text(body)
        check_text(title)
    except DecodeError as error:
        raise RecordError(str(error)) from error
    url = _text(values["url"], "url")
    date: datetime | None = None
    if values["date"] not in (None, ""):
        date = parse_date(values["date"], parse_date(values["crawled"]))
        if date is None:
            raise RecordError(f"field 'date': cannot read {values['date']!r} as a date")
    given_id = _text(values["id"], "id")
    article_id = given_id or (url_id(url) if url else content_id(title, body))
    data = {
        "id": article_id,
        "title": title,
        "body": body,
        "date": date,
        "source": _text(values["source"], "source"),
        "url": url,
        "lang": _text(values["lang"], "lang") or detect_language(body),
        "author": _text(values["author"], "author"),
        "dateline": _text(values["dateline"], "dateline"),
    }
    digest = hashlib.sha1(orjson.dumps(data, default=str)).hexdigest()
    return Article(**data, content_hash=digest)
