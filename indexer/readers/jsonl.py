"""JSON Lines: one article object per line; a bad line is rejected alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from indexer.records import Location, RawRecord, Reject


def read(path: Path) -> Iterator[RawRecord | Reject]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = Location(str(path), number)
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                yield Reject(location, f"not valid JSON: {error}", line.decode("utf-8", "replace"))
                continue
            if not isinstance(record, dict):
                yield Reject(location, "not a JSON object", line.decode("utf-8", "replace"))
                continue
            yield RawRecord(location, record)
