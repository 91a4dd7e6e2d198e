"""Lucene's light stemming and the stop words for many texts' words at once.

Indexing a news archive stems millions of words. Word by word that is a
dictionary look-up and a new string object per word, most of a run's CPU
time in Python; here it is a few dozen array operations per batch of texts
(``codepoints.normalize_many``). The rules are ``stem.lucene_light``'s,
from the same lists, and a property test holds the two to the same terms.

A dropped affix or stop word is blanked to spaces (the index splits terms on
white space, so the terms are the same), which keeps every word in its place
while the rules run; runs of spaces are squeezed at the end. Latin words
are stemmed one by one (Snowball English, rare in Arabic news).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from search.analysis.alphabet import Alphabet
from search.analysis.codepoints import BASIC_PLANE, SEPARATOR_CHAR, SPACE, Normalized
from search.analysis.stem import LATIN_BELOW, LUCENE_PREFIXES, SUFFIXES, is_latin, prefix_minimum, suffix_minimum


class _ExactSet:
    """Membership of integer keys in a small fixed set, for arrays of keys:
    one multiplication, shift and look-up per key (Fibonacci hashing, into
    a table of about the set's size squared, where a multiplier that leaves
    the set's keys without collisions is found in a few draws)."""

    def __init__(self, keys: Iterable[int]) -> None:
        values = np.array(sorted(set(keys)), np.uint64)
        self.bits = max(4, (values.size**2).bit_length())
        draws = np.random.default_rng(0)  # the same table in every process
        while True:
            self.multiplier = np.uint64(draws.integers(1, 2**63, dtype=np.uint64) | np.uint64(1))
            slots = self._slots(values)
            if np.unique(slots).size == values.size:
                break
        self.table = np.full(1 << self.bits, np.uint64(2**64 - 1), np.uint64)  # no key is all ones
        self.table[slots] = values

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return (keys * self.multiplier) >> np.uint64(64 - self.bits)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return self.table[self._slots(keys)] == keys


class LightStemmer:
    """``stem.lucene_light`` and stop-word removal over a ``Normalized`` batch."""

    def __init__(self, stops: Iterable[str]) -> None:
        arabic_stops = sorted(word for word in stops if not is_latin(word))  # Latin ones go word by word
        letters = sorted({char for word in arabic_stops for char in word})
        # A stop word is a number: a small code per letter, ``self.bits`` bits each.
        self.bits = (len(letters) + 1).bit_length()
        self.longest = max(map(len, arabic_stops), default=0)
        assert self.bits * self.longest <= 64, "stop words too long or too varied for one 64-bit key"
        self.codes = np.full(BASIC_PLANE, len(letters) + 1, np.uint64)  # any other letter: no stop word has it
        for code, letter in enumerate(letters, start=1):
            self.codes[ord(letter)] = code
        self.stops = _ExactSet(self._key(word) for word in arabic_stops)
        self.latin = np.zeros(BASIC_PLANE, bool)  # by a word's first letter
        self.latin[:LATIN_BELOW] = [is_latin(chr(code)) for code in range(LATIN_BELOW)]
        self.last_letters = np.zeros(BASIC_PLANE, bool)
        self.last_letters[[ord(suffix[-1]) for suffix in SUFFIXES]] = True

    def _key(self, word: str) -> int:
        return sum(int(self.codes[ord(char)]) << (self.bits * j) for j, char in enumerate(word))

    def terms(self, words: Normalized, latin_term: Callable[[str], str], alphabet: Alphabet) -> list[str]:
        """Each text's ranking terms, spelt in ``alphabet``, separated by
        single spaces (with one at either end where a text's first or last
        word was dropped); ``latin_term`` stems one Latin word ("" for a stop word)."""
        codes, starts, ends = words.codes, words.starts, words.ends
        lengths = ends - starts
        out = codes.copy()
        latin = self.latin[codes[starts]]
        stop = self._stop_words(codes, starts, lengths) & ~latin
        for j in range(self.longest):
            out[starts[stop & (lengths > j)] + j] = SPACE
        arabic = ~latin & ~stop
        prefix = self._prefix_lengths(codes, starts, lengths, arabic)
        for j in range(int(prefix.max(initial=0))):
            out[starts[prefix > j] + j] = SPACE
        self._strip_suffixes(codes, out, starts + prefix, ends, arabic)
        # One space of each run is enough: a third less to send and index.
        kept = np.ones(out.size, bool)
        kept[1:] = (out[1:] != SPACE) | (out[:-1] != SPACE)
        text = alphabet.text(out[kept])
        if latin.any():  # left whole: where they now are is where their first letter went
            firsts = starts[latin]
            begins = firsts - np.searchsorted(np.flatnonzero(~kept), firsts)  # less the spaces squeezed before
            words_now = zip(begins.tolist(), (begins + lengths[latin]).tolist(), strict=True)
            pieces, previous = [], 0
            for (start, end), word in zip(words_now, self._words(codes, starts, ends, latin), strict=True):
                pieces += [text[previous:start], alphabet.spell(latin_term(word))]
                previous = end
            text = "".join([*pieces, text[previous:]])
        return text.split(SEPARATOR_CHAR)

    @staticmethod
    def _words(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, which: np.ndarray) -> list[str]:
        """The chosen words as analysed (Latin words are stemmed from these,
        not from their spelling in an alphabet)."""
        return [
            codes[start:end].tobytes().decode("utf-32-le")
            for start, end in zip(starts[which].tolist(), ends[which].tolist(), strict=True)
        ]

    def _stop_words(self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Which words are stop words: words of each length get their key from
        their letters' codes, looked up in the stop words' keys."""
        stop = np.zeros(starts.size, bool)
        for length in range(1, self.longest + 1):
            group = np.flatnonzero(lengths == length)
            at = starts[group]
            keys = self.codes[codes[at]]
            for j in range(1, length):
                keys |= self.codes[codes[at + j]] << np.uint64(self.bits * j)
            stop[group] = self.stops.contains(keys)
        return stop

    def _prefix_lengths(
        self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, arabic: np.ndarray
    ) -> np.ndarray:
        """Each word's prefix to cut: the first of the list that it starts
        with and is long enough for (``stem._strip_prefix``)."""
        last = codes.size - 1
        letters = [codes[np.minimum(starts + j, last)] for j in range(max(map(len, LUCENE_PREFIXES)))]
        cut = np.zeros(starts.size, np.int64)
        open_ = arabic.copy()
        for prefix in LUCENE_PREFIXES:
            match = open_ & (lengths >= prefix_minimum(prefix))
            for j, char in enumerate(prefix):
                match &= letters[j] == ord(char)
            cut[match] = len(prefix)
            open_ &= ~match
        return cut

    def _strip_suffixes(
        self, codes: np.ndarray, out: np.ndarray, starts: np.ndarray, ends: np.ndarray, arabic: np.ndarray
    ) -> None:
        """Blank each suffix in turn, once, where enough letters remain
        (``stem._strip_suffixes``); only words ending in a suffix's last
        letter can lose one."""
        some = np.flatnonzero(arabic & self.last_letters[codes[ends - 1]])
        begin, end = starts[some], ends[some]
        for suffix in SUFFIXES:
            match = end - begin >= suffix_minimum(suffix)
            for j, char in enumerate(reversed(suffix), start=1):
                match &= codes[end - j] == ord(char)
            cut = end[match]
            for j in range(1, len(suffix) + 1):
                out[cut - j] = SPACE
            end[match] -= len(suffix)
