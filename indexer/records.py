"""What readers yield: a raw record with where it came from, or a rejection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
class Reject:
    """A record that could not be taken, and why."""

    location: Location
    reason: str
    excerpt: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.location.path,
            "line": self.location.line,
            "reason": self.reason,
            "excerpt": self.excerpt[:200],
        }
