"""The embedded backend on a real tantivy index on disk."""

import time
from datetime import UTC, datetime

import pytest
import tantivy

from search.analysis import AnalysisConfig, Analyzer
from search.analysis.alphabet import ONE_BYTE
from search.backend import BackendError
from search.backends.embedded import schema
from search.backends.embedded.schema import whitespace_analyzer
from search.backends.embedded.store import EmbeddedBackend
from search.backends.embedded.terms import analyse
from search.index_meta import IndexMeta
from search.models import Article, Filters
from search.query import merge_filters, parse


def article(id: str, body: str, **fields) -> Article:
    return Article(id=id, body=body, content_hash=str(hash(body)), **fields)


@pytest.fixture
def backend(tmp_path):
    store = EmbeddedBackend(tmp_path / "index", create=True)
    store.upsert(
        [
            article(
                "a",
                "اجتمع قادة الميليشيات في مدينة البوكمال",
                title="البوكمال",
                source="okaz",
                date=datetime(2015, 7, 21, tzinfo=UTC),
            ),
            article(
                "b", "قصفت الطائرات مواقع في دير الزور والبوكمال", source="was", date=datetime(2015, 8, 2, tzinfo=UTC)
            ),
            article(
                "c", "The militias met in Deir ez-Zor", source="okaz", lang="en", date=datetime(2015, 8, 9, tzinfo=UTC)
            ),
            article("d", "الزور في دير قديم", source="sabq"),
        ]
    )
    store.commit()
    yield store
    store.close()


def ids(backend, text, filters=Filters()):
    query = parse(text)
    return [doc_id for doc_id, _ in backend.text_search(query, merge_filters(filters, query.filters), 10).hits]


def test_tantivy_indexes_exactly_our_terms():
    """Parity: the tokenizer tantivy runs on our joined terms yields our
    terms, spelt one byte per letter."""
    analyzer = Analyzer()
    text = "قال «البُوكمَال»، لـ موقع (تلفزيون) سوريا: ٢٠٢١ Militias\u200f! ﷺ " + "مؤتمر صحفي " * 30
    [(title_terms, title_exact, terms, exact)] = analyse(analyzer, [Article(id="x", title=text[:40], body=text)])
    assert whitespace_analyzer().analyze(terms) == [ONE_BYTE.spell(term) for term in analyzer.terms(text)]
    assert whitespace_analyzer().analyze(exact) == [ONE_BYTE.spell(word) for word in analyzer.exact_terms(text)]
    assert whitespace_analyzer().analyze(title_exact) == [ONE_BYTE.spell(w) for w in analyzer.exact_terms(text[:40])]
    assert "ALBWKMAL" in exact.split() and exact.isascii()


def test_every_indexed_term_is_searchable_as_spelt(backend):
    for term in Analyzer().terms("قصفت الطائرات مواقع في دير الزور والبوكمال"):
        query = tantivy.Query.term_query(backend.schema, "body", ONE_BYTE.spell(term))
        assert backend.searcher.search(query, 5).count >= 1, term
        unspelt = tantivy.Query.term_query(backend.schema, "body", term)
        assert backend.searcher.search(unspelt, 5).count == 0, term


def test_spelling_variants_give_the_same_ranked_list(backend):
    plain = backend.text_search(parse("البوكمال"), Filters(), 10).hits
    assert {i for i, _ in plain} == {"a", "b"}
    for variant in ("البُوكمَال", "ألبوكمال", "البوكمـــال", "ﺍﻟﺒﻮﻛﻤﺎﻝ"):
        assert backend.text_search(parse(variant), Filters(), 10).hits == plain


def test_phrase_is_exact_and_ordered(backend):
    assert ids(backend, '"دير الزور"') == ["b"]
    assert set(ids(backend, "دير الزور")) == {"b", "d"}


def test_phrase_is_not_stemmed(backend):
    assert ids(backend, '"مدينة البوكمال"') == ["a"]
    assert ids(backend, '"مدن البوكمال"') == []


