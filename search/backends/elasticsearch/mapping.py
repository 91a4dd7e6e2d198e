"""Index settings and mapping: Elasticsearch's own analysis chain, set up to
produce the terms ``search.analysis.Analyzer`` produces.

Chain (``arshif_text`` ranks, ``arshif_exact`` serves phrases)::

    char_filter  arshif_fold   every character rule of ours the token filters
                               below cannot do (computed from normalize())
    tokenizer    arshif_words  runs of letters/digits, like tokenize.WORD
    filter       lowercase, decimal_digit, arabic_normalization,
                 arshif_length (MAX_TERM_CHARS),
                 [arshif_stop, arshif_stem_arabic, arshif_english_latin]
                 -- ranking only; each stemmer only on its script, as ours

The char filter runs before the tokenizer because invisible characters and
extra marks must vanish before words are cut (as our tokenizer keeps them
inside a word). Rules are generated from ``normalize`` itself, so a change to
our rules changes the mapping; docs/elasticsearch.md lists what remains apart.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from search.analysis import AnalysisConfig
from search.analysis import stopwords as stoplists
from search.analysis.chain import MAX_TERM_CHARS
from search.analysis.normalize import INVISIBLE, normalize
from search.analysis.tokenize import WORD
from search.backend import BackendError
from search.index_meta import IndexMeta

TEXT_FIELDS = ("title", "body")
EXACT_SUFFIX = "exact"
KEYWORDS = ("id", "source", "lang", "url", "cluster", "content_hash")

# Characters Lucene's ArabicNormalizationFilter handles itself: alef with
# madda/hamza, dotless yeh, teh marbuta, tatweel and the eight harakat.
ARABIC_NORMALIZATION = frozenset("\u0622\u0623\u0625\u0649\u0629\u0640") | {chr(c) for c in range(0x064B, 0x0653)}
_HARAKAT_CLASS = "\\u064B-\\u0652"

# Where our rules act beyond lowercasing: the Arabic blocks (letters,
# supplement, extended-A, presentation forms A and B), plus the compatibility
# characters news text picks up from PDFs and the web (Latin-1 and Latin
# extended: º ² ĳ; super/subscripts; Latin ligatures; full/half-width forms).
_RANGES = (
    (0x00A0, 0x0250),
    (0x0600, 0x0700),
    (0x0750, 0x0780),
    (0x08A0, 0x0900),
    (0x2070, 0x20A0),
    (0xFB00, 0xFE00),
    (0xFE70, 0xFF00),
    (0xFF00, 0xFFF0),
)

# Lucene's stemmer names for our stemmer choices (AnalysisConfig.stemmer).
# Our analyzer stems a word with Snowball English when it starts with a Latin
# letter and with the Arabic stemmer otherwise (chain.is_latin); a
# condition filter makes the same choice per token (Painless, Basic license).
LATIN_WORD = "int c = token.getTerm().charAt(0); return c < 1536 && !Character.isDigit(c);"
NOT_LATIN_WORD = "int c = token.getTerm().charAt(0); return c >= 1536 || Character.isDigit(c);"

STEMMERS: dict[str, dict[str, str] | None] = {
    "lucene": {"type": "stemmer", "language": "arabic"},
    "snowball": {"type": "snowball", "language": "Arabic"},
    "none": None,
}


def _escape(text: str) -> str:
    """The mapping char filter's own escapes, so rules are plain ASCII."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\u{ord(c):04x}" for c in text)


def _in_words(char: str) -> bool:
    """Whether our tokenizer keeps ``char`` inside a word; anything else only
    separates words (e.g. ﷼, whose NFKC is a word), so it must stay as is."""
    return WORD.fullmatch("a" + char) is not None


def _candidates() -> list[str]:
    chars = [chr(c) for low, high in _RANGES for c in range(low, high)] + sorted(INVISIBLE)
    return [c for c in chars if unicodedata.category(c) != "Cn" and _in_words(c)]


def _composed_sequences(hamza_seats: bool) -> dict[str, str]:
    """Letter + combining hamza/madda -> what the composed letter becomes
    (NFKC composes these in our chain before marks are stripped)."""
    out = {}
    for char in _candidates():
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 2 and decomposed != char:
            target = normalize(char, hamza_seats)
            if target != normalize(decomposed[0], hamza_seats):
                out[decomposed] = target
    return out


