"""The date histogram as SVG geometry, computed on the server: day buckets
are merged into days, months or years so that a bar stays wide enough to
click, and each bar knows the date range it narrows the search to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from web.payloads import DateBucket

WIDTH = 600
HEIGHT = 120
MAX_BARS = 60
GAP = 1.0


@dataclass(frozen=True)
class Bar:
    first: date
    last: date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return self.first.isoformat() if self.first == self.last else f"{self.first} … {self.last}"


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    unit: str = "day"


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _period(day: date, unit: str) -> tuple[date, date]:
    if unit == "day":
        return day, day
    if unit == "month":
        return day.replace(day=1), _month_end(day)
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


def _unit(first: date, last: date) -> str:
    span = (last - first).days + 1
    if span <= MAX_BARS:
        return "day"
    if (last.year - first.year) * 12 + last.month - first.month < MAX_BARS:
        return "month"
    return "year"


def build(buckets: list[DateBucket]) -> Histogram | None:
    """Bars for non-empty periods, in date order; None when nothing is dated."""
    days: dict[date, int] = {}
    for bucket in buckets:
        try:
            days[date.fromisoformat(bucket.date)] = days.get(date.fromisoformat(bucket.date), 0) + bucket.count
        except ValueError:
            continue
    if not days:
        return None
    unit = _unit(min(days), max(days))
    periods: dict[tuple[date, date], int] = {}
    for day, count in days.items():
        key = _period(day, unit)
        periods[key] = periods.get(key, 0) + count
    ordered = sorted(periods.items())
    slot = WIDTH / len(ordered)
    tallest = max(periods.values())
    bars = []
    for i, ((first, last), count) in enumerate(ordered):
        height = max(2.0, HEIGHT * count / tallest)
        bars.append(
            Bar(
                first,
                last,
                count,
                round(i * slot, 2),
                round(HEIGHT - height, 2),
                round(max(slot - GAP, 1), 2),
                round(height, 2),
            )
        )
    return Histogram(bars=bars, unit=unit)
