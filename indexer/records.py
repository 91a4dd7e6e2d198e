"""What readers yield: a raw record with where it came from (or a JSON line
to parse into one), or a rejection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True)
class Location:
    """Where a record was read: file and line (or record number)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class RawRecord:
    """Fields as the archive named them, before mapping to an ``Article``."""

    location: Location
    fields: dict[str, Any]
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RawLine:
    """A JSON Lines record, not parsed yet: parsing is per-record CPU work,
    so it runs where the rest of that work does (``indexer.prepare``, in the
    worker processes) rather than in the reading process."""

    location: Location
    line: bytes | str

    def parse(self) -> RawRecord | Reject:
        try:
            record = orjson.loads(self.line)
        except orjson.JSONDecodeError as error:
            text = self.line.decode("utf-8", "replace") if isinstance(self.line, bytes) else self.line
            return Reject(self.location, f"not valid JSON: {error}", text)
        if not isinstance(record, dict):
            return Reject(self.location, "not a JSON object", str(record))
        return RawRecord(self.location, record)


@dataclass(frozen=True)
class Reject:
    """Input that could not be taken, and why. ``record``: it was read as a
    record (and counts as read) but could not become an article; else the
    input could not be read as a record at all (a bad line or file)."""

    location: Location
    reason: str
    excerpt: str = ""
    record: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.location.path,
            "line": self.location.line,
            "reason": self.reason,
            "excerpt": self.excerpt[:200],
        }
