"""Readers: one module per archive format, each a function ``Source -> records``.

``read(path)`` walks folders, opens compressed files and zip members
(``indexer.sources``) and picks each file's reader by its name; a file no
reader takes, or one that breaks half-way, is reported as a rejection, never
silently dropped and never the end of the run.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.decode import DecodeError
from indexer.readers import delimited, html, json_array, jsonl, text, warc
from indexer.records import Location, RawLine, RawRecord, Reject
from indexer.sources import Meter, Source, sources, walk

Reader = Callable[[Source], Iterator[RawRecord | RawLine | Reject]]

READERS: dict[str, Reader] = {
    "jsonl": jsonl.read,
    "json": json_array.read,
    "csv": delimited.read_csv,
    "tsv": delimited.read_tsv,
    "txt": text.read,
    "html": html.read,
    "warc": warc.read,
}
SUFFIXES: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".arc": "warc",
}
# What a broken file raises half-way: reported, then the next file is read.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error, DecodeError, UnicodeDecodeError)


def detect(source: Source) -> str | None:
    return SUFFIXES.get(source.suffixes[-1]) if source.suffixes else None


def _reason(error: Exception) -> str:
    if isinstance(error, DecodeError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read: {error.strerror}"
    return f"cannot read: {error}"


def _read_source(source: Source, format: str | None, parse: bool) -> Iterator[RawRecord | RawLine | Reject]:
    kind = format or detect(source)
    if kind is None:
        suffix = source.suffixes[-1] if source.suffixes else "(none)"
        yield Reject(Location(source.name), f"unknown format '{suffix}' (use --format {'|'.join(READERS)})")
        return
    if kind not in READERS:
        yield Reject(Location(source.name), f"unknown format '{kind}' (known: {', '.join(READERS)})")
        return
    last: Location | None = None
    try:
        for item in READERS[kind](source):
            last = item.location
            yield item.parse() if parse and isinstance(item, RawLine) else item
    except READ_ERRORS as error:
        yield Reject(Location(source.name, last.line if last else None), _reason(error))
        return
    if last is None:
        yield Reject(Location(source.name), f"no records found (read as {kind})")


def read(
    path: Path, format: str | None = None, meter: Meter | None = None, parse: bool = True
) -> Iterator[RawRecord | RawLine | Reject]:
    """Every record under ``path``, or why not. ``parse=False`` leaves JSON
    lines to parse (``RawLine``) for the indexer's worker processes."""
    if not path.exists():
        yield Reject(Location(str(path)), "no such file or directory")
        return
    meter = meter or Meter()
    for file in walk(path):
        try:
            for source in sources(file, meter):
                yield from _read_source(source, format, parse)
        except READ_ERRORS as error:
            yield Reject(Location(str(file)), _reason(error))
