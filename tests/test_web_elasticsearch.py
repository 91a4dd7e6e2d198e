"""The web app over Elasticsearch: ``create_app`` opens the backend and the
saved-query store that the settings name, through the real client over a
recording node (tests/fake_es.py), so no server is needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from fake_es import URL, DocumentIndex, Request, Wire, existing_index, routes
from fastapi.testclient import TestClient

from search.backend import BackendError
from search.config import Settings
from web import create_app

pytestmark = pytest.mark.elasticsearch

ALIAS = "news"
NO_HITS = {"total": {"value": 0, "relation": "eq"}, "hits": []}
AGGREGATIONS = {  # by the aggregations a request asks for: statistics, facets
    "sources": {
        "sources": {"buckets": [{"key": "okaz", "doc_count": 3}]},
        "first": {"value": 1.4e12},
        "last": {"value": 1.5e12},
    },
    "source": {
        "source": {"buckets": []},
        "lang": {"buckets": []},
        "dates": {"buckets": []},
    },
}


class Cluster:
    """The articles behind ``ALIAS`` (scripted answers, every search body
    kept) and the saved-query index (kept by id)."""

    def __init__(self) -> None:
        self.saved = DocumentIndex(f"/{ALIAS}-saved-queries")
        self.searches: list[dict] = []
        self.articles = routes(
            existing_index(alias=ALIAS, index=f"{ALIAS}-v1")
            | {
                ("POST", f"/{ALIAS}/_search"): self.search,
                ("GET", f"/{ALIAS}/_count"): (200, {"count": 3}),
                ("POST", f"/{ALIAS}/_count"): (200, {"count": 3}),
                ("GET", f"/{ALIAS}/_stats/store"): (200, {"_all": {"primaries": {"store": {"size_in_bytes": 2048}}}}),
            }
        )

    def search(self, request: Request):
        self.searches.append(request.body)
        aggs = request.body.get("aggs")
        if aggs:
            return 200, {
                "hits": {**NO_HITS, "total": {"value": 3}},
                "aggregations": AGGREGATIONS["sources" if "sources" in aggs else "source"],
            }
        return 200, {"hits": NO_HITS}

    def __call__(self, request: Request):
        if request.path.startswith(self.saved.path):
            return self.saved(request)
        return self.articles(request)


def es_settings(tmp_path: Path) -> Settings:
    return Settings(backend="elasticsearch", es_url=URL, es_index=ALIAS, index=tmp_path / "no-embedded-index")


def test_the_app_searches_and_saves_on_the_configured_cluster(monkeypatch, tmp_path) -> None:
    cluster = Cluster()
    built = Wire(cluster).serve_settings(monkeypatch)
    with TestClient(create_app(es_settings(tmp_path))) as client:
        health = client.get("/api/v1/health").json()
        assert (health["backend"], health["index"], health["documents"]) == ("elasticsearch", f"{URL}/{ALIAS}", 3)

        created = client.post("/api/v1/saved-queries", json={"name": "oil", "q": "نفط source:okaz"})
        assert created.status_code == 201, created.text
        saved_id = created.json()["id"]
        assert cluster.saved.docs[saved_id][1]["q"] == "نفط source:okaz"  # stored on the cluster
        new_since = next(body for body in cluster.searches if "indexed_at" in str(body))["query"]["bool"]["filter"]
        assert {"terms": {"source": ["okaz"]}} in new_since

        renamed = client.put(f"/api/v1/saved-queries/{saved_id}", json={"name": "نفط"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "نفط"
        listed = client.get("/api/v1/saved-queries").json()["items"]
        assert [(item["id"], item["name"]) for item in listed] == [(saved_id, "نفط")]

        results = client.get("/api/v1/search", params={"q": "نفط"})
        assert results.status_code == 200 and results.json()["total"] == 3  # counted with the facets
        assert client.delete(f"/api/v1/saved-queries/{saved_id}").status_code == 200
        assert cluster.saved.docs == {}
    assert [options.url for options in built] == [URL, URL]  # the backend's client and the store's
    assert not (tmp_path / "no-embedded-index").exists()  # nothing embedded was opened


def test_an_unreachable_cluster_fails_at_startup_with_one_clear_error(monkeypatch, tmp_path) -> None:
    Wire(lambda request: TransportConnectionError("[Errno 111] Connection refused")).serve_settings(monkeypatch)
    with pytest.raises(BackendError, match=f"cannot connect to Elasticsearch at {URL}"):
        create_app(es_settings(tmp_path))
