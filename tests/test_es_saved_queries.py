"""Saved queries kept in their own index: the requests each operation sends."""

from __future__ import annotations

import pytest
from fake_es import URL, Request, Wire, error_body, routes

from search.backend import BackendError
from search.backends.elasticsearch.saved_queries import MAPPING, ElasticsearchSavedQueries
from search.models import Filters, Mode

pytestmark = pytest.mark.elasticsearch

INDEX = "/arshif-saved-queries"


def stored_by(wire_docs: dict[str, dict]):
    """Routes that keep what was indexed, so a get returns what a put sent."""

    def put(request: Request):
        wire_docs[request.path.rsplit("/", 1)[1]] = request.body
        return 201, {"result": "created"}

    def get(request: Request):
        doc_id = request.path.rsplit("/", 1)[1]
        if doc_id not in wire_docs:
            return 404, {"_id": doc_id, "found": False}
        return 200, {"_id": doc_id, "found": True, "_source": wire_docs[doc_id]}

    return put, get


def test_lifecycle() -> None:
    docs: dict[str, dict] = {}
    put, get = stored_by(docs)
    table = {("HEAD", INDEX): (404, {}), ("PUT", INDEX): (200, {"acknowledged": True})}

    def route(request: Request):
        if request.path.startswith(f"{INDEX}/_doc/"):
            if request.method == "PUT":
                return put(request)
            if request.method == "GET":
                return get(request)
            if request.method == "DELETE":
                return (
                    (200, {"result": "deleted"})
                    if docs.pop(request.path.rsplit("/", 1)[1], None)
                    else (404, {"result": "not_found"})
                )
        return routes(table)(request)

    wire = Wire(route)
    store = ElasticsearchSavedQueries(wire.client(), URL)
    saved = store.create("نفط عكاظ", "نفط source:okaz", Mode.bm25, Filters(langs=("ar",)))
    (create_index,) = wire.find("PUT", INDEX)
    assert create_index.body["mappings"] == MAPPING
    put_request = wire.requests[-1]
    assert put_request.params == {"refresh": "wait_for"}
    assert put_request.body["q"] == "نفط source:okaz" and "id" not in put_request.body
    assert store.get(saved.id) == saved
    renamed = store.update(saved.id, name="oil")
    assert renamed.name == "oil" and renamed.created == saved.created and renamed.updated >= saved.updated
    checked = store.mark_checked(saved.id)
    assert checked.last_checked is not None and store.get(saved.id).last_checked == checked.last_checked
    assert store.delete(saved.id) is True
    assert store.get(saved.id) is None and store.delete(saved.id) is False
    with pytest.raises(BackendError, match=f"no saved query {saved.id}"):
        store.update(saved.id, name="x")
    with pytest.raises(ValueError, match="created"):
        store.update(saved.id, created="now")


def test_list_is_newest_first() -> None:
    hits = [
        {
            "_id": "b",
            "_source": {"name": "b", "q": "x", "created": "2025-01-02T00:00:00Z", "updated": "2025-01-02T00:00:00Z"},
        }
    ]
    table = {("HEAD", INDEX): (200, {}), ("POST", f"{INDEX}/_search"): (200, {"hits": {"hits": hits}})}
    wire = Wire(routes(table))
    assert [s.id for s in ElasticsearchSavedQueries(wire.client(), URL).list()] == ["b"]
    assert wire.requests[-1].body == {"query": {"match_all": {}}, "sort": [{"created": "desc"}], "size": 1000}


def test_unreachable_store_is_one_line() -> None:
    wire = Wire(
        lambda request: (401, error_body("security_exception", "bad", 401)) if request.method != "HEAD" else (401, {})
    )
    with pytest.raises(BackendError, match="rejected our credentials"):
        ElasticsearchSavedQueries(wire.client(), URL).list()
