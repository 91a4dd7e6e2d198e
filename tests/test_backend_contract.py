"""Behaviour every backend owes the rest of arshif, run against each one:
the embedded index on ``tmp_path`` always, Elasticsearch when ARSHIF_ES_URL
points at a server (each test there uses its own alias and removes it).
Both are opened from settings, as the commands and the web app open them,
and so is each backend's saved-query store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from indexer.pipeline import IndexRun, RejectsFile
from search.backend import Backend
from search.backends import open_from_settings, open_saved_queries_from_settings
from search.config import Settings, load_settings
from search.engine import SearchService
from search.index_meta import IndexMeta
from search.models import Filters, Mode, SearchRequest
from search.query import parse
from search.saved import SavedFilters, SavedQueryCreate, SavedQueryStore, SavedQueryUpdate

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
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings naming one backend: an index on ``tmp_path``, or an alias of
    this test's own on the server."""
    if request.param == "embedded":
        return load_settings(backend="embedded", index=tmp_path / "index")
    return load_settings(backend="elasticsearch", es_index=f"arshif-test-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def backend(settings: Settings) -> Iterator[Backend]:
    store = open_from_settings(settings, IndexMeta(), create=True)
    try:
        yield store
    finally:
        if settings.backend == "elasticsearch":
            store.client.indices.delete(index=f"{settings.es_index}-*", expand_wildcards="all", ignore_unavailable=True)
        store.close()


@pytest.fixture
def saved(settings: Settings, backend: Backend) -> Iterator[SavedQueryStore]:
    """The saved-query store of ``backend``, opened as the web app opens it."""
    store = open_saved_queries_from_settings(settings)
    yield store
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


def test_the_spelling_as_typed_ranks_first(backend: Backend, tmp_path: Path) -> None:
    """Both articles hold the same stem once and are the same length: only
    the exact-spelling bonus tells them apart, in either direction."""
    records = [
        {"id": "with-al", "title": "زيارة", "body": "زار الوزير المدارس اليوم", "date": "2016-01-01"},
        {"id": "without-al", "title": "زيارة", "body": "زار الوزير مدارس اليوم", "date": "2016-01-01"},
    ]
    index(backend, tmp_path, records)
    assert ids(backend, "مدارس") == ["without-al", "with-al"]
    assert ids(backend, "المدارس") == ["with-al", "without-al"]


def test_query_words_near_each_other_rank_first(backend: Backend, tmp_path: Path) -> None:
    """The same words in both articles; only their nearness differs."""
    records = [
        {"id": "apart", "title": "خبر", "body": "وزير زار دمشق امس واليوم الخارجية", "date": "2016-01-01"},
        {"id": "near", "title": "خبر", "body": "وزير الخارجية زار دمشق امس واليوم", "date": "2016-01-01"},
    ]
    index(backend, tmp_path, records)
    assert ids(backend, "وزير الخارجية") == ["near", "apart"]
    assert ids(backend, "الخارجية وزير") == ["near", "apart"]  # a swap is within the slop


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


def test_a_result_set_is_the_text_matches_plus_the_vector_hits(backend: Backend, tmp_path: Path) -> None:
    """What hybrid and semantic searches count (their total, their facets)."""
    index(backend, tmp_path)
    query = parse("النفط")  # matches "oil" only
    assert backend.matching(query, Filters(), []) == backend.text_search(query, Filters(), 10).total == 1
    union = backend.facets(query, Filters(), ["school", "oil"])
    assert union.total == backend.matching(query, Filters(), ["school", "oil"]) == 2
    assert {v.value: v.count for v in union.source} == {"okaz": 2}
    within = backend.facets(query, Filters(sources=("spa",)), ["school", "schools"])
    assert within.total == 1 and [(v.value, v.count) for v in within.source] == [("spa", 1)]
    assert backend.facets(None, Filters(), ["schools"]).total == backend.matching(None, Filters(), []) + 1 == 1


def test_cluster_members_newest_first(backend: Backend, tmp_path: Path) -> None:
    """Clusters are assigned by the near-duplicate step, so the copies are
    written directly rather than read from a file."""
    index(backend, tmp_path)
    oil = backend.fetch(["oil"])[0]
    backend.upsert(
        [
            oil.model_copy(update={"id": f"oil-copy-{day}", "date": datetime(2016, 1, day), "cluster": "oil-story"})
            for day in (17, 20, 18)
        ]
    )
    backend.commit()
    ranked = backend.cluster("oil-story", 2)
    assert ranked.hits == [("oil-copy-20", 0.0), ("oil-copy-18", 0.0)] and ranked.total == 3
    assert backend.cluster("no-such-cluster", 5).total == 0


def test_deleted_articles_are_gone(backend: Backend, tmp_path: Path) -> None:
    index(backend, tmp_path)
    backend.delete(["oil", "not-there"])
    backend.commit()
    assert "oil" not in backend.ids() and backend.fetch(["oil"]) == []
    assert "oil" not in ids(backend, "النفط")


def test_saved_queries_keep_what_was_saved(saved: SavedQueryStore, settings: Settings) -> None:
    data = SavedQueryCreate(
        name=" نفط عكاظ ",
        q="النفط source:okaz",
        mode=Mode.bm25,
        filters=SavedFilters(source=["okaz"], lang=["ar"], date_from=datetime(2015, 1, 1, tzinfo=UTC)),
    )
    first = saved.create(data)
    assert (first.name, first.q, first.mode, first.filters) == ("نفط عكاظ", data.q, Mode.bm25, data.filters)
    assert first.last_checked == first.created and first.created.tzinfo is not None
    second = saved.create(SavedQueryCreate(name="schools", q="مدرسة"))
    assert second.id != first.id and second.mode is None and second.filters == SavedFilters()
    reopened = open_saved_queries_from_settings(settings)
    try:
        assert reopened.list() == [first, second]  # oldest first
        assert reopened.get(first.id) == first and reopened.get("no-such-id") is None
    finally:
        reopened.close()


def test_saved_queries_update_mark_and_delete(saved: SavedQueryStore) -> None:
    data = SavedQueryCreate(name="oil", q="النفط", mode=Mode.hybrid, filters=SavedFilters(lang=["ar"]))
    original = saved.create(data)
    requeried = saved.update(original.id, SavedQueryUpdate(q="نفط"))
    assert (requeried.name, requeried.q, requeried.mode) == ("oil", "نفط", Mode.hybrid)
    assert requeried.filters == original.filters
    cleared = saved.update(original.id, SavedQueryUpdate(mode=None, filters=SavedFilters(source=["spa"])))
    assert cleared.mode is None and cleared.filters == SavedFilters(source=["spa"]) and cleared.q == "نفط"
    assert saved.get(original.id) == cleared and cleared.created == original.created
    when = datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    checked = saved.mark_checked(original.id, when)
    assert checked.last_checked == when and checked.q == "نفط"
    assert saved.get(original.id) == checked
    assert saved.update("no-such-id", SavedQueryUpdate(name="x")) is None
    assert saved.mark_checked("no-such-id", when) is None
    assert saved.delete(original.id) is True and saved.delete(original.id) is False
    assert saved.get(original.id) is None and saved.list() == []
