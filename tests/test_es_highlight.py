"""Elasticsearch's highlighted fragments turned into our snippet format."""

from __future__ import annotations

import pytest
from fake_es import Wire, existing_index, routes

from search.backends.elasticsearch.highlight import request, to_snippets
from search.backends.elasticsearch.store import ElasticsearchBackend
from search.highlight import ELLIPSIS
from search.models import Filters
from search.query import parse

pytestmark = pytest.mark.elasticsearch

BODY = "قال وزير الخارجية إن المدرسة <الجديدة> افتتحت. " + "كلام " * 80 + "وفي الختام زار الوزير المدرسة."


def test_fragments_are_placed_ordered_and_get_ellipses() -> None:
    first = "قال وزير الخارجية إن <mark>المدرسة</mark> &lt;الجديدة&gt; افتتحت."
    last = "وفي الختام زار الوزير <mark>المدرسة</mark>."
    snippets = to_snippets(BODY, [last, first, first], count=3)
    assert snippets == [first + ELLIPSIS, ELLIPSIS + last]


def test_no_fragment_gives_the_escaped_lead() -> None:
    (lead,) = to_snippets(BODY, [], count=3)
    assert lead.startswith("قال وزير") and "&lt;الجديدة&gt;" in lead and lead.endswith(ELLIPSIS)
    assert to_snippets("", [], 3) == []


def test_request_highlights_words_and_phrases_on_the_original_text() -> None:
    body = request({"match_all": {}}, ["a", "b"], 3)
    assert body["query"] == {"bool": {"should": [{"match_all": {}}], "filter": [{"ids": {"values": ["a", "b"]}}]}}
    options = body["highlight"]
    assert (options["encoder"], options["pre_tags"], options["post_tags"]) == ("html", ["<mark>"], ["</mark>"])
    assert set(options["fields"]) == {"body", "body.exact"}


def test_store_snippets_per_id() -> None:
    hits = [
        {"_id": "a", "_source": {"body": BODY}, "highlight": {"body": ["وفي الختام زار الوزير <mark>المدرسة</mark>."]}}
    ]
    answer = {"hits": {"total": {"value": 1}, "hits": hits}}
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_search"): (200, answer)}))
    store = ElasticsearchBackend(wire.client(), "http://es.test:9200")
    assert store.snippets(parse("مدرسة"), ["a"]) == {"a": [ELLIPSIS + "وفي الختام زار الوزير <mark>المدرسة</mark>."]}
    sent = wire.requests[-1].body
    assert sent["query"]["bool"]["should"] == [store.compiler.compile(parse("مدرسة"), Filters())]
