"""Which language an article is written in: ``ar``, ``en`` or ``other``.

A script count, not a statistical model: Arabic-script letters against Latin
letters in the first thousand characters. Arabic news mixes in Latin
names, acronyms and sometimes scraped script code, English pages quote Arabic
names; so an article is Arabic once a third of its letters are Arabic, and
English when Latin letters dominate otherwise. Latin text is called English
because English is the only Latin-script language the analysis chain stems.
Text with few letters of either script is ``other``. The analysis chain works
per token by script, so mixed text is stemmed right whatever this says; the
label serves the ``lang:`` filter and facets.
"""

from __future__ import annotations

import re

SAMPLE_CHARS = 1000
ARABIC_SHARE = 1 / 3
_ARABIC = re.compile("[^\u0621-\u064a\u0671-\u06d3\u06fa-\u06fc\ufb50-\ufdff\ufe70-\ufefc]+")
_LATIN = re.compile("[^A-Za-z\u00c0-\u024f]+")
_NON_LETTER = re.compile(r"[\W\d_]+")
MIN_LETTERS = 0.5


def detect_language(text: str) -> str:
    sample = text[:SAMPLE_CHARS]
    letters = len(_NON_LETTER.sub("", sample))
    if letters == 0:
        return "other"
    arabic = len(_ARABIC.sub("", sample))
    latin = len(_LATIN.sub("", sample))
    if arabic + latin < MIN_LETTERS * letters:
        return "other"
    return "ar" if arabic >= ARABIC_SHARE * (arabic + latin) else "en"
