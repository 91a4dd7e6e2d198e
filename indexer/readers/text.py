"""Plain-text articles, one per file: the first non-empty line is the title."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from indexer.records import Location, RawRecord, Reject


def read(path: Path) -> Iterator[RawRecord | Reject]:
    location = Location(str(path))
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Reject(location, f"not UTF-8 text (byte {error.start})")
        return
    lines = content.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        yield Reject(location, "empty file")
        return
    title = lines[first].strip()
    body = "\n".join(lines[first + 1 :]).strip()
    yield RawRecord(location, {"title": title, "body": body}, defaults={"source": path.parent.name})
