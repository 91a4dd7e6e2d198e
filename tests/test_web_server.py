"""The API through a real uvicorn server on a loopback port: what TestClient
cannot show (sockets, threads, streaming, seeing another process's commits)."""

from __future__ import annotations

import time

import httpx
import pytest
from web_support import build_index, generated, index_records, running_server, settings_for

from web import create_app


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-server")
    index = build_index(root)
    with running_server(create_app(settings_for(index))) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, index, root


def test_health_and_search_over_http(server):
    client, _, _ = server
    health = client.get("/api/v1/health").json()
    assert health["ok"] is True and health["documents"] == 37
    body = client.get("/api/v1/search", params={"q": "البوكمال", "size": 3}).json()
    assert body["total"] == 6 and len(body["hits"]) == 3
    assert client.get("/api/v1/search", params={"q": "(x"}).json() == {
        "ok": False,
        "error": "query parameter 'q': unbalanced '(' at position 0",
        "status": 400,
    }


def test_concurrent_requests_agree(server):
    client, _, _ = server
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> list[str]:
        response = client.get("/api/v1/search", params={"q": "أسعار النفط", "page": 1 + i % 2, "size": 3})
        assert response.status_code == 200
        return [h["id"] for h in response.json()["hits"]]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(32)))
    assert all(r == results[0] for r in results[0::2]) and all(r == results[1] for r in results[1::2])
    assert results[0] != results[1]


def test_streamed_export_over_http(server):
    client, _, _ = server
    with client.stream("GET", "/api/v1/search.jsonl") as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = [line for line in response.iter_lines() if line]
    assert len(lines) == client.get("/api/v1/search").json()["total"]


def test_saved_query_sees_articles_indexed_by_another_writer(server):
    client, index, root = server
    time.sleep(1.1)  # "new" starts at the second of the check: leave the fixture's second
    saved = client.post("/api/v1/saved-queries", json={"name": "نفط", "q": "النفط"}).json()
    assert (
        client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()["results"]["total"]
        == 0
    )
    time.sleep(1.1)  # second precision of indexed_at
    index_records(index, generated(count=5, prefix="http"), root / "more")  # its own backend, like 'arshif index'
    time.sleep(1.1)  # the server looks for new commits at most once a second; also leaves indexing's second
    fresh = client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()
    assert {h["id"] for h in fresh["results"]["hits"]} == {"http-002"}
    assert (
        client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()["results"]["total"]
        == 0
    )
    assert client.delete(f"/api/v1/saved-queries/{saved['id']}").status_code == 200
