"""The server-side date histogram: bucketing and geometry."""

from __future__ import annotations

from datetime import date, timedelta

from web.histogram import HEIGHT, MAX_BARS, WIDTH, build
from web.payloads import DateBucket


def days(start: date, count: int, step: int = 1) -> list[DateBucket]:
    return [DateBucket(date=(start + timedelta(days=i * step)).isoformat(), count=i + 1) for i in range(count)]


def test_nothing_dated_draws_nothing():
    assert build([]) is None
    assert build([DateBucket(date="not a date", count=3)]) is None


def test_short_spans_keep_one_bar_per_day():
    histogram = build(days(date(2015, 7, 1), 10))
    assert histogram.unit == "day" and len(histogram.bars) == 10
    assert all(bar.first == bar.last for bar in histogram.bars)
    tallest = max(histogram.bars, key=lambda bar: bar.count)
    assert tallest.height == HEIGHT and tallest.y == 0
    assert histogram.bars[-1].x + histogram.bars[-1].width <= WIDTH


def test_long_spans_merge_into_months_with_inclusive_ranges():
    histogram = build(days(date(2015, 1, 15), 40, step=7))
    assert histogram.unit == "month"
    assert histogram.bars[0].first == date(2015, 1, 1) and histogram.bars[0].last == date(2015, 1, 31)
    assert histogram.bars[1].last == date(2015, 2, 28)
    assert sum(bar.count for bar in histogram.bars) == sum(range(1, 41))
    xs = [bar.x for bar in histogram.bars]
    assert xs == sorted(xs)


def test_decades_merge_into_years():
    histogram = build(days(date(1990, 6, 1), 30, step=365 * 3))
    assert histogram.unit == "year" and len(histogram.bars) <= MAX_BARS
    assert histogram.bars[0].first == date(1990, 1, 1) and histogram.bars[0].last == date(1990, 12, 31)