def fold_rules(config: AnalysisConfig) -> dict[str, str]:
    """``char -> replacement`` for the mapping char filter: each character our
    ``normalize`` changes and the token filters would not change the same way."""
    rules: dict[str, str] = {}
    for char in _candidates():
        target = normalize(char, config.hamza_seats)
        if target in (char, char.lower()) or char in ARABIC_NORMALIZATION:
            continue  # nothing to do, or the lowercase / arabic_normalization filters do it
        if unicodedata.category(char) == "Nd" and target.isdigit():
            continue  # decimal_digit
        rules[char] = target
    rules.update(_composed_sequences(config.hamza_seats))
    return rules


def stopwords(config: AnalysisConfig) -> list[str]:
    """Our stop lists in normalized spelling, as our analyzer compares them."""
    if not config.stopwords:
        return []
    return sorted({normalize(w, config.hamza_seats) for w in stoplists.ARABIC + stoplists.ENGLISH})


def analysis(config: AnalysisConfig) -> dict[str, Any]:
    """The ``index.analysis`` settings for ``config``."""
    if config.stemmer not in STEMMERS:
        raise BackendError(
            f"analysis stemmer {config.stemmer!r} has no Elasticsearch equivalent; "
            f"use one of {', '.join(STEMMERS)} for an Elasticsearch index"
        )
    filters: dict[str, Any] = {
        "arshif_length": {"type": "length", "min": 1, "max": MAX_TERM_CHARS},
        "arshif_stop": {"type": "stop", "stopwords": stopwords(config) or "_none_"},
        # PyStemmer's "english" is Snowball English (Porter2).
        "arshif_english": {"type": "stemmer", "language": "porter2"},
        "arshif_english_latin": {"type": "condition", "filter": ["arshif_english"], "script": {"source": LATIN_WORD}},
    }
    exact_chain = ["lowercase", "decimal_digit", "arabic_normalization", "arshif_length"]
    ranking_chain = [*exact_chain, "arshif_stop"]
    stemmer = STEMMERS[config.stemmer]
    if stemmer is not None:
        filters["arshif_stem"] = stemmer
        filters["arshif_stem_arabic"] = {
            "type": "condition",
            "filter": ["arshif_stem"],
            "script": {"source": NOT_LATIN_WORD},
        }
        ranking_chain.append("arshif_stem_arabic")
    ranking_chain.append("arshif_english_latin")
    common = {"type": "custom", "char_filter": ["arshif_fold"], "tokenizer": "arshif_words"}
    return {
        "char_filter": {
            "arshif_fold": {
                "type": "mapping",
                "mappings": [f"{_escape(k)} => {_escape(v)}" for k, v in sorted(fold_rules(config).items())],
            }
        },
        "tokenizer": {
            # split on anything that is not a letter, a digit or a haraka
            # (harakat are removed later by arabic_normalization).
            "arshif_words": {"type": "pattern", "pattern": f"[^\\p{{L}}\\p{{N}}{_HARAKAT_CLASS}]+"}
        },
        "filter": filters,
        "analyzer": {
            "arshif_text": {**common, "filter": ranking_chain},
            "arshif_exact": {**common, "filter": exact_chain},
        },
    }


def _text_field() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "arshif_text",
        "fields": {EXACT_SUFFIX: {"type": "text", "analyzer": "arshif_exact"}},
    }


def mappings(meta: IndexMeta) -> dict[str, Any]:
    """Fields of an arshif index. Passages are nested objects with one vector
    each, so kNN scores an article by its best passage (Elasticsearch >= 8.11)."""
    properties: dict[str, Any] = {name: _text_field() for name in TEXT_FIELDS}
    properties |= {name: {"type": "keyword"} for name in KEYWORDS}
    properties |= {
        "urls": {"type": "keyword", "index": False},
        "date": {"type": "date"},
        "indexed_at": {"type": "date"},
    }
    if meta.dimension:
        properties["passages"] = {
            "type": "nested",
            "properties": {
                "vector": {
                    "type": "dense_vector",
                    "dims": meta.dimension,
                    "index": True,
                    "similarity": "cosine",
                    "index_options": {"type": "int8_hnsw"},
                }
            },
        }
    return {
        "dynamic": False,  # a future Article field is kept in _source, not refused
        "_meta": {"arshif": meta.model_dump(mode="json")},
        "properties": properties,
    }


def index_body(meta: IndexMeta, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Everything ``indices.create`` needs for a new physical index."""
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "analysis": analysis(meta.analysis),
        },
        "mappings": mappings(meta),
    }
