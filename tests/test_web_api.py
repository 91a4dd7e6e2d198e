"""The JSON API through FastAPI's TestClient over a real tantivy index."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from fastapi.testclient import TestClient
from web_support import CLUSTER, XSS_URL, build_index, settings_for

from web import create_app

ARABIC = "البوكمال"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def client(index):
    with TestClient(create_app(settings_for(index))) as client:
        yield client


def assert_error(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and isinstance(body["error"], str)
    for word in words:
        assert word in body["error"], body["error"]
    return body


def test_search_returns_the_documented_shape_with_marked_snippets(client):
    body = client.get("/api/v1/search", params={"q": ARABIC}).json()
    assert set(body) >= {"query", "mode", "total", "took_ms", "page", "size", "hits", "facets"}
    assert body["query"] == ARABIC and body["mode"] == "bm25" and body["page"] == 1 and body["size"] == 10
    assert body["total"] == len(body["hits"]) == 6
    hit = body["hits"][0]
    assert set(hit) >= {"id", "title", "date", "source", "url", "score", "snippets", "cluster"}
    assert all("<mark>" in s for h in body["hits"] for s in h["snippets"][:1])
    assert set(body["facets"]) == {"source", "lang", "date_histogram"}
    assert {f["value"] for f in body["facets"]["source"]} >= {"okaz", "samples"}
    assert all(set(b) == {"date", "count"} for b in body["facets"]["date_histogram"])
    dated = sum(1 for h in body["hits"] if h["date"])  # sample 000 has no date line
    assert sum(b["count"] for b in body["facets"]["date_histogram"]) == dated == 5


def test_snippets_escape_everything_but_mark(client):
    hits = client.get("/api/v1/search", params={"q": ARABIC}).json()["hits"]
    xss = next(h for h in hits if h["id"] == "gen-xss")
    for snippet in xss["snippets"]:
        assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
        assert "&lt;img" in snippet or "&lt;script" in snippet


def test_cluster_has_id_and_size(client):
    hits = client.get("/api/v1/search", params={"q": ARABIC}).json()["hits"]
    clustered = [h for h in hits if h["cluster"]]
    assert {h["id"] for h in clustered} == {"dup-0", "dup-1", "dup-2"}
    assert all(h["cluster"] == {"id": CLUSTER, "size": 3} for h in clustered)
    assert all(h["cluster"] is None for h in hits if not h["id"].startswith("dup-"))


def test_filters_by_source_lang_and_inclusive_dates(client):
    okaz = client.get("/api/v1/search", params={"q": ARABIC, "source": "okaz"}).json()
    assert {h["source"] for h in okaz["hits"]} == {"okaz"} and okaz["total"] == 2
    both = client.get("/api/v1/search", params=[("source", "okaz"), ("source", "aawsat")]).json()
    assert {h["source"] for h in both["hits"]} == {"okaz", "aawsat"}
    english = client.get("/api/v1/search", params={"lang": "en"}).json()
    assert [h["id"] for h in english["hits"]] == ["gen-en-1"]
    day = client.get("/api/v1/search", params={"date_from": "2015-08-20", "date_to": "2015-08-20"}).json()
    assert {h["id"] for h in day["hits"]} == {"dup-0"}
    assert all(h["date"].startswith("2015-08-2") for h in day["hits"])


def test_pages_do_not_overlap(client):
    first = client.get("/api/v1/search", params={"size": 5, "page": 1}).json()
    second = client.get("/api/v1/search", params={"size": 5, "page": 2}).json()
    assert first["total"] == second["total"] > 10
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert second["page"] == 2 and len(second["hits"]) == 5


def test_mode_is_passed_through_and_checked(client):
    assert client.get("/api/v1/search", params={"q": ARABIC, "mode": "bm25"}).json()["mode"] == "bm25"
    assert_error(client.get("/api/v1/search", params={"q": ARABIC, "mode": "semantic"}), 400, "'mode'", "embedder")
    assert_error(client.get("/api/v1/search", params={"mode": "fuzzy"}), 422, "'mode'")


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"q": "ب" * 1001}, 422, "'q'"),
        ({"size": 0}, 422, "'size'"),
        ({"size": 101}, 422, "'size'"),
        ({"page": 0}, 422, "'page'"),
        ({"page": 101, "size": 100}, 400, "'page'"),
        ({"page": 10_001}, 422, "'page'"),
        ({"date_from": "2015-13-01"}, 422, "'date_from'"),
        ({"date_to": "yesterday"}, 422, "'date_to'"),
        ({"date_from": "2015-08-02", "date_to": "2015-08-01"}, 400, "'date_from'"),
        ({"date_from": "0001-01-01"}, 400, "'date_from'"),
        ({"explain": "maybe"}, 422, "'explain'"),
    ],
)
def test_validation_names_the_parameter(client, params, status, names):
    assert_error(client.get("/api/v1/search", params=params), status, names)


def test_page_times_size_at_the_cap_is_allowed(client):
    assert client.get("/api/v1/search", params={"page": 100, "size": 100}).status_code == 200
    assert client.get("/api/v1/search", params={"q": "ب" * 1000}).status_code == 200


@pytest.mark.parametrize(("query", "position"), [("(oil", 0), ('"open phrase', 0), ("oil )", 4)])
def test_query_syntax_errors_are_400_with_position(client, query, position):
    assert_error(client.get("/api/v1/search", params={"q": query}), 400, "'q'", f"position {position}")


def test_document_returns_whole_article_with_cluster_members(client):
    doc = client.get("/api/v1/documents/dup-1").json()
    assert doc["id"] == "dup-1" and doc["body"].startswith("وأضاف") and doc["lang"] == "ar"
    assert doc["cluster"]["id"] == CLUSTER and doc["cluster"]["size"] == 3
    assert {m["id"] for m in doc["cluster"]["members"]} == {"dup-0", "dup-2"}
    assert doc["highlighted"] is None
    marked = client.get("/api/v1/documents/dup-1", params={"q": ARABIC}).json()["highlighted"]
    assert marked.count("<mark>") >= 2


def test_document_keeps_hostile_fields_as_data(client):
    doc = client.get("/api/v1/documents/gen-xss").json()
    assert doc["url"] == XSS_URL and doc["cluster"] is None


def test_unknown_document_is_404_in_the_error_shape(client):
    assert_error(client.get("/api/v1/documents/nope"), 404, "nope")


def test_health_reports_index_and_count(client, index):
    body = client.get("/api/v1/health").json()
    assert body == {
        "ok": True,
        "backend": "embedded",
        "index": str(index),
        "documents": 37,
        "embedder": None,
        "writes_need_token": False,
    }


def test_csv_export_streams_every_hit_with_metadata(client):
    total = client.get("/api/v1/search", params={"q": ARABIC}).json()["total"]
    response = client.get("/api/v1/search.csv", params={"q": ARABIC})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, total + 1)]
    assert {r["source"] for r in rows} >= {"okaz", "samples"}


def test_export_defuses_spreadsheet_formulas(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/search.csv", params={"q": "Oil"}).text)))
    assert rows and all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_jsonl_export_matches_search_order_and_limit(client):
    page = client.get("/api/v1/search", params={"size": 20}).json()
    lines = client.get("/api/v1/search.jsonl", params={"limit": 20}).text.splitlines()
    records = [orjson.loads(line) for line in lines]
    assert [r["id"] for r in records] == [h["id"] for h in page["hits"]]
    assert set(records[0]) == {"rank", "id", "title", "date", "source", "url", "lang", "score", "cluster"}
    everything = client.get("/api/v1/search.jsonl").text.splitlines()
    assert len(everything) == page["total"]


def test_export_validates_like_search(client):
    assert_error(client.get("/api/v1/search.csv", params={"limit": 10_001}), 422, "'limit'")
    assert_error(client.get("/api/v1/search.jsonl", params={"q": "(x"}), 400, "position 0")


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/v1/search",
        "/api/v1/search.csv",
        "/api/v1/search.jsonl",
        "/api/v1/documents/{doc_id}",
        "/api/v1/saved-queries",
        "/api/v1/saved-queries/{query_id}",
        "/api/v1/saved-queries/{query_id}/results",
        "/api/v1/health",
        "/saved-queries/{query_id}/feed.atom",
    }
    assert client.get("/docs").status_code == 200


def test_unknown_api_path_and_method_use_the_error_shape(client):
    assert_error(client.get("/api/v1/nothing"), 404)
    assert_error(client.post("/api/v1/search"), 405)
