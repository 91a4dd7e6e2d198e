"""Query DSL compiled from each construct of the query language."""

from __future__ import annotations

from datetime import datetime

import pytest

from search.analysis import Analyzer
from search.backends.elasticsearch.compile import MATCH_ALL, MATCH_NONE, Compiler
from search.models import Filters
from search.query import parse

try:
    from elasticsearch.dsl import Q
except ImportError:  # clients before 8.18 ship the DSL separately
    Q = None

pytestmark = pytest.mark.elasticsearch


@pytest.fixture(scope="module")
def compiler() -> Compiler:
    return Compiler(Analyzer())


def compiled(compiler: Compiler, text: str, filters: Filters | None = None) -> dict:
    query = parse(text)
    dsl = compiler.compile(query, filters or query.filters)
    if Q is not None:  # the client's typed DSL (9.x) reads it and writes it back unchanged
        assert Q(dsl).to_dict() == dsl
    return dsl


def _words(text: str) -> dict:
    return {"multi_match": {"query": text, "fields": ["title", "body"], "type": "most_fields"}}


def test_word_matches_stemmed_title_and_body(compiler: Compiler) -> None:
    assert compiled(compiler, "المدارس") == _words("المدارس")


def test_fielded_word(compiler: Compiler) -> None:
    assert compiled(compiler, "title:سوريا") == {"match": {"title": {"query": "سوريا"}}}


def test_several_words_are_optional_but_one_must_match(compiler: Compiler) -> None:
    assert compiled(compiler, "دمشق حلب") == {
        "bool": {"should": [_words("دمشق"), _words("حلب")], "minimum_should_match": 1}
    }


def test_phrase_matches_exact_subfields(compiler: Compiler) -> None:
    assert compiled(compiler, '"في البيت"') == {
        "bool": {
            "should": [
                {"match_phrase": {"title.exact": {"query": "في البيت"}}},
                {"match_phrase": {"body.exact": {"query": "في البيت"}}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert compiled(compiler, 'body:"وزير الخارجية"') == {"match_phrase": {"body.exact": {"query": "وزير الخارجية"}}}


def test_must_and_must_not(compiler: Compiler) -> None:
    assert compiled(compiler, "+النفط -ايران سعر") == {
        "bool": {"must": [_words("النفط")], "should": [_words("سعر")], "must_not": [_words("ايران")]}
    }


def test_only_exclusions_match_everything_else(compiler: Compiler) -> None:
    assert compiled(compiler, "-رياضة") == {"bool": {"must": [MATCH_ALL], "must_not": [_words("رياضة")]}}


def test_or_group(compiler: Compiler) -> None:
    assert compiled(compiler, "+(دمشق OR حلب) معركة") == {
        "bool": {
            "must": [{"bool": {"should": [_words("دمشق"), _words("حلب")], "minimum_should_match": 1}}],
            "should": [_words("معركة")],
        }
    }


def test_stop_words_constrain_nothing(compiler: Compiler) -> None:
    assert compiled(compiler, "+في سوريا") == _words("سوريا")
    assert compiled(compiler, "في") == MATCH_NONE


def test_empty_query_browses(compiler: Compiler) -> None:
    assert compiled(compiler, "") == MATCH_ALL


def test_filters_never_score(compiler: Compiler) -> None:
    dsl = compiled(compiler, "نفط source:okaz -source:spa lang:ar date:2015-07")
    assert dsl == {
        "bool": {
            "must": [_words("نفط")],
            "filter": [
                {"terms": {"source": ["okaz"]}},
                {"terms": {"lang": ["ar"]}},
                {"range": {"date": {"gte": "2015-07-01T00:00:00Z", "lt": "2015-08-01T00:00:00Z"}}},
            ],
            "must_not": [{"terms": {"source": ["spa"]}}],
        }
    }


def test_filter_only_query_for_knn(compiler: Compiler) -> None:
    assert compiler.filter_query(Filters()) is None
    assert compiler.filter_query(Filters(indexed_after=datetime(2024, 1, 2, 3))) == {
        "bool": {"filter": [{"range": {"indexed_at": {"gte": "2024-01-02T03:00:00Z"}}}]}
    }
