"""How an index spells its terms: as analysed, or one byte per letter.

Indexing moves every analysed term across three boundaries: pickled from a
worker process, converted to UTF-8 for tantivy (Rust), and split there. A
Python string of Arabic letters takes two bytes a letter, and its UTF-8 is
made anew at each crossing; a string of ASCII is copied as it is. So the
embedded index spells each Arabic letter of a term as one ASCII character
that no analysed term can hold (capitals, which lower-casing removed, and
punctuation, which no word holds), and its queries are spelt the same way:
a one-to-one respelling, so the same words match. Latin letters and digits,
and letters outside the table, stay as they are.

In ``ONE_BYTE``, ``البوكمال`` is ``ALBWKMAL`` and ``مؤتمر`` is ``M&TMR``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from search.analysis.codepoints import BASIC_PLANE


@dataclass(frozen=True)
class Alphabet:
    """``letters[i]`` is spelt ``spellings[i]``; every other character as itself."""

    letters: str = ""
    spellings: str = ""

    def __post_init__(self) -> None:
        assert len(self.letters) == len(self.spellings) == len(set(self.spellings)), "not one-to-one"

    @cached_property
    def _table(self) -> dict[int, int]:
        return str.maketrans(self.letters, self.spellings)

    @cached_property
    def _codes(self) -> np.ndarray:
        codes = np.arange(BASIC_PLANE, dtype=np.uint32)
        codes[[ord(c) for c in self.letters]] = [ord(c) for c in self.spellings]
        return codes

    def spell(self, text: str) -> str:
        """``text`` (terms, as the analyzer gives them) in this alphabet."""
        return text.translate(self._table) if self.letters else text

    def text(self, codes: np.ndarray) -> str:
        """The string of an array of basic-plane code points, spelt in this
        alphabet: ASCII when it can be (one table look-up per character)."""
        if not self.letters:
            return codes.tobytes().decode("utf-32-le")
        spelt = self._codes[codes]
        if spelt.size and spelt.max() >= 0x80:  # a letter the table leaves alone
            return spelt.tobytes().decode("utf-32-le")
        return spelt.astype(np.uint8).tobytes().decode("ascii")


AS_ANALYSED = Alphabet()
# The letters analysis leaves (alef, ya, ta marbuta and kaf are folded; the
# hamza seats are unless configured otherwise), a capital where one fits.
ONE_BYTE = Alphabet(
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءؤئپچژڤگ",
    "ABTVJHXD*RZS$C%U#EGFQKLMNOWY'&^P~+I?",
)
