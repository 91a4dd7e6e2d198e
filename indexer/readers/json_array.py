"""A JSON document holding an array of article objects (or one object).

Locations give the record number in the array (1-based): JSON arrays are
often written on one line, so a line number would not find the record.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from indexer.decode import decode
from indexer.records import Location, RawRecord, Reject
from indexer.sources import Source


def read(source: Source) -> Iterator[RawRecord | Reject]:
    text = decode(source.read_bytes())
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        yield Reject(Location(source.name), f"not valid JSON: {error}", text)
        return
    if isinstance(document, dict):
        records = next((v for v in document.values() if isinstance(v, list)), [document])
    elif isinstance(document, list):
        records = document
    else:
        yield Reject(Location(source.name), "a JSON array of objects was expected", text)
        return
    for number, record in enumerate(records, start=1):
        location = Location(source.name, number)
        if isinstance(record, dict):
            yield RawRecord(location, record)
        else:
            yield Reject(location, "not a JSON object", orjson.dumps(record).decode())
