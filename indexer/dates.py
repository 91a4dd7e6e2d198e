"""Read the dates archives carry into ``datetime`` (naive values are UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 text or a Unix timestamp; ``None`` when it is neither."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
