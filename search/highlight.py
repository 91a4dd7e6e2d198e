"""Snippets: windows of the original text with matched words in ``<mark>``.

Built from the analyzer's offsets, so a match is found however it is spelled
(``البُوكمَال`` marks ``البوكمال``) and the snippet shows the text exactly as
written, harakat included. Every character from the article is HTML-escaped;
only our own ``<mark>`` tags are markup.

Speed: words never span white space and the analyzer caches the terms of
each white-space-free chunk, so a text is matched chunk by chunk. First the
text, folded as words are (a few array operations), is searched for the
query's terms; only the chunks where one is found are looked up
(``_candidates``), and only those that match are analysed word by word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from itertools import accumulate, compress, count, repeat
from operator import add, itemgetter
from typing import NamedTuple

from search.analysis import Analyzer
from search.analysis.codepoints import folded
from search.analysis.stem import is_latin
from search.query import Clause, Group, Occur, Phrase, Query, Word

WINDOW_CHARS = 200
LEAD_CHARS = 60
ELLIPSIS = "…"
_OTHER_SPACE = re.compile(r"[^\S ]")  # white space other than U+0020
_HTML_SPECIAL = re.compile("[&<>\"']")  # what html.escape replaces
# Where a Latin word can start (a letter outside the Arabic script): Snowball
# rewrites Latin words, so any chunk with such a letter may hold a Latin term.
_LATIN_LETTERS = re.compile(r"[^\W\d_\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")


@dataclass(frozen=True)
class MatchSet:
    """What to mark: stemmed terms of words, exact-term sequences of phrases.
    ``needles``: what a text, folded as words are, must contain where a match
    is (None when that cannot be said)."""

    terms: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    needles: tuple[str, ...] | None = field(default=None, compare=False)
    hamza_seats: bool = field(default=False, compare=False)

    @classmethod
    def from_query(cls, query: Query, analyzer: Analyzer) -> MatchSet:
        terms: set[str] = set()
        phrases: list[tuple[str, ...]] = []

        def visit(clauses: tuple[Clause, ...]) -> None:
            for clause in clauses:
                if clause.occur is Occur.must_not:
                    continue
                node = clause.node
                if isinstance(node, Group):
                    visit(node.clauses)
                elif isinstance(node, Word):
                    terms.update(analyzer.terms(node.text))
                elif isinstance(node, Phrase):
                    sequence = tuple(analyzer.exact_terms(node.text))
                    if sequence:
                        phrases.append(sequence)

        visit(query.clauses)
        found = frozenset(terms)
        needles = _needles(found, {p[0] for p in phrases}, analyzer)
        return cls(found, tuple(phrases), needles, analyzer.config.hamza_seats)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    @cached_property
    def phrase_words(self) -> frozenset[str]:
        return frozenset(word for phrase in self.phrases for word in phrase)

    @cached_property
    def phrase_starts(self) -> frozenset[str]:
        return frozenset(phrase[0] for phrase in self.phrases)

    @cached_property
    def latin(self) -> bool:
        """Whether a term is Latin (Snowball rewrote it: no needle finds it)."""
        return any(map(is_latin, self.terms))


def _needles(terms: frozenset[str], phrase_starts: set[str], analyzer: Analyzer) -> tuple[str, ...] | None:
    """The Arabic (and digit) terms and phrase starts: an affix-only stem, or
    an exact word, is a substring of its folded word. None when one has case
    (lowercasing, not folding, decides its spellings) or the stemmer rewrites words."""
    if not analyzer.affix_only:
        return None
    needles = tuple({t for t in terms if not is_latin(t)} | phrase_starts)
    return None if any(needle.upper() != needle for needle in needles) else needles


class _Marked(NamedTuple):
    """The chunks of a text that hold a match, in text order."""

    starts: list[int]
    ends: list[int]
    keys: list[str]  # what each contributes to the count of distinct matches


def _holding(joined: list[str], wanted: frozenset[str] | set[str]) -> list[int]:
    """Indexes of the chunks whose space-joined terms include a wanted one:
    the chunks' terms become one word list, and a word's chunk is found from
    the running count of words (one more than its spaces) per chunk."""
    words = " ".join(joined).split(" ")
    found = compress(range(len(words)), map(wanted.__contains__, words))
    if len(words) == len(joined):  # one word (or none) per chunk
        return list(found)
    words_so_far = list(accumulate(map(add, map(str.count, joined, repeat(" ")), repeat(1))))
    return sorted({bisect_right(words_so_far, w) for w in found})


Span = tuple[int, int]


def _flatten(text: str) -> str:
    """``text`` with every white-space character as one space (line breaks and
    no-break spaces, the common ones, by plain replacement): offsets unchanged,
    and chunks are what lies between spaces."""
    flat = text.replace("\n", " ").replace("\xa0", " ")
    return _OTHER_SPACE.sub(" ", flat) if _OTHER_SPACE.search(flat) else flat


def _chunk_at(flat: str, position: int) -> Span:
    """The span of the chunk holding ``position``."""
    end = flat.find(" ", position)
    return flat.rfind(" ", 0, position) + 1, len(flat) if end < 0 else end


def _all_chunks(flat: str) -> list[Span]:
    """Every chunk (an empty one between two adjacent spaces): one split, and
    the offsets follow from the lengths."""
    lengths = list(map(len, flat.split(" ")))
    starts = list(map(add, accumulate(lengths, initial=0), count()))
    return list(zip(starts, map(add, starts, lengths)))


def _candidates(flat: str, match: MatchSet) -> list[Span]:
    """The chunks that can hold a match: where a needle is in the folded text
    (C-speed passes, then only those chunks are looked up); every chunk when
    there are no needles or the text is not in NFKC form (each word is, before
    it is folded, so its spelling could differ)."""
    if match.needles is None or not unicodedata.is_normalized("NFKC", flat):
        return _all_chunks(flat)
    folding = folded(flat, match.hamza_seats)
    if folding is None:  # a lone surrogate
        return _all_chunks(flat)
    folded_text, where = folding
    positions: list[int] = []
    for needle in match.needles:
        at = folded_text.find(needle)
        while at >= 0:
            positions.append(int(where[at]))
            at = folded_text.find(needle, at + len(needle))
    if match.latin:
        positions += [hit.start() for hit in _LATIN_LETTERS.finditer(flat)]
    return sorted({_chunk_at(flat, position) for position in positions})


def _phrase_chunks(
    flat: str, first: Span, exact_of: Callable[[Span], str], phrases: tuple[tuple[str, ...], ...]
) -> set[Span]:
    """Chunks covered by a phrase that starts in chunk ``first``."""
    words: list[str] = []
    owner: list[Span] = []
    wanted = max(map(len, phrases)) + len(exact_of(first).split())
    chunk = first
    while len(words) < wanted:
        for word in exact_of(chunk).split():
            words.append(word)
            owner.append(chunk)
        if chunk[1] >= len(flat):
            break
        chunk = _chunk_at(flat, chunk[1] + 1)
    covered: set[Span] = set()
    for phrase in phrases:
        n = len(phrase)
        for i, word in enumerate(words):
            if owner[i] == first and word == phrase[0] and tuple(words[i : i + n]) == phrase:
                covered.update(owner[i : i + n])
    return covered


def _marked_chunks(text: str, analyzer: Analyzer, match: MatchSet) -> _Marked:
    """The chunks that hold a query term or part of a phrase."""
    flat = _flatten(text)
    candidates = _candidates(flat, match)
    analysed = [analyzer.chunks[flat[start:end]] for start, end in candidates]
    terms = list(map(itemgetter(0), analysed))
    keys = {candidates[i]: terms[i] for i in _holding(terms, match.terms)}
    if match.phrases:

        def exact_of(span: Span) -> str:
            return analyzer.chunks[flat[span[0] : span[1]]][1]

        for i in _holding(list(map(itemgetter(1), analysed)), match.phrase_starts):
            for covered in _phrase_chunks(flat, candidates[i], exact_of, match.phrases):
                keys.setdefault(covered, exact_of(covered))
    marked = sorted(keys)
    return _Marked([start for start, _ in marked], [end for _, end in marked], [keys[span] for span in marked])


def _word_marks(
    text: str, starts: list[int], ends: list[int], analyzer: Analyzer, match: MatchSet
) -> list[tuple[int, int]]:
    """Spans of the words to mark inside the given marked chunks."""
    spans: list[tuple[int, int]] = []
    for start, end in zip(starts, ends):
        for token in analyzer.tokens(text, start, end):
            wanted = token.term in match.terms or token.exact in match.phrase_words
            if wanted and (not spans or token.start >= spans[-1][1]):  # a ligature's words share one span
                spans.append((token.start, token.end))
    return spans


def _unchanged(text: str) -> str:
    return text


def _render(text: str, begin: int, stop: int, marks: list[tuple[int, int]]) -> str:
    """``text[begin:stop]`` escaped, with ``<mark>`` around each span (one
    scan decides whether the pieces need escaping: most windows do not)."""
    quote = escape if _HTML_SPECIAL.search(text, begin, stop) else _unchanged
    out: list[str] = []
    position = begin
    for start, end in marks:
        out.append(quote(text[position:start]))
        out.append(f"<mark>{quote(text[start:end])}</mark>")
        position = end
    out.append(quote(text[position:stop]))
    return "".join(out)


def _best_windows(chunks: _Marked, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` non-overlapping runs of marked chunks (first and last
    index), each starting at a match and spanning about WINDOW_CHARS, with
    the most distinct matches (then the most matches, then the earliest)."""
    starts, ends, keys = chunks
    candidates = []
    for anchor, start in enumerate(starts):
        first = bisect_left(starts, start - LEAD_CHARS)
        stop = max(bisect_right(ends, starts[first] + WINDOW_CHARS), anchor + 1)
        inside = keys[first:stop]
        candidates.append((len(set(inside)), len(inside), -first, first, stop - 1))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, first, last in candidates:
        if len(chosen) == count:
            break
        if all(last < a or first > b for a, b in chosen):
            chosen.append((first, last))
    return sorted(chosen)


