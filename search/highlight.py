"""Snippets: windows of the original text with matched words in ``<mark>``.

Built from the analyzer's offsets, so a match is found however it is spelled
(``البُوكمَال`` marks ``البوكمال``) and the snippet shows the text exactly as
written, harakat included. Every character from the article is HTML-escaped;
only our own ``<mark>`` tags are markup.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from html import escape

from search.analysis import Analyzer, Token
from search.query import Clause, Group, Occur, Phrase, Query, Word

WINDOW_CHARS = 200
LEAD_CHARS = 60
ELLIPSIS = "…"


@dataclass(frozen=True)
class MatchSet:
    """What to mark: stemmed terms of words, exact-term sequences of phrases."""

    terms: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]

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
        return cls(frozenset(terms), tuple(phrases))

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def matched_tokens(tokens: list[Token], match: MatchSet) -> list[int]:
    """Indexes of the tokens to mark, in order."""
    marked = {i for i, token in enumerate(tokens) if token.term in match.terms}
    exact = [token.exact for token in tokens]
    for phrase in match.phrases:
        n = len(phrase)
        first = phrase[0]
        for i, word in enumerate(exact):
            if word == first and tuple(exact[i : i + n]) == phrase:
                marked.update(range(i, i + n))
    return sorted(marked)


def render(text: str, tokens: list[Token], marked: list[int], first: int, last: int, ellipses: bool = True) -> str:
    """HTML for tokens ``first..last`` (inclusive), escaped, marks added;
    ``ellipses`` says where text was cut off."""
    start, end = tokens[first].start, tokens[last].end
    out: list[str] = []
    position = start
    for i in marked:
        if i < first or i > last:
            continue
        token = tokens[i]
        if token.start < position:  # ligature expansions share one span
            continue
        out.append(escape(text[position : token.start]))
        out.append(f"<mark>{escape(text[token.start : token.end])}</mark>")
        position = token.end
    out.append(escape(text[position:end]))
    html = "".join(out)
    if not ellipses:
        return html
    return (ELLIPSIS if start > 0 else "") + html + (ELLIPSIS if end < len(text.rstrip()) else "")


def _window(tokens: list[Token], starts: list[int], ends: list[int], anchor: int) -> tuple[int, int]:
    """Token range of about WINDOW_CHARS around token ``anchor``, whole words."""
    begin = max(0, tokens[anchor].start - LEAD_CHARS)
    first = min(bisect_left(starts, begin), anchor)
    last = max(bisect_right(ends, tokens[first].start + WINDOW_CHARS) - 1, anchor)
    return first, last


def snippets(text: str, analyzer: Analyzer, match: MatchSet, count: int = 3) -> list[str]:
    """Up to ``count`` non-overlapping windows with the most distinct matches,
    in text order; the article's lead when nothing matches."""
    tokens = analyzer.tokens(text)
    if not tokens:
        return []
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    marked = matched_tokens(tokens, match) if match else []
    if not marked:
        return [render(text, tokens, [], 0, _window(tokens, starts, ends, 0)[1])]
    candidates = []
    for anchor in marked:
        first, last = _window(tokens, starts, ends, anchor)
        inside = [i for i in marked if first <= i <= last]
        distinct = len({tokens[i].exact for i in inside})
        candidates.append((distinct, len(inside), -first, first, last))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, first, last in candidates:
        if len(chosen) == count:
            break
        if all(last < a or first > b for a, b in chosen):
            chosen.append((first, last))
    return [render(text, tokens, marked, first, last) for first, last in sorted(chosen)]


def highlight_all(text: str, analyzer: Analyzer, match: MatchSet) -> str:
    """The whole text, escaped, with every match marked: document pages."""
    tokens = analyzer.tokens(text)
    if not tokens:
        return escape(text)
    marked = matched_tokens(tokens, match) if match else []
    body = render(text, tokens, marked, 0, len(tokens) - 1, ellipses=False)
    return escape(text[: tokens[0].start]) + body + escape(text[tokens[-1].end :])
