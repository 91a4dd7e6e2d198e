"""WARC and ARC crawl files: every HTML response is an article, with the URL
it was fetched from and the crawl time (which also anchors relative dates)."""

from __future__ import annotations

from collections.abc import Iterator

from indexer.dates import parse_date
from indexer.readers.html import page_record
from indexer.records import Location, RawRecord, Reject
from indexer.sources import Source


def read(source: Source) -> Iterator[RawRecord | Reject]:
    from warcio.archiveiterator import ArchiveIterator  # imported on first use, like trafilatura
    from warcio.exceptions import ArchiveLoadFailed

    with source.open() as handle:
        number = 0
        try:
            for record in ArchiveIterator(handle, arc2warc=True):
                number += 1
                if record.rec_type != "response":
                    continue
                content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                if "html" not in content_type.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                crawled = parse_date(record.rec_headers.get_header("WARC-Date") or "")
                charset = content_type.lower().partition("charset=")[2].strip(" \"';") or None
                payload = record.content_stream().read()
                yield page_record(Location(source.name, number), payload, url, crawled, charset)
        except ArchiveLoadFailed as error:
            yield Reject(Location(source.name, number + 1), f"not a readable WARC/ARC record: {error}")
