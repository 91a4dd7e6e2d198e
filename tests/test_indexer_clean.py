from datetime import UTC, datetime

from indexer.clean import BOILERPLATE, clean_lines, is_boilerplate, split_page


def test_clean_seed_page_passes_unchanged(samples):
    text = next(samples.glob("000_*.txt")).read_text(encoding="utf-8")
    assert clean_lines(text) == text
    page = split_page(text)
    assert page.body == text.strip()
    assert page.title == "" and page.date is None


def test_scraped_seed_page_is_cleaned(samples):
    page = split_page(next(samples.glob("001_*.txt")).read_text(encoding="utf-8"))
    assert page.title == "ميليشيات إيران تجتمع في البوكمال لبحث القصف الأميركي على مواقعها"
    assert page.date == datetime(2021, 6, 29, 16, 3, tzinfo=UTC)
    assert page.dateline == "دمشق"
    lines = [line.strip() for line in page.body.splitlines()]
    for furniture in ("icon", "التغطية الحية", "+A", "-A", "حجم الخط", "3003677482.jpg", "2021.06.29 | 16:03 دمشق"):
        assert furniture not in lines
    assert lines[0] == "دير الزور - خاص"
    assert page.body.endswith("شباط الماضي.")
    assert "اجتمع قادة الميليشيات الإيرانية" in page.body


def test_read_also_block_is_dropped_but_text_after_it_stays():
    text = (
        "الفقرة الأولى من الخبر تنتهي هنا.\n\nاقرأ أيضاً\nعنوان خبر آخر\nعنوان خبر ثالث\n\n"
        "الفقرة الثانية من الخبر تكمل القصة.\nshare\nphoto-12.png"
    )
    assert clean_lines(text) == "الفقرة الأولى من الخبر تنتهي هنا.\n\nالفقرة الثانية من الخبر تكمل القصة."


def test_every_listed_furniture_line_is_dropped_in_any_case_and_padding():
    for furniture in sorted(BOILERPLATE):
        text = f"الفقرة الأولى.\n  {furniture.upper()}\t\nالفقرة الثانية."
        assert clean_lines(text) == "الفقرة الأولى.\nالفقرة الثانية.", furniture
    assert not is_boilerplate("شارك " * 20)  # a long line that starts like furniture is text
