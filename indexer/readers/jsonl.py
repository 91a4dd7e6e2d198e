"""JSON Lines: one article object per line; a bad line is rejected alone.

UTF-8 lines go to orjson as bytes (the fast path); a file in another encoding
is decoded as a text stream first.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import orjson

from indexer.records import Location, RawRecord, Reject
from indexer.sources import SAMPLE_BYTES, Source, encoding_of


def _lines(source: Source) -> Iterator[bytes | str]:
    handle = io.BufferedReader(source.open(), SAMPLE_BYTES)  # type: ignore[arg-type]
    encoding = encoding_of(handle)
    lines: Iterable[bytes | str] = handle if encoding in ("utf-8", "utf-8-sig") else io.TextIOWrapper(handle, encoding)
    with handle:
        yield from lines


def read(source: Source) -> Iterator[RawRecord | Reject]:
    for number, line in enumerate(_lines(source), start=1):
        if not line.strip():
            continue
        if number == 1 and isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        location = Location(source.name, number)
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            yield Reject(location, f"not valid JSON: {error}", text)
            continue
        if not isinstance(record, dict):
            yield Reject(location, "not a JSON object", str(record))
            continue
        yield RawRecord(location, record)
