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

# Lucene ArabicStemmer (Larkey, Ballesteros & Connell's light stemming), in
# normalized spelling: ة is written ه and ى is written ي.
# ``search.analysis.batch_stem`` applies the same lists to many words at once.
LUCENE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


LATIN_BELOW = 0x0600  # the Arabic block: words starting at or above it are never Latin


def is_latin(word: str) -> bool:
    """Whether a normalized word is stemmed as English (Arabic and digits are not)."""
    return ord(word[0]) < LATIN_BELOW and not word[0].isdigit()


def prefix_minimum(prefix: str) -> int:
    """The shortest word a prefix is cut from: two letters must remain (three for و)."""
    return 4 if len(prefix) == 1 else len(prefix) + 2


def suffix_minimum(suffix: str) -> int:
    """The shortest word a suffix is cut from: two letters must remain."""
    return len(suffix) + 2


def _strip_prefix(word: str, prefixes: tuple[str, ...]) -> str:
    """Remove the first matching prefix that leaves enough letters."""
    if not word.startswith(prefixes):  # most words: one call instead of a loop
        return word
    for prefix in prefixes:
        if len(word) >= prefix_minimum(prefix) and word.startswith(prefix):
            return word[len(prefix) :]
    return word


def _strip_suffixes(word: str) -> str:
    """Remove each suffix once, in order, while two letters remain."""
    if not word.endswith(SUFFIXES):
        return word
    for suffix in SUFFIXES:
        if len(word) >= suffix_minimum(suffix) and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def lucene_light(word: str) -> str:
    """Lucene's ``ArabicStemmer``: one prefix (the article forms or و), then suffixes."""
    return _strip_suffixes(_strip_prefix(word, LUCENE_PREFIXES))


def light10(word: str) -> str:
    """Larkey's Light10: a leading و, then one article prefix, then suffixes."""
    return _strip_suffixes(_strip_prefix(_strip_prefix(word, ("و",)), _ARTICLE_PREFIXES))


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

# Stemmers that only cut affixes: a stem is a substring of its normalized word,
# which lets highlighting find candidate words with one substring search.
AFFIX_ONLY = frozenset({"lucene", "light10", "none"})
