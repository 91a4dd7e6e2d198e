"""Against a real Elasticsearch (ARSHIF_ES_URL): the analyzers produce our
terms, vectors are searchable, reindex swaps the alias, the CLI works end to
end. Each test uses its own alias and removes what it created."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

from cli.main import app
from search.analysis import Analyzer
from search.backends import open_from_settings
from search.backends.elasticsearch.store import ElasticsearchBackend
from search.config import load_settings
from search.index_meta import IndexMeta
from search.models import Article, Filters
from search.query import parse as parse_query

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ARSHIF_ES_URL"), reason="set ARSHIF_ES_URL to run against an Elasticsearch server"
    ),
]


@pytest.fixture
def alias() -> str:
    return f"arshif-test-{uuid.uuid4().hex[:10]}"


def _open(alias: str, meta: IndexMeta | None = None) -> ElasticsearchBackend:
    return open_from_settings(load_settings(backend="elasticsearch", es_index=alias), meta or IndexMeta(), create=True)


@pytest.fixture
def store(alias: str) -> Iterator[ElasticsearchBackend]:
    backend = _open(alias, IndexMeta(embedder="test", dimension=3))
    yield backend
    backend.client.indices.delete(index=f"{alias}-*", expand_wildcards="all", ignore_unavailable=True)
    backend.close()


def _tokens(store: ElasticsearchBackend, analyzer: str, text: str) -> list[str]:
    result = store.client.indices.analyze(index=store.alias, analyzer=analyzer, text=text)
    return [token["token"] for token in result["tokens"]]


def test_server_analysis_equals_ours_on_the_samples(store: ElasticsearchBackend, samples: Path) -> None:
    ours = Analyzer(store.meta.analysis)
    for path in sorted(samples.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert _tokens(store, "arshif_text", line) == ours.terms(line), f"{path.name}: {line}"
                assert _tokens(store, "arshif_exact", line) == ours.exact_terms(line), f"{path.name}: {line}"


def test_vectors_rank_by_best_passage_with_filters(store: ElasticsearchBackend) -> None:
    articles = [Article(id=f"a{i}", body="نص", source="okaz" if i else "spa") for i in range(3)]
    vectors = [np.array([[1, 0, 0], [0, 1, 0]]), np.array([[0, 0, 1]]), np.array([[0.6, 0.8, 0]])]
    assert store.upsert(articles, vectors) == []
    store.commit()
    ranked = store.vector_search(np.array([0.0, 1.0, 0.0]), Filters(), 3)
    assert [doc for doc, _ in ranked.hits][:2] == ["a0", "a2"]
    assert ranked.hits[0][1] == pytest.approx(1.0, abs=0.02)
    only_okaz = store.vector_search(np.array([0.0, 1.0, 0.0]), Filters(sources=("okaz",)), 3)
    assert only_okaz.hits[0][0] == "a2"


def test_reindex_swaps_the_alias_and_keeps_everything(store: ElasticsearchBackend) -> None:
    store.upsert([Article(id="x", body="أسعار النفط", content_hash="h")], [np.array([1.0, 0, 0])])
    store.commit()
    before = store.physical()
    after = store.reindex(poll_seconds=0.2)
    assert before != after == store.physical()
    assert store.count() == 1 and store.fetch(["x"])[0].body == "أسعار النفط"
    assert not store.client.indices.exists(index=before)


def test_cli_index_search_stats(alias: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARSHIF_ES_INDEX", alias)
    monkeypatch.setenv("ARSHIF_INDEX", str(tmp_path / "state"))
    source = tmp_path / "news.jsonl"
    source.write_bytes(orjson.dumps({"id": "1", "title": "النفط", "body": "ارتفعت أسعار النفط"}) + b"\n")
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["index", str(source), "--backend", "elasticsearch", "-q"]).exit_code == 0
        found = runner.invoke(app, ["search", "نفط", "--backend", "elasticsearch", "--json"])
        assert found.exit_code == 0 and orjson.loads(found.stdout)["hits"][0]["id"] == "1"
        assert runner.invoke(app, ["reindex", "--backend", "elasticsearch"]).exit_code == 0
        stats = runner.invoke(app, ["stats", "--backend", "elasticsearch", "--json"])
        assert stats.exit_code == 0 and orjson.loads(stats.stdout)["documents"] == 1
    finally:
        _open(alias).client.indices.delete(index=f"{alias}-*", expand_wildcards="all", ignore_unavailable=True)


def test_server_highlighting_marks_the_original_spelling(store: ElasticsearchBackend) -> None:
    store.upsert([Article(id="s", body="افتتحت الوزارة مدرسةً جديدة في حلب. " * 3, content_hash="h")])
    store.commit()
    (snippet, *_) = store.snippets(parse_query("مدرسه"), ["s"])["s"]
    assert "<mark>مدرسةً</mark>" in snippet
