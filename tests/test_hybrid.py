"""Hybrid search end to end: a real tantivy index with real USE-m3 vectors
on ``tmp_path``, searched through ``SearchService`` in every mode."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from search.backends import open_embedded
from search.embed import DEFAULT_EMBEDDER, EmbedderError, embed_articles, load_embedder
from search.engine import NO_VECTORS, SearchService
from search.fusion import FusionConfig
from search.index_meta import IndexMeta
from search.models import Article, Filters, Mode, SearchRequest
from search.passages import PassageConfig
from search.query import parse

ARTICLES = [
    Article(
        id="oil-down",
        title="انخفاض أسعار النفط",
        body="تراجعت أسعار النفط الخام في الأسواق العالمية اليوم بسبب زيادة المخزونات الأمريكية وضعف الطلب.",
        source="Okaz",
        date=datetime(2015, 7, 21),
    ),
    Article(
        id="football",
        title="الهلال يفوز على النصر",
        body="فاز فريق الهلال على منافسه النصر بهدفين مقابل هدف في مباراة الدوري السعودي لكرة القدم.",
        source="Sabq",
        date=datetime(2015, 7, 22),
    ),
    Article(
        id="rain",
        title="أمطار غزيرة في جدة",
        body="هطلت أمطار غزيرة على مدينة جدة وتسببت في إغلاق عدد من الطرق وتعطيل الدراسة.",
        source="Okaz",
        date=datetime(2015, 7, 23),
    ),
    Article(
        id="vaccine",
        title="وزارة الصحة تطلق حملة للتطعيم",
        body="أطلقت وزارة الصحة حملة وطنية لتطعيم الأطفال ضد شلل الأطفال والحصبة في جميع المناطق.",
        source="Al-Riyadh",
        date=datetime(2015, 7, 24),
    ),
    Article(
        id="oil-up",
        title="النفط يرتفع بعد قرار أوبك",
        body="ارتفعت أسعار النفط بعد قرار منظمة أوبك خفض الإنتاج في اجتماعها الأخير.",
        source="Al-Riyadh",
        date=datetime(2015, 8, 1),
    ),
]


@pytest.fixture(scope="module")
def usem3():
    return load_embedder(DEFAULT_EMBEDDER)


@pytest.fixture
def service(tmp_path: Path, usem3) -> SearchService:
    passages = PassageConfig()
    meta = IndexMeta(embedder=usem3.name, dimension=usem3.dimension, passages=passages)
    backend = open_embedded(tmp_path / "idx", meta, create=True)
    backend.upsert(ARTICLES, embed_articles(usem3, ARTICLES, passages))
    backend.commit()
    # every vector hit is a result here; the tests of the similarity floor set it
    return SearchService(backend, backend.analyzer, embedder=usem3, fusion=FusionConfig(min_similarity=-1.0))


def ids(response) -> list[str]:
    return [hit.id for hit in response.hits]


def test_hybrid_is_the_default_and_an_english_query_finds_arabic(service: SearchService) -> None:
    response = service.search(SearchRequest(query="Oil prices fell because of weak demand"))
    assert response.mode is Mode.hybrid and not response.warnings
    assert ids(response)[0] == "oil-down"
    assert service.search(SearchRequest(query="Oil prices fell", mode=Mode.bm25)).hits == []


def test_a_paraphrase_is_found_semantically(service: SearchService, usem3) -> None:
    query = SearchRequest(query="المنتخب يحقق انتصارا في الملعب", mode=Mode.semantic)
    everything = service.search(query)
    assert ids(everything)[0] == "football" and everything.total == len(ARTICLES)
    service.fusion = FusionConfig()  # the embedder's measured floor: unrelated articles are not results
    assert usem3.similarity_floor > -1
    floored = service.search(query)
    assert ids(floored) == ["football"] and floored.total == 1


def test_total_and_facets_count_bm25_matches_and_the_vector_list(service: SearchService, usem3) -> None:
    """Elasticsearch's query + kNN semantics: the result set is BM25's matches
    plus the ``depth`` nearest articles; the total and every facet count it,
    and it is the same on every page within that depth."""
    service.fusion = FusionConfig(depth=2, min_similarity=-1.0)
    backend = service.backend
    matches = {doc_id for doc_id, _ in backend.text_search(parse("أوبك"), Filters(), 10).hits}
    nearest = {doc_id for doc_id, _ in backend.vector_search(usem3.encode_queries(["أوبك"])[0], Filters(), 2).hits}
    assert nearest - matches  # the vectors add an article BM25 does not match
    expected = len(matches | nearest)
    for offset in (0, 1):
        request = SearchRequest(query="أوبك", mode=Mode.hybrid, limit=1, offset=offset, facets=True)
        response = service.search(request)
        assert response.total == response.facets.total == expected
        assert sum(f.count for f in response.facets.source) == expected
        assert sum(f.count for f in response.facets.date_histogram) == expected
        assert service.search(request.model_copy(update={"facets": False})).total == expected
    semantic = SearchRequest(query="Oil prices fell", mode=Mode.semantic, limit=2, facets=True)
    response = service.search(semantic)
    assert response.total == response.facets.total == sum(f.count for f in response.facets.lang) == 2
    assert service.search(semantic.model_copy(update={"facets": False})).total == 2
    assert service.search(semantic.model_copy(update={"limit": 3})).total == 3  # the page reaches deeper: k grows


def test_vector_hits_below_the_similarity_floor_are_not_results(service: SearchService, usem3) -> None:
    vector = usem3.encode_queries(["Oil prices fell"])[0]
    ranked = service.backend.vector_search(vector, Filters(), 5).hits
    # the second nearest is just similar enough
    service.fusion = FusionConfig(min_similarity=ranked[1][1], similarity_margin=None)
    semantic = service.search(SearchRequest(query="Oil prices fell", mode=Mode.semantic, facets=True))
    assert ids(semantic) == [doc_id for doc_id, _ in ranked[:2]] and semantic.total == semantic.facets.total == 2
    service.fusion = FusionConfig(min_similarity=1.0, similarity_margin=None)
    assert service.search(SearchRequest(query="Oil prices fell", mode=Mode.semantic)).hits == []
    hybrid = service.search(SearchRequest(query="أوبك", mode=Mode.hybrid, facets=True))
    assert ids(hybrid) == ["oil-up"] and hybrid.total == 1  # BM25's match alone


def test_a_query_nothing_resembles_much_keeps_its_best_vector_hits(service: SearchService, usem3) -> None:
    """Short queries have low cosines everywhere: the margin keeps the hits
    close to the best one, however far below the floor they are."""
    vector = usem3.encode_queries(["rain"])[0]
    ranked = service.backend.vector_search(vector, Filters(), 5).hits
    best = ranked[0][1]
    margin = (best - ranked[1][1] + best - ranked[2][1]) / 2  # between the second's and the third's distance
    service.fusion = FusionConfig(min_similarity=best + 0.01, similarity_margin=margin)
    semantic = service.search(SearchRequest(query="rain", mode=Mode.semantic, facets=True))
    assert ids(semantic) == [doc_id for doc_id, _ in ranked[:2]] and semantic.total == semantic.facets.total == 2


def test_filters_apply_to_both_lists(service: SearchService) -> None:
    for mode in (Mode.semantic, Mode.hybrid):
        response = service.search(
            SearchRequest(query="أسعار النفط", mode=mode, filters=Filters(sources=("Al-Riyadh",)), explain=True)
        )
        assert set(ids(response)) == {"oil-up", "vaccine"}
        assert response.hits[0].id == "oil-up"
    dated = service.search(
        SearchRequest(query="oil", mode=Mode.semantic, filters=Filters(date_from=datetime(2015, 7, 23)))
    )
    assert set(ids(dated)) == {"rain", "vaccine", "oil-up"}
    in_query = service.search(SearchRequest(query="oil source:Okaz", mode=Mode.hybrid))
    assert set(ids(in_query)) == {"oil-down", "rain"}


def test_explain_shows_both_ranks_and_the_fused_score(service: SearchService) -> None:
    fusion = FusionConfig()
    response = service.search(SearchRequest(query="أسعار النفط", mode=Mode.hybrid, explain=True))
    both = [hit for hit in response.hits if hit.explain.bm25_rank and hit.explain.vector_rank]
    assert both, "the oil articles match both lists"
    for hit in response.hits:
        e = hit.explain
        expected = sum(
            weight / (fusion.k + rank)
            for rank, weight in ((e.bm25_rank, fusion.bm25_weight), (e.vector_rank, fusion.vector_weight))
            if rank is not None
        )
        assert e.fused_score == pytest.approx(expected, abs=1e-6) == pytest.approx(hit.score, abs=1e-6)
    semantic = service.search(SearchRequest(query="أسعار النفط", mode=Mode.semantic, explain=True)).hits[0].explain
    assert semantic.bm25_rank is None and semantic.vector_rank == 1 and semantic.fused_score is None
    assert -1.0 <= semantic.vector_similarity <= 1.0
    plain = service.search(SearchRequest(query="أسعار النفط", mode=Mode.hybrid))
    assert plain.hits[0].explain is None


def test_semantic_snippets_mark_terms_or_show_the_matching_passage(service: SearchService) -> None:
    arabic = service.search(SearchRequest(query="النفط", mode=Mode.semantic, limit=1)).hits[0]
    assert "<mark>" in arabic.snippets[0]
    english = service.search(SearchRequest(query="children vaccination campaign", mode=Mode.semantic, limit=1)).hits[0]
    assert english.id == "vaccine"
    assert english.snippets == [ARTICLES[3].body]


def test_paging_walks_the_fused_list(service: SearchService) -> None:
    everything = ids(service.search(SearchRequest(query="أسعار النفط", limit=5)))
    second = ids(service.search(SearchRequest(query="أسعار النفط", limit=2, offset=2)))
    assert second == everything[2:4]


def test_an_empty_or_negative_only_query_falls_back_to_bm25_listing(service: SearchService) -> None:
    browse = service.search(SearchRequest(query="", mode=Mode.hybrid, limit=10))
    assert ids(browse) == ["oil-up", "vaccine", "rain", "football", "oil-down"]  # newest first


def test_updates_and_deletes_reach_the_vectors(service: SearchService, usem3) -> None:
    backend = service.backend
    changed = ARTICLES[1].model_copy(update={"body": "انطلق موسم الحج وسط إجراءات صحية مشددة في مكة المكرمة."})
    backend.upsert([changed], embed_articles(usem3, [changed]))
    backend.delete(["rain"])
    backend.commit()
    response = service.search(SearchRequest(query="pilgrimage season in Mecca", mode=Mode.semantic))
    assert ids(response)[0] == "football"
    assert "rain" not in ids(response) and response.total == len(ARTICLES) - 1


def test_without_vectors_search_says_hybrid_is_unavailable(tmp_path: Path) -> None:
    backend = open_embedded(tmp_path / "plain", IndexMeta(), create=True)
    backend.upsert(ARTICLES)
    backend.commit()
    service = SearchService(backend, backend.analyzer)
    for mode in (None, Mode.hybrid, Mode.semantic):
        response = service.search(SearchRequest(query="النفط", mode=mode))
        assert response.mode is Mode.bm25 and response.warnings == [NO_VECTORS]
        assert set(ids(response)) == {"oil-down", "oil-up"}


def test_another_embedder_than_the_index_was_built_with_is_refused(tmp_path: Path, usem3) -> None:
    meta = IndexMeta(embedder="st:/models/other", dimension=384, passages=PassageConfig())
    backend = open_embedded(tmp_path / "other", meta, create=True)
    with pytest.raises(EmbedderError, match="built with embedder st:/models/other .* --embedder st:/models/other"):
        SearchService(backend, backend.analyzer, embedder=usem3)


def test_reopening_with_other_vector_settings_is_refused(tmp_path: Path) -> None:
    from search.backend import BackendError

    open_embedded(tmp_path / "i", IndexMeta(embedder="usem3", dimension=512, passages=PassageConfig()), create=True)
    with pytest.raises(BackendError, match="built with vectors from embedder usem3.*--no-vectors"):
        open_embedded(tmp_path / "i", IndexMeta(), create=True)


def test_open_service_loads_the_index_embedder(service: SearchService) -> None:
    from search.engine import NO_EMBEDDER, open_service

    loaded = open_service(service.backend)
    assert loaded.embedder is not None and loaded.embedder.name == DEFAULT_EMBEDDER
    assert loaded.search(SearchRequest(query="Oil prices fell")).mode is Mode.hybrid
    text_only = open_service(service.backend, vectors=False)
    response = text_only.search(SearchRequest(query="النفط"))
    assert text_only.embedder is None and response.mode is Mode.bm25 and response.warnings == [NO_EMBEDDER]


def test_vectors_without_text_after_a_killed_run_are_never_shown(service: SearchService, usem3) -> None:
    store = service.backend.vectors
    ghost = usem3.encode_passages(["تراجعت أسعار النفط الخام في الأسواق العالمية"])
    store.upsert(["ghost"], [ghost])
    store.commit()  # vectors committed, the text commit never happened
    response = service.search(SearchRequest(query="تراجعت أسعار النفط الخام", mode=Mode.semantic, limit=3))
    assert "ghost" not in ids(response) and ids(response)[0] == "oil-down"


def test_a_filter_never_lets_in_articles_that_resemble_the_query_less(service: SearchService) -> None:
    """The margin counts from the query's best match in the whole archive:
    a saved search's "new since" filter must not turn unrelated new articles
    into results because nothing new resembles the query."""
    service.fusion = FusionConfig()
    query = "Heavy rain closed the roads in Jeddah"
    everything = service.search(SearchRequest(query=query, mode=Mode.semantic))
    assert ids(everything)[0] == "rain" and "football" not in ids(everything)
    for mode in (Mode.semantic, Mode.hybrid):
        sabq = service.search(SearchRequest(query=query, mode=mode, filters=Filters(sources=("Sabq",)), facets=True))
        assert sabq.hits == [] and sabq.total == 0
    okaz = service.search(SearchRequest(query=query, mode=Mode.semantic, filters=Filters(sources=("Okaz",))))
    assert set(ids(okaz)) <= set(ids(everything)) and ids(okaz)[0] == "rain"


def test_a_repeated_query_is_embedded_once(service: SearchService, usem3) -> None:
    """Another page, filter or parsing (the web's pages are lenient, its API
    strict) of the same query reuses its vector; only the last
    QUERY_VECTORS_KEPT queries are kept."""
    from search import engine

    encoded: list[str] = []

    class Counting:
        name, dimension, similarity_floor = usem3.name, usem3.dimension, usem3.similarity_floor

        def encode_queries(self, texts):
            encoded.extend(texts)
            return usem3.encode_queries(texts)

    service.embedder = Counting()
    first = service.search(SearchRequest(query="أسعار النفط", limit=2))
    second = service.search(SearchRequest(query="أَسعار النفط", limit=2, offset=2, filters=Filters(sources=("Okaz",))))
    assert encoded == ["اسعار النفط"] and first.hits and second.total  # one folded spelling, one vector
    lenient = service.search(SearchRequest(query="أسعار النفط"), strict=not service.strict)  # the page after the API
    assert encoded == ["اسعار النفط"] and lenient.hits
    for number in range(engine.QUERY_VECTORS_KEPT):
        service.search(SearchRequest(query=f"query {number}", mode=Mode.semantic))
    service.search(SearchRequest(query="أسعار النفط"))
    assert encoded.count("اسعار النفط") == 2  # pushed out by the 64 others
