from datetime import UTC, datetime

import pytest

from indexer.dates import parse_date, split_date_line

CRAWLED = datetime(2021, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-29T16:03:00+03:00", datetime(2021, 6, 29, 13, 3, tzinfo=UTC)),
        ("2021-06-29T16:03:00Z", datetime(2021, 6, 29, 16, 3, tzinfo=UTC)),
        ("2021-06-29", datetime(2021, 6, 29, tzinfo=UTC)),
        ("29/06/2021", datetime(2021, 6, 29, tzinfo=UTC)),
        ("29-06-2021 16:03", datetime(2021, 6, 29, 16, 3, tzinfo=UTC)),
        ("2021.06.29", datetime(2021, 6, 29, tzinfo=UTC)),
        ("2021.06.29 | 16:03", datetime(2021, 6, 29, 16, 3, tzinfo=UTC)),
        ("٢٩/٠٦/٢٠٢١", datetime(2021, 6, 29, tzinfo=UTC)),
        ("29 حزيران 2021", datetime(2021, 6, 29, tzinfo=UTC)),
        ("٣ كانون الثاني ٢٠٢٠", datetime(2020, 1, 3, tzinfo=UTC)),
        ("15 تشرين الأول 2019", datetime(2019, 10, 15, tzinfo=UTC)),
        ("29 يونيو 2021", datetime(2021, 6, 29, tzinfo=UTC)),
        ("1 فبراير 2015م", datetime(2015, 2, 1, tzinfo=UTC)),
        ("الثلاثاء 29 حزيران/يونيو 2021", datetime(2021, 6, 29, tzinfo=UTC)),
        ("الأحد، 3 آب 2014 الساعة 4:05 م", datetime(2014, 8, 3, 16, 5, tzinfo=UTC)),
        ("June 29, 2021", datetime(2021, 6, 29, tzinfo=UTC)),
        (1_624_982_580, datetime(2021, 6, 29, 16, 3, tzinfo=UTC)),
    ],
)
def test_absolute_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "hours_before"),
    [("منذ 3 ساعات", 3), ("منذ ساعتين", 2), ("قبل 5 دقائق", 5 / 60), ("أمس", 24), ("منذ يومين", 48), ("اليوم", 0)],
)
def test_relative_forms_need_the_crawl_date(text, hours_before):
    assert (CRAWLED - parse_date(text, CRAWLED)).total_seconds() == pytest.approx(hours_before * 3600)
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["", "hello", "2021", "قال الوزير 29 شخصا", "31/02/2021", "1.5"])
def test_non_dates(text):
    assert parse_date(text) is None


def test_date_line_keeps_the_place():
    assert split_date_line("2021.06.29 | 16:03 دمشق") == (datetime(2021, 6, 29, 16, 3, tzinfo=UTC), "دمشق")
    assert split_date_line("ميليشيات إيران تجتمع في البوكمال") is None
