"""One test per normalization rule, on words written for the purpose."""

from search.analysis.normalize import compatibility, fold_letters, lowercase, normalize, strip_marks


def test_harakat_are_stripped():
    assert strip_marks("مَدْرَسَةٌ") == "مدرسة"
    assert strip_marks("تكرِّم") == "تكرم"


def test_superscript_alef_and_quranic_marks_are_stripped():
    assert strip_marks("هٰذا") == "هذا"
    assert strip_marks("الرَّحْمَٰنِ") == "الرحمن"


def test_tatweel_is_stripped():
    assert strip_marks("جـــمـيـل") == "جميل"


def test_invisible_marks_are_stripped():
    for mark in ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202b", "\u2067", "\ufeff", "\u00ad"):
        assert strip_marks(f"سو{mark}ريا") == "سوريا", repr(mark)


def test_alef_forms_unify():
    for alef in "أإآٱ":
        assert fold_letters(f"{alef}حمد") == "احمد"


def test_alef_maqsura_and_ta_marbuta_fold():
    assert fold_letters("مستشفى") == "مستشفي"
    assert fold_letters("مدرسة") == "مدرسه"


def test_persian_lookalikes_fold():
    assert fold_letters("کتاب") == "كتاب"
    assert fold_letters("علی") == "علي"


def test_digits_fold_to_ascii():
    assert fold_letters("٢٠٢١") == "2021"
    assert fold_letters("۱۴۰۰") == "1400"


def test_hamza_seats_fold_only_when_asked():
    assert fold_letters("مسؤول") == "مسؤول"
    assert fold_letters("مسؤول", hamza_seats=True) == "مسوول"
    assert fold_letters("رئيس", hamza_seats=True) == "رييس"


def test_presentation_forms_become_letters():
    assert compatibility("ﺍﻟﺒﻮﻛﻤﺎﻝ") == "البوكمال"
    assert compatibility("ﻻ") == "لا"


def test_decomposed_hamza_composes_before_folding():
    assert normalize("ا\u0654حمد") == "احمد"


def test_latin_is_lowercased():
    assert lowercase("Damascus") == "damascus"


def test_normalize_chains_all_rules():
    assert normalize("البُوكمَـــال") == "البوكمال"
    assert normalize("ﷺ") == "صلي الله عليه وسلم"

