"""The normalization rules as per-code-point tables, for whole texts at once.

``normalize`` works on one word, in Python. Two hot paths want a whole text
and use these tables with numpy instead (a few array operations per text):
highlighting looks for folded query terms in an article (``folded``), and
indexing takes many texts' normalized words at once (``normalize_many``).

Both cover the basic plane; a character beyond it goes the per-word way
(for indexing, the white-space-free chunk that holds it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from search.analysis.normalize import DROPPED, letter_folds, normalize
from search.analysis.tokenize import JOINER, WORD_START

if TYPE_CHECKING:
    from search.analysis.alphabet import Alphabet

BASIC_PLANE = 0x10000
DROP = 0xFFFF_FFFE
PER_WORD = 0xFFFF_FFFF
SPACE = ord(" ")
SEPARATOR_CHAR = "\n"  # between the texts of a batch: the tables make every white space a space
SEPARATOR = ord(SEPARATOR_CHAR)
# Stands in a batch's words for a chunk left to the per-word way; the tables
# make any such character of a text a space, so it only ever stands for one.
PLACEHOLDER_CHAR = "\ufffc"
PLACEHOLDER = ord(PLACEHOLDER_CHAR)
# Hangul vowels and finals compose with the jamo before them by rule, not by
# a listed decomposition (``_composing`` finds the listed ones, such as hamza
# above a waw): normalizing a word composes them, which no table can do.
_HANGUL_COMPOSING = [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]


@cache
def fold_tables(hamza_seats: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per code point: what it folds to, and whether normalizing drops it."""
    folds = np.arange(BASIC_PLANE, dtype=np.uint32)
    for raw, folded_letter in letter_folds(hamza_seats).items():
        folds[ord(raw)] = ord(folded_letter)
    dropped = np.zeros(BASIC_PLANE, dtype=bool)
    dropped[[ord(c) for c in DROPPED]] = True
    return folds, dropped


def _code_points(text: str) -> np.ndarray | None:
    """``text``'s code points, or ``None`` for a lone surrogate (no UTF-32)."""
    try:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None


def folded(flat: str, hamza_seats: bool) -> tuple[str, np.ndarray] | None:
    """``flat`` with marks dropped and letters folded as each word's
    normalization does, and where each of its characters is in ``flat``;
    ``None`` for a text with a lone surrogate."""
    codes = _code_points(flat)
    if codes is None:
        return None
    folds, dropped = fold_tables(hamza_seats)
    basic = codes < BASIC_PLANE
    index = np.where(basic, codes, 0)
    kept = np.flatnonzero(~(dropped[index] & basic))
    out = np.where(basic, folds[index], codes)[kept]
    return out.tobytes().decode("utf-32-le"), kept


def _composing() -> set[int]:
    """Code points that compose with the one before them (second halves of
    canonical decompositions)."""
    seconds = set(_HANGUL_COMPOSING)
    for code in range(BASIC_PLANE):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    return seconds


@cache
def word_table(hamza_seats: bool) -> np.ndarray:
    """Per code point, what it becomes in a text's normalized words: its
    normalized self, ``DROP`` (a mark inside a word), a space (it cannot be
    in a word), or ``PER_WORD`` when that depends on its neighbours: NFKC
    forms and ligatures, composing marks, final sigma, one letter lower-cased
    into two, a joining mark that normalizes to a letter (the per-word way
    drops such a mark where no word has started)."""
    table = np.full(BASIC_PLANE, SPACE, dtype=np.uint32)  # a separator: no word ever holds it, whatever its NFKC
    composing = _composing()
    plane = "".join(map(chr, range(BASIC_PLANE)))  # one regex pass each, not one match per code point
    starting = {match.start() for match in WORD_START.finditer(plane)}
    joining = {match.start() for match in JOINER.finditer(plane)}
    for code in sorted(starting | joining):
        char = chr(code)
        starts = code in starting
        out = normalize(char, hamza_seats)
        reorders = unicodedata.combining(char) != 0  # NFKC may move it past a mark
        if unicodedata.normalize("NFKC", char) != char or code in composing or char == "\u03a3":
            table[code] = PER_WORD
        elif out == "":
            table[code] = DROP
        elif starts and not reorders and len(out) == 1 and not out.isspace():
            table[code] = ord(out)
        else:
            table[code] = PER_WORD
    return table


