"""Find words in original text, with their character spans.

A word is a run of letters and digits; harakat, tatweel and invisible marks
inside a word belong to it (``البُوكمَال`` is one word). Spans index the
original string, so highlighting can mark the text exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from search.analysis.normalize import INVISIBLE

_JOINERS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640" + "".join(sorted(INVISIBLE))
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_JOINERS}])*")


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, word)`` for every word of ``text``."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group()


def words(text: str) -> list[str]:
    """The words of ``text`` without spans: the fast path for indexing."""
    return WORD.findall(text)
