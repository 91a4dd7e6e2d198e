"""CSV and TSV with a header row; fields are mapped like JSON fields.

A row with more or fewer cells than the header is rejected with its line
number (a shifted row would put text in the wrong field).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from indexer.records import Location, RawRecord, Reject
from indexer.sources import Source, open_text

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _read(source: Source, delimiter: str) -> Iterator[RawRecord | Reject]:
    with open_text(source, newline="") as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        try:
            header = [name.strip().lstrip("\ufeff") for name in next(rows)]
        except StopIteration:
            yield Reject(Location(source.name), "empty file (a header row was expected)")
            return
        line = rows.line_num
        while True:
            start = line + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                line = rows.line_num
                yield Reject(Location(source.name, start), f"malformed row: {error}")
                continue
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                text = delimiter.join(row)
                reason = f"{len(row)} cells where the header has {len(header)}"
                yield Reject(Location(source.name, start), reason, text)
                continue
            yield RawRecord(Location(source.name, start), dict(zip(header, row, strict=True)))


def read_csv(source: Source) -> Iterator[RawRecord | Reject]:
    return _read(source, ",")


def read_tsv(source: Source) -> Iterator[RawRecord | Reject]:
    return _read(source, "\t")
