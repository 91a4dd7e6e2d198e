"""The index template we send: analysis settings that reproduce our
normalization with Elasticsearch's own filters, and the field mapping."""

from __future__ import annotations

import pytest

from search.analysis import AnalysisConfig, Analyzer
from search.analysis.normalize import normalize
from search.backend import BackendError
from search.backends.elasticsearch.mapping import (
    ARABIC_NORMALIZATION,
    LATIN_WORD,
    _candidates,
    analysis,
    fold_rules,
    index_body,
    stopwords,
)
from search.backends.elasticsearch.parity import AnalyzerModel
from search.index_meta import IndexMeta

pytestmark = pytest.mark.elasticsearch

@pytest.mark.parametrize("config", [AnalysisConfig(), AnalysisConfig(hamza_seats=True)], ids=["default", "seats"])
def test_elasticsearch_chain_normalizes_every_arabic_character_as_we_do(config: AnalysisConfig) -> None:
    model = AnalyzerModel(analysis(config))
    folded = {c: model.token_filters(model.char_filter(c)) for c in _candidates()}
    assert {c: v for c, v in folded.items() if v != normalize(c, config.hamza_seats)} == {}


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
    model = AnalyzerModel(analysis(AnalysisConfig()))
    assert model.token_filters(model.char_filter(raw)) == expected == normalize(raw)


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
    assert text["filter"] == [*exact["filter"], "arshif_stop", "arshif_stem_arabic", "arshif_english_latin"]
    assert settings["filter"]["arshif_stem"] == {"type": "stemmer", "language": "arabic"}
    assert settings["filter"]["arshif_stem_arabic"]["filter"] == ["arshif_stem"]
    assert settings["filter"]["arshif_english_latin"]["script"]["source"] == LATIN_WORD
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
    assert "arshif_stem_arabic" not in unstemmed["analyzer"]["arshif_text"]["filter"]
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


@pytest.mark.parametrize("stemmer", ["lucene", "snowball", "none"])
def test_whole_chain_gives_our_terms_on_the_samples(samples, stemmer: str) -> None:
    config = AnalysisConfig(stemmer=stemmer)
    model, ours = AnalyzerModel(analysis(config)), Analyzer(config)
    for path in sorted(samples.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert model.exact_terms(text) == ours.exact_terms(text)
        assert model.terms(text) == ours.terms(text)


@pytest.mark.parametrize("text", ["اوielts", "x360علي", "åيكون", "360º", "²٣ ﬁnance", "ＡＢＣ", "263 ﷼ الفضي"])
def test_mixed_scripts_and_compatibility_characters(text: str) -> None:
    model, ours = AnalyzerModel(analysis(AnalysisConfig())), Analyzer()
    assert model.terms(text) == ours.terms(text)
    assert model.exact_terms(text) == ours.exact_terms(text)
