"""JSON Lines: one article object per line; a bad line is rejected alone.

Lines are parsed where records are prepared (``RawLine``). UTF-8 lines go to
orjson as bytes (the fast path); a file in another encoding is decoded as a
text stream first.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from indexer.records import Location, RawLine
from indexer.sources import SAMPLE_BYTES, Source, encoding_of


def _lines(source: Source) -> Iterator[bytes | str]:
    handle = io.BufferedReader(source.open(), SAMPLE_BYTES)  # type: ignore[arg-type]
    encoding = encoding_of(handle)
    lines: Iterable[bytes | str] = handle if encoding in ("utf-8", "utf-8-sig") else io.TextIOWrapper(handle, encoding)
    with handle:
        yield from lines


def read(source: Source) -> Iterator[RawLine]:
    for number, line in enumerate(_lines(source), start=1):
        if not line.strip():
            continue
        if number == 1 and isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield RawLine(Location(source.name, number), line)
