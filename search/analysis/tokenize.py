"""Find words in original text, with their character spans.

A word is a run of letters and digits; harakat, tatweel and invisible marks
inside a word belong to it (``البُوكمَال`` is one word). Spans index the
original string, so highlighting can mark the text exactly as written.
"""

from __future__ import annotations

import re

from search.analysis.normalize import INVISIBLE

_JOINERS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640" + "".join(sorted(INVISIBLE))
_START = r"[^\W_]"  # a letter or digit
_JOINER = rf"[{_JOINERS}]"  # a mark a word may hold after its first letter
WORD = re.compile(rf"{_START}(?:{_START}|{_JOINER})*")
WORD_START = re.compile(_START)
JOINER = re.compile(_JOINER)


def words(text: str) -> list[str]:
    """The words of ``text``; ``WORD.finditer`` gives their spans."""
    return WORD.findall(text)