def test_must_and_must_not(backend):
    assert ids(backend, "+البوكمال -قصفت") == ["a"]
    assert set(ids(backend, "-البوكمال")) == {"c", "d"}


def test_or(backend):
    assert set(ids(backend, "+(الميليشيات OR militias)")) == {"a", "c"}


def test_english_words_are_stemmed(backend):
    assert ids(backend, "militia meeting") == ["c"]


def test_field_restriction(backend):
    assert ids(backend, "title:البوكمال") == ["a"]


def test_filters_by_source_language_and_date(backend):
    assert set(ids(backend, "البوكمال", Filters(sources=("okaz",)))) == {"a"}
    assert set(ids(backend, "", Filters(langs=("en",)))) == {"c"}
    assert set(ids(backend, "source:okaz -lang:en")) == {"a"}
    assert set(ids(backend, "date:2015-08")) == {"b", "c"}
    assert set(ids(backend, "date:2015-07-21")) == {"a"}
    assert set(ids(backend, "date:<2015-08-02")) == {"a"}


def test_filters_do_not_change_scores(backend):
    plain = dict(backend.text_search(parse("البوكمال"), Filters(), 10).hits)
    filtered = dict(backend.text_search(parse("البوكمال"), Filters(sources=("okaz",)), 10).hits)
    assert filtered["a"] == pytest.approx(plain["a"])


def test_upsert_replaces_by_id(backend):
    backend.upsert([article("a", "نص جديد تماما")])
    backend.commit()
    assert backend.count() == 4
    assert ids(backend, "البوكمال") == ["b"]
    assert backend.fetch(["a"])[0].body == "نص جديد تماما"


def test_an_id_twice_in_one_batch_of_a_first_build_is_one_article(tmp_path):
    """A first build skips deletes for ids it has not added: not for a repeat."""
    store = EmbeddedBackend(tmp_path / "index", create=True)
    store.upsert([article("a", "النص الأول"), article("b", "نص آخر"), article("a", "النص الثاني")])
    store.commit()
    store.upsert([article("b", "نص آخر معدل")])
    store.commit()
    assert store.count() == 2
    assert sorted(a.body for a in store.fetch(["a", "b"])) == ["النص الثاني", "نص آخر معدل"]
    store.close()


def test_a_later_writer_replaces_what_an_earlier_one_added(backend, tmp_path):
    backend.close()
    reopened = EmbeddedBackend(tmp_path / "index")
    reopened.upsert([article("c", "نص جديد"), article("e", "مقال خامس")])
    reopened.commit()
    assert reopened.count() == 5 and reopened.fetch(["c"])[0].body == "نص جديد"
    reopened.close()


def test_delete_and_ids(backend):
    backend.delete(["b"])
    backend.commit()
    assert backend.ids() == {"a", "c", "d"}
    assert backend.fetch(["b", "a"])[0].id == "a"


def test_unchanged_compares_content_hash(backend):
    (stored,) = backend.fetch(["a"])
    assert backend.unchanged(stored)
    assert not backend.unchanged(stored.model_copy(update={"content_hash": "other"}))


def test_facets_count_sources_languages_and_days(backend):
    facets = backend.facets(parse("البوكمال OR militias"), Filters())
    assert {(f.value, f.count) for f in facets.source} == {("okaz", 2), ("was", 1)}
    assert {(f.value, f.count) for f in facets.lang} == {("ar", 2), ("en", 1)}
    assert [(f.value, f.count) for f in facets.date_histogram] == [
        ("2015-07-21", 1),
        ("2015-08-02", 1),
        ("2015-08-09", 1),
    ]


