"""A Python model of the index analyzers that ``mapping.py`` defines, for
checking that they reproduce ``search.analysis`` without a server
(tests/test_es_mapping.py, bench/es_analysis_parity.py). It follows the
documented behaviour of each Elasticsearch part; ``tests/test_es_live.py``
compares the real ``_analyze`` output when a server is at hand."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from search.analysis.stem import ARABIC_STEMMERS, english

# Lucene's ArabicNormalizer: alef forms, dotless yeh, teh marbuta; tatweel and
# the eight harakat removed.
_LUCENE_FOLD = {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647"}
_LUCENE_DROP = frozenset({"\u0640"} | {chr(c) for c in range(0x064B, 0x0653)})
_STEMMERS = {"arabic": ARABIC_STEMMERS["lucene"], "Arabic": ARABIC_STEMMERS["snowball"]}


def _unescape(side: str) -> str:
    return side.encode().decode("unicode_escape")


def _latin(word: str) -> bool:
    """``LATIN_WORD`` in Python: first character below U+0600 and not a digit."""
    return word[0] < "\u0600" and unicodedata.category(word[0]) != "Nd"


class AnalyzerModel:
    """``arshif_text`` (``terms``) and ``arshif_exact`` (``exact_terms``) of one
    ``index.analysis`` settings object."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.rules: dict[str, str] = {}
        for rule in settings["char_filter"]["arshif_fold"]["mappings"]:
            key, _, value = rule.partition("=>")
            self.rules[_unescape(key.strip())] = _unescape(value.strip())
        self.longest = max(map(len, self.rules))
        filters = settings["filter"]
        stop = filters["arshif_stop"]["stopwords"]
        self.stops = frozenset() if stop == "_none_" else frozenset(stop)
        self.max_chars = filters["arshif_length"]["max"]
        stem = filters.get("arshif_stem")
        self.stem: Callable[[str], str] | None = _STEMMERS[stem["language"]] if stem else None

    def char_filter(self, text: str) -> str:
        """The mapping char filter: longest rule first, left to right."""
        out, i = [], 0
        while i < len(text):
            for size in range(self.longest, 0, -1):
                replacement = self.rules.get(text[i : i + size])
                if replacement is not None:
                    out.append(replacement)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    @staticmethod
    def token_filters(token: str) -> str:
        """lowercase, decimal_digit, arabic_normalization."""
        token = token.lower()
        token = "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in token)
        return "".join(_LUCENE_FOLD.get(c, c) for c in token if c not in _LUCENE_DROP)

    def _words(self, text: str) -> list[str]:
        """The pattern tokenizer: runs of letters, numbers and harakat."""
        words, current = [], []
        for char in self.char_filter(text):
            if char.isalpha() or char.isnumeric() or "\u064b" <= char <= "\u0652":
                current.append(char)
            elif current:
                words.append("".join(current))
                current = []
        if current:
            words.append("".join(current))
        return words

    def exact_terms(self, text: str) -> list[str]:
        normalized = (self.token_filters(w) for w in self._words(text))
        return [w for w in normalized if 1 <= len(w) <= self.max_chars]

    def terms(self, text: str) -> list[str]:
        out = []
        for word in self.exact_terms(text):
            if word in self.stops:
                continue
            if _latin(word):  # the condition filters' script
                word = english(word)
            elif self.stem is not None:
                word = self.stem(word)
            out.append(word)
        return out