def _widen(text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """Grow ``start..end`` by the words around it, up to LEAD_CHARS before and
    to about WINDOW_CHARS in all, cut at white space and never before
    ``floor`` (where the previous window ended)."""
    lead = min(LEAD_CHARS, max(0, WINDOW_CHARS - (end - start)))  # less when the matches fill the window
    begin = max(floor, start - lead)
    while begin < start and begin > floor and not text[begin - 1].isspace():
        begin += 1
    stop = min(len(text), max(end, begin + WINDOW_CHARS))
    while stop > end and stop < len(text) and not text[stop].isspace():
        stop -= 1
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


def snippets(text: str, analyzer: Analyzer, match: MatchSet, count: int = 3) -> list[str]:
    """Up to ``count`` non-overlapping windows with the most distinct matches,
    in text order, "…" where text was cut; the article's lead when nothing
    matches."""
    chunks = _marked_chunks(text, analyzer, match) if match else _Marked([], [], [])
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for first, last in _best_windows(chunks, count):
        begin, stop = _widen(text, chunks.starts[first], chunks.ends[last], windows[-1][1] if windows else 0)
        inside = slice(first, last + 1)
        windows.append((begin, stop, _word_marks(text, chunks.starts[inside], chunks.ends[inside], analyzer, match)))
    if not windows:  # nothing matches: the lead
        windows.append((*_widen(text, 0, 0, 0), []))
    out: list[str] = []
    for begin, stop, marks in windows:
        if begin < stop:
            before = ELLIPSIS if text[:begin].strip() else ""
            after = ELLIPSIS if text[stop:].strip() else ""
            out.append(before + _render(text, begin, stop, marks) + after)
    return out


def highlight_all(text: str, analyzer: Analyzer, match: MatchSet) -> str:
    """The whole text, escaped, with every match marked: document pages."""
    if not match:
        return escape(text)
    chunks = _marked_chunks(text, analyzer, match)
    return _render(text, 0, len(text), _word_marks(text, chunks.starts, chunks.ends, analyzer, match))
