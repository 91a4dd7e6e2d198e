"""Query DSL compiled from each construct of the query language."""

from __future__ import annotations

from datetime import datetime

import pytest

from search.analysis import Analyzer
from search.backends.elasticsearch.compile import MATCH_ALL, MATCH_NONE, Compiler
from search.backends.embedded import compile as embedded_compile
from search.models import Filters
from search.query import parse
from search.ranking import EXACT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP

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


def _words(text: str, exact: str | None = None) -> dict:
    """A word on title and body: stemmed, or (a bonus) spelled as typed."""
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": text, "fields": ["title", "body"], "type": "most_fields"}},
                {
                    "multi_match": {
                        "query": exact or text,
                        "fields": ["title.exact", "body.exact"],
                        "type": "most_fields",
                        "boost": EXACT_BOOST,
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def _near(first: str, second: str, fields: tuple[str, ...] = ("title", "body")) -> list[dict]:
    """The proximity bonus for two consecutive query words."""
    options = {"query": f"{first} {second}", "slop": PROXIMITY_SLOP, "boost": PROXIMITY_BOOST}
    return [{"match_phrase": {f"{field}.exact": options}} for field in fields]


def test_the_bonuses_are_the_embedded_backends() -> None:
    assert (EXACT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP) == (
        embedded_compile.EXACT_BOOST,
        embedded_compile.PROXIMITY_BOOST,
        embedded_compile.PROXIMITY_SLOP,
    )


def test_word_matches_stemmed_title_and_body_and_its_spelling_scores_extra(compiler: Compiler) -> None:
    assert compiled(compiler, "المدارس") == _words("المدارس")
    assert compiled(compiler, "مدرسة") == _words("مدرسة", exact="مدرسه")  # normalized as the index is


def test_fielded_word(compiler: Compiler) -> None:
    assert compiled(compiler, "title:سوريا") == {
        "bool": {
            "should": [
                {"match": {"title": {"query": "سوريا"}}},
                {"match": {"title.exact": {"query": "سوريا", "boost": EXACT_BOOST}}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_several_words_are_optional_but_one_must_match_and_nearness_scores(compiler: Compiler) -> None:
    assert compiled(compiler, "دمشق حلب") == {
        "bool": {
            "must": [{"bool": {"should": [_words("دمشق"), _words("حلب")], "minimum_should_match": 1}}],
            "should": _near("دمشق", "حلب"),
        }
    }


def test_unscored_queries_leave_both_bonuses_out(compiler: Compiler) -> None:
    """Facets count what the ranked query matches, without its look-ups that change no match."""
    stemmed = _words("دمشق")["bool"]["should"][0]
    assert compiler.compile(parse("دمشق حلب"), Filters(), scored=False) == {
        "bool": {"should": [stemmed, _words("حلب")["bool"]["should"][0]], "minimum_should_match": 1}
    }


def test_a_result_set_is_the_matches_or_the_vector_hits_within_the_filters(compiler: Compiler) -> None:
    query = parse("دمشق")
    assert compiler.result_set(query, Filters(), []) == compiler.compile(query, Filters(), scored=False)
    assert compiler.result_set(None, Filters(), []) == MATCH_NONE
    assert compiler.result_set(None, Filters(), ["a"]) == {"ids": {"values": ["a"]}}
    assert compiler.result_set(query, Filters(exclude_langs=("en",)), ["a", "b"]) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [_words("دمشق")["bool"]["should"][0], {"ids": {"values": ["a", "b"]}}],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "must_not": [{"terms": {"lang": ["en"]}}],
        }
    }


def test_proximity_pairs_follow_runs_of_wanted_words_of_one_field(compiler: Compiler) -> None:
    three = compiled(compiler, "وزير الخارجية السعودي")
    assert three["bool"]["should"] == _near("وزير", "الخارجيه") + _near("الخارجيه", "السعودي")
    assert compiled(compiler, "title:وزير title:الخارجية")["bool"]["should"] == _near(
        "وزير", "الخارجيه", fields=("title",)
    )
    for apart in ("title:وزير body:الخارجية", "وزير -التجارة الخارجية", 'وزير "الخارجية"'):
        assert compiled(compiler, apart) == compiler.clauses(parse(apart).clauses)  # no bonus around it


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
    assert compiled(compiler, "-رياضة") == {"bool": {"must": [MATCH_ALL], "must_not": [_words("رياضة", exact="رياضه")]}}


def test_or_group(compiler: Compiler) -> None:
    assert compiled(compiler, "+(دمشق OR حلب) معركة") == {
        "bool": {
            "must": [{"bool": {"should": [_words("دمشق"), _words("حلب")], "minimum_should_match": 1}}],
            "should": [_words("معركة", exact="معركه")],
        }
    }


def test_stop_words_constrain_nothing(compiler: Compiler) -> None:
    assert compiled(compiler, "+في سوريا") == {"bool": {"must": [_words("سوريا")], "should": _near("في", "سوريا")}}
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
