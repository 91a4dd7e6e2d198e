"""Behaviour every backend owes the rest of arshif, run against each one:
the embedded index on ``tmp_path`` always, Elasticsearch when ARSHIF_ES_URL
points at a server (each test there uses its own alias and removes it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from indexer.pipeline import IndexRun, RejectsFile
from search.backend import Backend
from search.backends import open_embedded, open_from_settings
from search.config import load_settings
from search.engine import SearchService
from search.index_meta import IndexMeta
from search.models import Filters, SearchRequest

ES_URL = os.environ.get("ARSHIF_ES_URL")

ARTICLES = [
    {
        "id": "school",
        "title": "افتتاح مدرسة جديدة",
        "body": "افتتحت وزارة التربية مدرسة جديدة في حلب.",
        "source": "okaz",
        "date": "2015-07-01",
    },
    {
        "id": "schools",
        "title": "المدارس تستقبل الطلاب",
        "body": "استقبلت المدارس الطلاب في دمشق مع بداية العام.",
        "source": "spa",
        "date": "2015-09-01",
    },
    {
        "id": "oil",
        "title": "أسعار النفط",
        "body": "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك.",
        "source": "okaz",
        "date": "2016-01-15",
    },
    {
        "id": "phrase-apart",
        "title": "تقرير",
        "body": "وزير التجارة زار الخارجية أمس.",
        "source": "spa",
        "date": "2016-02-01",
    },
    {
        "id": "phrase",
        "title": "بيان",
        "body": "قال وزير الخارجية إن المحادثات مستمرة.",
        "source": "spa",
        "date": "2016-03-01",
    },
    {
        "id": "english",
        "title": "Oil prices",
        "body": "Oil prices rose sharply in Asian markets.",
        "source": "reuters",
        "lang": "en",
        "date": "2016-01-16",
    },
]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


@pytest.fixture(
    params=[
        "embedded",
        pytest.param(
            "elasticsearch",
            marks=[
                pytest.mark.elasticsearch,
                pytest.mark.skipif(not ES_URL, reason="set ARSHIF_ES_URL to run against an Elasticsearch server"),
            ],
        ),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "embedded":
        store = open_embedded(tmp_path / "index", IndexMeta(), create=True)
        yield store
        store.close()
        return
    alias = f"arshif-test-{uuid.uuid4().hex[:10]}"
    store = open_from_settings(load_settings(backend="elasticsearch", es_index=alias), IndexMeta(), create=True)
    try:
        yield store
    finally:
        store.client.indices.delete(index=f"{alias}-*", expand_wildcards="all", ignore_unavailable=True)
        store.close()


def index(backend: Backend, tmp_path: Path, records: list[dict] = ARTICLES, name: str = "news.jsonl"):
    run = IndexRun(backend, RejectsFile(tmp_path / "rejects.jsonl"))
    return run.run([_write(tmp_path / name, records)])


def ids(backend: Backend, query: str, **request) -> list[str]:
    service = SearchService(backend, backend.analyzer)
    return [hit.id for hit in service.search(SearchRequest(query=query, limit=20, **request)).hits]


def test_indexing_then_searching(backend: Backend, tmp_path: Path) -> None:
    summary = index(backend, tmp_path)
    assert (summary.indexed, summary.rejected) == (len(ARTICLES), 0)
    assert backend.count() == len(ARTICLES)
    assert ids(backend, "النفط")[0] == "oil"
    assert set(ids(backend, "مدرسه")) == {"school"}  # ة/ه folded on both sides
    assert set(ids(backend, "المدارس")) == {"schools"}
    assert ids(backend, "prices") == ["english"]


def test_reindexing_the_same_input_changes_nothing(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    again = index(backend, tmp_path)
    assert (again.indexed, again.updated, again.unchanged) == (0, 0, len(ARTICLES))
    edited = [dict(ARTICLES[0], body="افتتحت الوزارة مدرسة ثانية في حلب.")] + ARTICLES[1:]
    third = index(backend, tmp_path, edited, "edited.jsonl")
    assert (third.updated, third.unchanged) == (1, len(ARTICLES) - 1)
    assert backend.count() == len(ARTICLES)
    assert backend.fetch(["school"])[0].body.startswith("افتتحت الوزارة")


def test_filters(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    assert set(ids(backend, "source:okaz")) == {"school", "oil"}
    assert set(ids(backend, "-source:spa lang:ar")) == {"school", "oil"}
    assert set(ids(backend, "date:2015")) == {"school", "schools"}
    assert set(ids(backend, "النفط", filters=Filters(langs=("en",)))) == set()
    assert set(ids(backend, "", filters=Filters(exclude_langs=("ar",)))) == {"english"}


def test_phrases_must_and_must_not(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    assert ids(backend, '"وزير الخارجية"') == ["phrase"]
    assert set(ids(backend, "وزير")) == {"phrase", "phrase-apart"}
    assert set(ids(backend, "وزير -التجارة")) == {"phrase"}
    assert set(ids(backend, "+أسعار +النفط")) == {"oil"}
    assert ids(backend, "في") == []  # only a stop word: nothing to find


def test_browsing_is_newest_first(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    assert ids(backend, "")[:2] == ["phrase", "phrase-apart"]


def test_snippets_mark_the_original_spelling(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    service = SearchService(backend, backend.analyzer)
    (hit,) = service.search(SearchRequest(query="مدرسه", limit=5)).hits
    assert "<mark>مدرسة</mark>" in hit.snippets[0]


def test_facets_and_stats(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    service = SearchService(backend, backend.analyzer)
    facets = service.search(SearchRequest(query="", facets=True)).facets
    assert {v.value: v.count for v in facets.source} == {"okaz": 2, "spa": 3, "reuters": 1}
    assert {v.value: v.count for v in facets.lang} == {"ar": 5, "en": 1}
    assert facets.date_histogram[0].value == "2015-07-01"
    stats = backend.stats()
    assert stats.documents == len(ARTICLES) and stats.sources["spa"] == 3
    assert stats.date_min.date().isoformat() == "2015-07-01"


def test_deleted_articles_are_gone(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    backend.delete(["oil", "not-there"])
    backend.commit()
    assert "oil" not in backend.ids() and backend.fetch(["oil"]) == []
    assert "oil" not in ids(backend, "النفط")


def test_saved_queries(backend: Backend) -> None:
    if not hasattr(backend, "saved_queries"):
        pytest.skip(f"the {backend.name} backend keeps saved queries elsewhere (web issue's SQLite store)")
    store = backend.saved_queries()
    saved = store.create("oil", "النفط source:okaz")
    assert [s.id for s in store.list()] == [saved.id]
    assert store.update(saved.id, q="نفط").q == "نفط"
    assert store.delete(saved.id) and store.get(saved.id) is None
