"""The analysis chain: tokenize -> normalize -> (stop) -> stem, with offsets.

One ``Analyzer`` serves indexing, querying and highlighting, so the three can
never disagree about what a word is. Two outputs per word:

* ``exact``: normalized, unstemmed, stop words kept -- the phrase field;
* ``term``: stemmed, stop words dropped (``None``) -- the ranking field.

Querying and highlighting work per distinct raw word, cached. Indexing
analyses many texts at once with array operations (``codepoints``,
``batch_stem``), and gets the same terms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from search.analysis import stopwords
from search.analysis.alphabet import AS_ANALYSED, Alphabet
from search.analysis.batch_stem import LightStemmer
from search.analysis.codepoints import PLACEHOLDER_CHAR, normalize_many
from search.analysis.normalize import normalize
from search.analysis.stem import AFFIX_ONLY, ARABIC_STEMMERS, english, is_latin
from search.analysis.tokenize import WORD, words

# Bump when a rule changes what terms a text yields: indexes built with
# another version must be rebuilt.
ANALYSIS_VERSION = 1
MAX_TERM_CHARS = 100
_CACHE_LIMIT = 2_000_000
# Fewer characters are analysed chunk by chunk: a 48-character title takes 4 µs
# that way, 14 µs by table (whose fixed cost is about 10 µs).
_TABLE_MIN_CHARS = 256
_BATCH_MAX_CHARS = 1_000_000
_V = TypeVar("_V")


def _groups(texts: Sequence[str], most_chars: int) -> list[Sequence[str]]:
    """``texts`` in consecutive groups of at most ``most_chars`` characters
    (a longer text is a group of its own)."""
    groups: list[Sequence[str]] = []
    start = size = 0
    for end, text in enumerate(texts):
        if size + len(text) > most_chars and end > start:
            groups.append(texts[start:end])
            start, size = end, 0
        size += len(text)
    if start < len(texts):
        groups.append(texts[start:])
    return groups


def _splice(text: str, pieces: list[str]) -> str:
    """``text`` with its placeholders replaced by ``pieces``, in order."""
    first, *rest = text.split(PLACEHOLDER_CHAR)
    out = [first]
    for piece, part in zip(pieces, rest, strict=True):  # unequal if a stemmer changed a placeholder
        out += [piece, part]
    return "".join(out)


class AnalysisConfig(BaseModel):
    """Choices measured on the dev archive (docs/benchmarks.md)."""

    model_config = ConfigDict(frozen=True)

    stemmer: str = "lucene"
    hamza_seats: bool = False
    stopwords: bool = True

    @property
    def name(self) -> str:
        return (
            f"arshif-v{ANALYSIS_VERSION}:stem={self.stemmer}:seats={int(self.hamza_seats)}:stop={int(self.stopwords)}"
        )


class Token(NamedTuple):
    """A word of the original text: its span, exact form and ranking term.
    (A named tuple: snippets build thousands per article, and tuples are cheapest.)"""

    start: int
    end: int
    exact: str
    term: str | None


class _Memo(dict[str, _V]):
    """``compute(key)``, computed once per key (up to a limit): a miss is
    ``__missing__``, so a hit is a plain dictionary look-up, in C."""

    def __init__(self, compute: Callable[[str], _V]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> _V:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        value = self[key] = self._compute(key)
        return value


@dataclass
class Analyzer:
    config: AnalysisConfig = field(default_factory=AnalysisConfig)

    def __post_init__(self) -> None:
        # raw word -> its (exact, term) pairs
        self._words = _Memo(self._word)
        # white-space-free chunk -> (terms, exact terms), each space-joined
        self.chunks = _Memo(self._chunk)
        # normalized word -> its ranking term, "" for a stop word
        self._terms = _Memo(lambda exact: self._stem(exact) or "")
        self._arabic_stem = ARABIC_STEMMERS[self.config.stemmer]
        stops = stopwords.ARABIC + stopwords.ENGLISH if self.config.stopwords else []
        self._stops = frozenset(normalize(w, self.config.hamza_seats) for w in stops)

    @cached_property
    def _batch_stemmer(self) -> LightStemmer | None:
        """The Lucene stemmer by array, for indexing (its tables take a few ms to build)."""
        return LightStemmer(self._stops) if self.config.stemmer == "lucene" else None

    @property
    def affix_only(self) -> bool:
        """Whether every Arabic (and digit) term is a substring of its
        normalized word: Latin words go through Snowball English, which rewrites them."""
        return self.config.stemmer in AFFIX_ONLY

    def _stem(self, exact: str) -> str | None:
        if exact in self._stops:
            return None
        return english(exact) if is_latin(exact) else self._arabic_stem(exact)

    def word(self, raw: str) -> tuple[tuple[str, str | None], ...]:
        """``(exact, term)`` pairs for one raw word (several if a ligature
        expands to words, none if nothing but marks remains)."""
        return self._words[raw]

    def _word(self, raw: str) -> tuple[tuple[str, str | None], ...]:
        return tuple(
            (exact, self._stem(exact))
            for exact in normalize(raw, self.config.hamza_seats).split()
            if len(exact) <= MAX_TERM_CHARS
        )

    def _chunk(self, chunk: str) -> tuple[str, str]:
        # A chunk of letters and digits only is one word (most are): no regex.
        pairs = self.word(chunk) if chunk.isalnum() else self.word_pairs(chunk)
        return " ".join([term for _, term in pairs if term]), " ".join([exact for exact, _ in pairs])

    def word_pairs(self, text: str) -> list[tuple[str, str | None]]:
        """``(exact, term)`` for every word of ``text``: for query building."""
        return [pair for raw in words(text) for pair in self.word(raw)]

    def tokens(self, text: str, start: int = 0, end: int | None = None) -> list[Token]:
        """Every word of ``text[start:end]`` with its span in ``text``: for
        highlighting (a hot path at query time, hence the local names)."""
        analysed = self._words
        out: list[Token] = []
        append = out.append
        for match in WORD.finditer(text, start, len(text) if end is None else end):
            raw = match.group()
            begin, stop = match.span()
            for exact, term in analysed[raw]:
                append(Token(begin, stop, exact, term))
        return out

    def terms(self, text: str) -> list[str]:
        """Ranking terms (stemmed, no stop words)."""
        return [term for raw in words(text) for _, term in self.word(raw) if term]

    def exact_terms(self, text: str) -> list[str]:
        """Phrase terms (normalized, unstemmed, every word)."""
        return [exact for raw in words(text) for exact, _ in self.word(raw)]

    def joined(self, text: str) -> tuple[str, str]:
        """``(terms, exact_terms)`` of one text: ``joined_many`` of one."""
        return self.joined_many([text])[0]

    def joined_many(self, texts: Sequence[str], alphabet: Alphabet = AS_ANALYSED) -> list[tuple[str, str]]:
        """``(terms, exact_terms)`` per text, each joined by white space and
        spelt in ``alphabet``: the indexing path.

        The index splits these on white space, so its terms are exactly ours.
        Many texts at once are normalized by table (``normalize_many``) and,
        with the Lucene stemmer, stemmed by array (``batch_stem``); otherwise
        the stemming is per distinct word. A few short texts, where numpy's
        fixed cost is more than the look-ups, are cut at white space (words
        never span it) and each chunk's analysis is cached; so are the
        chunks the tables cannot do, whose analysis replaces the placeholder
        that stood for each. Batches are cut at about a million characters,
        which bounds the arrays' memory.
        """
        return [pair for group in _groups(texts, _BATCH_MAX_CHARS) for pair in self._joined_batch(group, alphabet)]

    def _joined_batch(self, texts: Sequence[str], alphabet: Alphabet) -> list[tuple[str, str]]:
        total = sum(map(len, texts))
        words = normalize_many(texts, self.config.hamza_seats, MAX_TERM_CHARS) if total >= _TABLE_MIN_CHARS else None
        if words is None:
            return [self._chunked(text, alphabet) for text in texts]
        exact = words.texts(alphabet)
        if self._batch_stemmer is not None:
            terms = self._batch_stemmer.terms(words, self._terms.__getitem__, alphabet)
        else:
            terms = [
                alphabet.spell(" ".join(map(self._terms.__getitem__, text.split())))
                for text in (words.texts(AS_ANALYSED) if alphabet.letters else exact)
            ]
        pairs = list(zip(terms, exact, strict=True))
        for text, chunks in words.left.items():
            pairs[text] = self._filled(pairs[text], chunks, alphabet)
        return pairs

    def _filled(self, pair: tuple[str, str], chunks: list[str], alphabet: Alphabet) -> tuple[str, str]:
        """A text's terms and exact terms with each placeholder replaced by
        its chunk's, analysed word by word."""
        analysed = [self.chunks[chunk] for chunk in chunks]
        return (
            _splice(pair[0], [alphabet.spell(terms) for terms, _ in analysed]),
            _splice(pair[1], [alphabet.spell(exact) for _, exact in analysed]),
        )

    def _chunked(self, text: str, alphabet: Alphabet) -> tuple[str, str]:
        pairs = list(map(self.chunks.__getitem__, text.split()))
        return alphabet.spell(" ".join(map(itemgetter(0), pairs))), alphabet.spell(" ".join(map(itemgetter(1), pairs)))
