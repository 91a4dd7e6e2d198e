"""Saved queries kept in their own index: the requests each operation sends,
and how the store treats what a node answers (versions, conflicts, old or
foreign documents)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fake_es import URL, DocumentIndex, Wire, error_body, routes

from search.backend import BackendError
from search.backends.elasticsearch.saved_queries import (
    CONFLICT_RETRIES,
    MAPPING,
    MAX_LISTED,
    ElasticsearchSavedQueries,
)
from search.models import Mode
from search.saved import SavedFilters, SavedQueryCreate, SavedQueryUpdate

pytestmark = pytest.mark.elasticsearch

INDEX = "/arshif-saved-queries"
WHEN = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def store_on(node: DocumentIndex) -> tuple[ElasticsearchSavedQueries, Wire]:
    wire = Wire(node)
    return ElasticsearchSavedQueries(wire.client(), URL), wire


def test_lifecycle_sends_what_the_protocol_promises() -> None:
    node = DocumentIndex(INDEX)
    store, wire = store_on(node)
    data = SavedQueryCreate(name=" نفط عكاظ ", q="نفط source:okaz", mode=Mode.bm25, filters=SavedFilters(lang=["ar"]))
    saved = store.create(data)
    assert saved.name == "نفط عكاظ" and saved.last_checked == saved.created
    (create_index,) = wire.find("PUT", INDEX)
    assert create_index.body["mappings"] == MAPPING
    put = wire.requests[-1]
    assert put.params == {"refresh": "wait_for", "op_type": "create"}
    assert put.body["q"] == "نفط source:okaz" and put.body["filters"]["lang"] == ["ar"] and "id" not in put.body
    assert store.get(saved.id) == saved

    renamed = store.update(saved.id, SavedQueryUpdate(name="oil", mode=None))
    assert (renamed.name, renamed.q, renamed.mode, renamed.filters) == ("oil", saved.q, None, saved.filters)
    assert renamed.created == saved.created
    assert wire.requests[-1].params == {"refresh": "wait_for", "if_seq_no": "1", "if_primary_term": "1"}
    assert store.get(saved.id) == renamed

    checked = store.mark_checked(saved.id, WHEN)
    assert checked.last_checked == WHEN and checked.name == "oil"
    assert store.get(saved.id).last_checked == WHEN

    assert store.delete(saved.id) is True
    assert store.get(saved.id) is None and store.delete(saved.id) is False
    assert store.update(saved.id, SavedQueryUpdate(name="x")) is None
    assert store.mark_checked(saved.id, WHEN) is None
    assert len(wire.find("PUT", INDEX)) == 1  # the index is created once


def test_a_write_in_between_is_kept_and_the_change_applied_on_top() -> None:
    node = DocumentIndex(INDEX)
    store, _ = store_on(node)
    saved = store.create(SavedQueryCreate(name="a", q="نفط"))
    other_writer_done = False

    def rename_first(doc_id: str) -> None:
        nonlocal other_writer_done
        if not other_writer_done:
            other_writer_done = True
            source = node.docs[doc_id][1]
            node.store(doc_id, {**source, "name": "renamed elsewhere"})

    node.before_put = rename_first
    checked = store.mark_checked(saved.id, WHEN)
    assert (checked.name, checked.last_checked) == ("renamed elsewhere", WHEN)
    assert store.get(saved.id) == checked


def test_endless_conflicts_are_one_clear_error() -> None:
    node = DocumentIndex(INDEX)
    store, wire = store_on(node)
    saved = store.create(SavedQueryCreate(name="a"))
    node.before_put = lambda doc_id: node.store(doc_id, node.docs[doc_id][1])
    with pytest.raises(BackendError, match=f"saved query {saved.id} .* kept changing .*{CONFLICT_RETRIES} tries"):
        store.update(saved.id, SavedQueryUpdate(q="x"))
    assert len([r for r in wire.requests if r.params.get("if_seq_no")]) == CONFLICT_RETRIES


def test_list_is_oldest_first_in_the_node_order() -> None:
    def hit(doc_id: str, created: str) -> dict:
        source = {"name": doc_id, "q": "x", "mode": None, "filters": {}, "created": created, "last_checked": created}
        return {"_id": doc_id, "_source": source}

    hits = [hit("old", "2025-01-01T00:00:00Z"), hit("new", "2025-01-02T00:00:00.000001Z")]
    answer = {"hits": {"total": {"value": 2, "relation": "eq"}, "hits": hits}}
    wire = Wire(routes({("HEAD", INDEX): (200, {}), ("POST", f"{INDEX}/_search"): (200, answer)}))
    listed = ElasticsearchSavedQueries(wire.client(), URL).list()
    assert [s.id for s in listed] == ["old", "new"] and listed[1].created.microsecond == 1
    assert wire.requests[-1].body == {
        "query": {"match_all": {}},
        "sort": [{"created": "asc"}],
        "size": MAX_LISTED,
        "track_total_hits": True,
    }


def test_more_than_one_listing_can_hold_is_said_not_truncated() -> None:
    answer = {"hits": {"total": {"value": MAX_LISTED + 5, "relation": "eq"}, "hits": []}}
    wire = Wire(routes({("HEAD", INDEX): (200, {}), ("POST", f"{INDEX}/_search"): (200, answer)}))
    with pytest.raises(BackendError, match="10,005 saved queries, more than the 10,000"):
        ElasticsearchSavedQueries(wire.client(), URL).list()


def test_a_document_not_in_our_format_names_itself() -> None:
    node = DocumentIndex(INDEX)
    old = {"name": "x", "q": "y", "filters": {"sources": ["okaz"]}, "created": "2025-01-01T00:00:00Z"}
    node.store("legacy", old)
    store, _ = store_on(node)
    with pytest.raises(BackendError, match=r"saved query legacy in http://es.test:9200/arshif-saved-queries .*field"):
        store.get("legacy")


def test_unreachable_store_is_one_line() -> None:
    wire = Wire(
        lambda request: (401, error_body("security_exception", "bad", 401)) if request.method != "HEAD" else (401, {})
    )
    with pytest.raises(BackendError, match="rejected our credentials"):
        ElasticsearchSavedQueries(wire.client(), URL).list()
