import pytest

from indexer.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("اجتمع قادة الميليشيات في مدينة البوكمال بمحافظة دير الزور", "ar"),
        ("قال رئيس شركة Apple إن iPhone الجديد سيطرح في السعودية الأسبوع المقبل", "ar"),
        ("The ministers met in Riyadh on Monday to discuss oil prices with محمد بن سلمان", "en"),
        ("Привет, как дела? Всё хорошо.", "other"),
        ("12345 67890", "other"),
    ],
)
def test_script_decides(text, lang):
    assert detect_language(text) == lang
