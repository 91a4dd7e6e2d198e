"""The embedded index's one-byte spelling of terms (``search.analysis.alphabet``)."""

import sys
import unicodedata

import numpy as np

from search.analysis import Analyzer
from search.analysis.alphabet import AS_ANALYSED, ONE_BYTE
from search.analysis.normalize import normalize


def test_spells_each_arabic_letter_as_one_ascii_character():
    assert ONE_BYTE.spell("البوكمال") == "ALBWKMAL"
    assert ONE_BYTE.spell("مؤتمر ci 2021") == "M&TMR ci 2021"
    terms = " ".join(Analyzer().terms("قصفت الطائرات مواقع في دير الزور والبوكمال، ومؤتمر پاريس"))
    assert ONE_BYTE.spell(terms).isascii()


def test_no_analysed_term_can_hold_a_spelling():
    """One to one: a spelling never stands for itself, so two different
    terms never share a spelling. Terms are made of words (letters, digits
    and the marks they hold) normalized, or of Latin words stemmed."""
    spellings = set(ONE_BYTE.spellings)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or not (char.isalnum() or unicodedata.category(char)[0] in "MC"):
            continue
        for seats in (False, True):
            assert not spellings & set(normalize(char, seats)), hex(code)
    latin = Analyzer().terms("Don't STOP the CATS' running: Café, İstanbul, Ａ① ﷺ ⑴")
    assert latin and not spellings & set("".join(latin))


def test_text_of_code_points_matches_spell():
    for text in ("البوكمال 2021 ci", "ے اردو ڈ", "", "中文 كتاب"):
        codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        assert ONE_BYTE.text(codes) == ONE_BYTE.spell(text)
        assert AS_ANALYSED.text(codes) == AS_ANALYSED.spell(text) == text
    assert ONE_BYTE.text(np.frombuffer("كتاب".encode("utf-32-le"), np.uint32)).isascii()
