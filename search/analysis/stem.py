"""Stemmers for normalized words.

Arabic words are stemmed lightly (affixes only, no roots): researchers search
for word forms, and light stemming is what measured best on Arabic news (see
docs/benchmarks.md). Latin words go through Snowball English.

All Arabic stemmers expect text already normalized (ة->ه, ى->ي, bare alef),
so their affix lists are written in normalized form.
"""

from __future__ import annotations

from collections.abc import Callable

import Stemmer

# Lucene ArabicStemmer (Larkey, Ballesteros & Connell, "Light10"-style), in
# normalized spelling: ة is written ه and ى is written ي.
_LUCENE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_LUCENE_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

# Light10 adds the bare conjunction/preposition prefixes and removes suffixes
# repeatedly while the word stays long enough.
_LIGHT10_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_LIGHT10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def lucene_light(word: str) -> str:
    """Lucene's ``ArabicStemmer``: one prefix, then each suffix once, in order."""
    for prefix in _LUCENE_PREFIXES:
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(word) >= minimum and word.startswith(prefix):
            word = word[len(prefix) :]
            break
    for suffix in _LUCENE_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def light10(word: str) -> str:
    """Larkey's Light10: strip a leading و, one article prefix, then suffixes
    while at least two letters remain."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in _LIGHT10_PREFIXES:
        if len(word) >= len(prefix) + 2 and word.startswith(prefix):
            word = word[len(prefix) :]
            break
    for suffix in _LIGHT10_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


_snowball_arabic = Stemmer.Stemmer("arabic")
_snowball_english = Stemmer.Stemmer("english")


def snowball_arabic(word: str) -> str:
    return _snowball_arabic.stemWord(word)


def english(word: str) -> str:
    return _snowball_english.stemWord(word)


def identity(word: str) -> str:
    return word


ARABIC_STEMMERS: dict[str, Callable[[str], str]] = {
    "lucene": lucene_light,
    "light10": light10,
    "snowball": snowball_arabic,
    "none": identity,
}