@pytest.mark.parametrize("text", ["دير الزور", "مدينة البوكمال", "الزور دير", "militias met", '"دير الزور" قصفت'])
def test_facets_and_counts_match_the_ranked_query_without_its_bonus_clauses(backend, text):
    query = parse(text)
    assert "PhraseQuery" in repr(backend.compiler.compile(query, Filters()))  # the proximity bonus
    assert "Boost(" in repr(backend.compiler.compile(query, Filters()))  # the exact-spelling bonus
    unscored = repr(backend.compiler.compile(query, Filters(), scored=False))
    assert unscored.count("PhraseQuery") == text.count('"')  # a phrase: one per text field
    assert "Boost(" not in unscored
    ranked = backend.text_search(query, Filters(), 10)
    assert backend.text_search(query, Filters(), 0).total == ranked.total == len(ranked.hits)
    assert sum(f.count for f in backend.facets(query, Filters()).source) == ranked.total


def test_stats(backend):
    stats = backend.stats()
    assert stats.documents == 4
    assert stats.sources == {"okaz": 2, "was": 1, "sabq": 1}
    assert stats.date_min.date().isoformat() == "2015-07-21"
    assert stats.date_max.date().isoformat() == "2015-08-09"
    assert stats.size_bytes > 0


def test_reopening_keeps_everything(backend, tmp_path):
    backend.close()
    again = EmbeddedBackend(tmp_path / "index")
    assert again.count() == 4


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError, match="no arshif index at .*arshif index"):
        EmbeddedBackend(tmp_path / "nothing")


def test_index_built_with_other_analysis_is_refused(tmp_path):
    EmbeddedBackend(tmp_path / "i", IndexMeta(analysis=AnalysisConfig(stemmer="snowball")), create=True)
    with pytest.raises(BackendError, match="Rebuild it"):
        EmbeddedBackend(tmp_path / "i", IndexMeta())


def test_a_long_lived_reader_sees_later_commits(backend, tmp_path):
    reader = EmbeddedBackend(tmp_path / "index")
    assert reader.count() == 4
    backend.upsert([article("e", "خبر جديد")])
    backend.commit()
    deadline = time.monotonic() + 10
    while reader.count() != 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert reader.count() == 5


def test_a_reader_keeps_its_searcher_and_caches_while_nothing_is_committed(backend, tmp_path):
    reader = EmbeddedBackend(tmp_path / "index")
    assert reader.text_search(parse("البوكمال"), Filters(), 10).hits
    view = reader.view
    assert view.ids  # hit ids were learnt through this searcher
    view.checked -= 60  # as if the server had been idle: it looks for commits
    assert reader.view is view
    backend.upsert([article("e", "البوكمال مرة أخرى")])
    backend.commit()
    view.checked -= 60
    assert reader.view is not view
    assert "e" in {doc_id for doc_id, _ in reader.text_search(parse("البوكمال"), Filters(), 10).hits}


def test_index_with_an_older_schema_names_the_rebuild(tmp_path):
    EmbeddedBackend(tmp_path / "i", create=True).close()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw")
    for leftover in (tmp_path / "i" / "tantivy").iterdir():
        leftover.unlink()
    tantivy.Index(builder.build(), path=str(tmp_path / "i" / "tantivy"))
    with pytest.raises(BackendError, match="another arshif version built it: rebuild it with 'arshif index --rebuild"):
        EmbeddedBackend(tmp_path / "i")


def test_index_whose_terms_were_spelt_as_analysed_names_the_rebuild(tmp_path, monkeypatch):
    """Before terms were spelt one byte per letter the tokenizer had another
    name: such an index would find nothing, so it does not open."""
    EmbeddedBackend(tmp_path / "i", create=True).close()
    for leftover in (tmp_path / "i" / "tantivy").iterdir():
        leftover.unlink()
    monkeypatch.setattr(schema, "TOKENIZER", "arshif_ws")
    tantivy.Index(schema.build_schema(), path=str(tmp_path / "i" / "tantivy"))
    monkeypatch.undo()
    with pytest.raises(BackendError, match="another arshif version built it: rebuild it with 'arshif index --rebuild"):
        EmbeddedBackend(tmp_path / "i")
