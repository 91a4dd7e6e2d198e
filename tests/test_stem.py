"""Stemmers on normalized Arabic words written for the purpose, and English."""

import pytest

from search.analysis.stem import english, light10, lucene_light, snowball_arabic


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("المدرسه", "مدرس"),  # ال + ه
        ("والكتاب", "كتاب"),  # وال
        ("بالبيت", "بيت"),  # بال
        ("كالبحر", "بحر"),  # كال
        ("فالامر", "امر"),  # فال
        ("للطلاب", "طلاب"),  # لل
        ("المعلمات", "معلم"),  # ال + ات
        ("المعلمون", "معلم"),  # ون
        ("المعلمين", "معلم"),  # ين
        ("كتابها", "كتاب"),  # ها
        ("العربيه", "عرب"),  # يه
        ("وطن", "وطن"),  # و needs four letters
        ("ولد", "ولد"),
    ],
)
def test_lucene_light_stemmer(word, stem):
    assert lucene_light(word) == stem


def test_stemmer_keeps_short_words():
    assert lucene_light("ان") == "ان"
    assert lucene_light("بها") == "بها"  # two letters must remain after a suffix


def test_light10_strips_wa_then_article():
    assert light10("وبالكتاب") == "كتاب"
    assert lucene_light("وبالكتاب") == "بالكتاب"


def test_snowball_arabic_is_available():
    assert snowball_arabic("المكتبات") == "مكتب"


def test_english_snowball():
    assert english("meetings") == "meet"
    assert english("militias") == "militia"
