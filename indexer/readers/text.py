"""Plain-text articles, one per file, as scrapers save them: the page's text
is cleaned (``indexer.clean``) into headline, date line and body."""

from __future__ import annotations

from collections.abc import Iterator

from indexer.clean import split_page
from indexer.decode import DecodeError, decode
from indexer.records import Location, RawRecord, Reject
from indexer.sources import Source


def read(source: Source) -> Iterator[RawRecord | Reject]:
    location = Location(source.name)
    data = source.read_bytes()
    try:
        content = decode(data)
    except DecodeError as error:
        yield Reject(location, str(error), data[:400].decode("utf-8", "replace"))
        return
    if not content.strip():
        yield Reject(location, "empty file")
        return
    page = split_page(content)
    fields = {"title": page.title, "body": page.body, "dateline": page.dateline}
    if page.date is not None:
        fields["date"] = page.date.isoformat()
    yield RawRecord(location, fields, defaults={"source": source.parent_name})