@cache
def _white_space() -> np.ndarray:
    """Per code point, whether ``str.split`` splits there: words never span it."""
    return np.array([chr(code).isspace() for code in range(BASIC_PLANE)], bool)


@dataclass
class Normalized:
    """Many texts' normalized words in one array of code points: each text's
    words with spaces between them, and ``SEPARATOR`` between texts.

    ``starts``/``ends`` are the words' spans in ``codes``. ``left`` holds, per
    text, the white-space-free chunks with a character the tables cannot do,
    in order; each stands in ``codes`` as one ``PLACEHOLDER`` word, for the
    caller to analyse word by word.
    """

    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    left: dict[int, list[str]]

    def texts(self, alphabet: Alphabet) -> list[str]:
        """The normalized words, one string per text, spelt in ``alphabet``."""
        return alphabet.text(self.codes).split(SEPARATOR_CHAR)


def normalize_many(texts: Sequence[str], hamza_seats: bool, longest: int) -> Normalized | None:
    """Every text's words normalized (the same as normalizing each word; words
    longer than ``longest`` left out, as the per-word way leaves them), in a
    few array operations for the whole list; ``None`` when a text holds a lone
    surrogate. A chunk with a character the tables cannot do is left
    (``Normalized.left``).
    """
    codes = _code_points(SEPARATOR_CHAR.join(texts))
    if codes is None:
        return None
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    ends = np.cumsum(lengths + 1) - 1  # where each text's separator is (the last one: past the end)
    table = word_table(hamza_seats)
    mapped = table[np.minimum(codes, BASIC_PLANE - 1)]
    if codes.size and codes.max() >= BASIC_PLANE:
        mapped[codes >= BASIC_PLANE] = PER_WORD
    mapped[ends[:-1]] = SEPARATOR
    per_word = np.flatnonzero(mapped == PER_WORD)  # few or none
    left = _leave_chunks(codes, mapped, per_word, ends) if per_word.size else {}
    kept = mapped[mapped != DROP]
    starts, stops = _word_spans(kept)
    too_long = stops - starts > longest
    if too_long.any():
        for start, stop in zip(starts[too_long].tolist(), stops[too_long].tolist(), strict=True):
            kept[start:stop] = SPACE
        starts, stops = starts[~too_long], stops[~too_long]
    return Normalized(kept, starts, stops, left)


def _leave_chunks(codes: np.ndarray, mapped: np.ndarray, at: np.ndarray, ends: np.ndarray) -> dict[int, list[str]]:
    """Blank each white-space-free chunk of ``codes`` that holds a position of
    ``at``, with a ``PLACEHOLDER`` where it begins; the chunks per text."""
    white = _white_space()
    texts = np.searchsorted(ends, at)
    left: dict[int, list[str]] = {}
    for text in np.unique(texts).tolist():
        begin, end = int(ends[text - 1]) + 1 if text else 0, int(ends[text])
        breaks = np.flatnonzero(white[np.minimum(codes[begin:end], BASIC_PLANE - 1)]) + begin
        after = np.searchsorted(breaks, at[texts == text])  # each one's chunk: after breaks[after - 1]
        firsts = np.concatenate(([begin - 1], breaks))[after] + 1
        lasts = np.concatenate((breaks, [end]))[after]
        for first, last in sorted(set(zip(firsts.tolist(), lasts.tolist(), strict=True))):
            mapped[first:last] = SPACE
            mapped[first] = PLACEHOLDER
            left.setdefault(text, []).append(codes[first:last].tobytes().decode("utf-32-le"))
    return left


def _word_spans(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each run of word characters (anything above a space)."""
    edges = np.flatnonzero(np.diff(codes > SPACE, prepend=False, append=False))
    return edges[0::2], edges[1::2]
