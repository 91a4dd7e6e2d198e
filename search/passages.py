"""Split an article into the passages that get one vector each.

News articles are long and a sentence encoder sees a short text best, so an
article is scored by its best passage. The scheme (chosen by measurement, see
docs/benchmarks-hybrid.md): passage 0 is the title plus the lead, the next
passages are consecutive windows of whole sentences, at most ``max_passages``
in all. The tail of very long articles is left to BM25: embedding cost grows
with every word, and known-item and cross-language queries are answered by
the top of an article.

The split is deterministic, so search can rebuild an article's passages to
show the best-matching one as a snippet without storing their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, Field

from search.models import Article

# A sentence ends at . ! ? ؟ or a line break, followed by white space.
_SENTENCE_END = re.compile(r"(?<=[.!?؟\n])\s+")
_WORD = re.compile(r"\S+")


class PassageConfig(BaseModel):
    """How articles are cut; its ``name`` is part of the embedder's name in the
    index, so a query is never compared with passages cut differently."""

    words: int = Field(64, ge=8, le=512, description="target words per passage")
    max_passages: int = Field(1, ge=1, le=1000, description="passages per article at most")

    @property
    def name(self) -> str:
        return f"p{self.words}x{self.max_passages}"


@dataclass(frozen=True)
class Passage:
    """``text`` is what gets embedded; ``start:end`` is its span in the body."""

    text: str
    start: int
    end: int


def _sentences(body: str) -> list[tuple[int, int, int]]:
    """``(start, end, words)`` of each sentence, offsets into ``body``."""
    out = []
    position = 0
    for piece in _SENTENCE_END.split(body):
        start = body.find(piece, position) if piece else position
        if piece.strip():
            out.append((start, start + len(piece), len(_WORD.findall(piece))))
        position = start + len(piece)
    return out


def _cut(body: str, start: int, end: int, words: int) -> list[tuple[int, int]]:
    """A sentence longer than ``words`` is cut at word boundaries."""
    spans = [m.span() for m in _WORD.finditer(body, start, end)]
    return [(spans[i][0], spans[min(i + words, len(spans)) - 1][1]) for i in range(0, len(spans), words)]


def split(article: Article, config: PassageConfig = PassageConfig()) -> list[Passage]:
    """Windows of whole sentences of about ``config.words`` words; the title
    leads passage 0. An article with no text has no passage."""
    body = article.body
    windows: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    count = 0
    for start, end, words in _sentences(body):
        if words > config.words:
            pieces = _cut(body, start, end, config.words)
        else:
            pieces = [(start, end)]
        for piece_start, piece_end in pieces:
            piece_words = min(words, config.words)
            if current is not None and count + piece_words > config.words:
                windows.append(current)
                current, count = None, 0
            current = (current[0], piece_end) if current else (piece_start, piece_end)
            count += piece_words
        if len(windows) >= config.max_passages:
            break
    if current is not None:
        windows.append(current)
    windows = windows[: config.max_passages]
    title = article.title.strip()
    if not windows:
        return [Passage(title, 0, 0)] if title else []
    passages = [Passage(body[s:e], s, e) for s, e in windows]
    if title:
        first = passages[0]
        passages[0] = Passage(f"{title}\n{first.text}", first.start, first.end)
    return passages
