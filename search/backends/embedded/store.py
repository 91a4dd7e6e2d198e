"""The embedded backend: a tantivy index on disk, no server.

Layout of an index directory::

    arshif.json     what built it (analysis, embedder)   -- search.index_meta
    tantivy/        the inverted index and stored articles
    vectors/        passage vectors (when built with an embedder)

Each article is stored once, as JSON in a bytes field, so display never
depends on what the ranking fields hold.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson
import tantivy
from pydantic import TypeAdapter

from search.analysis import Analyzer
from search.backend import BackendError, Ranked
from search.backends.embedded.compile import Compiler
from search.backends.embedded.schema import EXACT, TEXT_FIELDS, TOKENIZER, build_schema, whitespace_analyzer
from search.backends.embedded.terms import Analysed, FieldAnalysis, analyse
from search.backends.embedded.vectors import VectorStore
from search.index_meta import IndexMeta
from search.models import Article, Facets, FacetValue, Filters, IndexStats
from search.query import Query

META_FILE = "arshif.json"
WRITER_HEAP = 256 * 1024 * 1024
LOADED_CACHE = 2_000
IDS_CACHE = 1_000_000
SEARCHER_TTL = 1.0
ALLOWED_CACHE = 64  # filters whose id sets are kept per searcher
# Stored as pydantic's JSON, made in one call (no dict first): the same bytes,
# 7-10 % faster on articles fresh from the workers (docs/benchmarks.md).
_ARTICLE_JSON = TypeAdapter(Article)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _naive(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value and value.tzinfo else value


@dataclass
class _View:
    """One searcher and what was learnt through it, valid as long as it is
    (a document address means nothing to another searcher)."""

    searcher: tantivy.Searcher
    stamp: tuple[int, int, int] | None  # the commit it shows (see EmbeddedBackend._stamp)
    checked: float
    ids: dict[tuple[int, int], str] = field(default_factory=dict)  # address -> article id
    addresses: dict[str, tantivy.DocAddress] = field(default_factory=dict)  # and back, for fetch
    # Articles loaded through it: the page's fetch after ranking needs no second look-up.
    loaded: dict[str, Article] = field(default_factory=dict)
    allowed: dict[Filters, set[str]] = field(default_factory=dict)  # filter -> matching ids

    def id_of(self, address: tantivy.DocAddress) -> str:
        """A hit's article id, from the stored ``id`` field: ranking learns
        the ids of a hundred hits per query and never parses an article."""
        key = (address.segment_ord, address.doc)
        doc_id = self.ids.get(key)
        if doc_id is None:
            if len(self.ids) >= IDS_CACHE:
                self.ids.clear()
                self.addresses.clear()
            doc_id = self.ids[key] = self.searcher.doc(address).get_first("id")
            self.addresses[doc_id] = address
        return doc_id

    def load(self, address: tantivy.DocAddress) -> Article:
        article = Article.model_validate(orjson.loads(self.searcher.doc(address).get_first("doc")))
        if len(self.loaded) >= LOADED_CACHE:
            self.loaded.clear()
        self.loaded[article.id] = article
        return article


class EmbeddedBackend:
    """Backend over a directory; ``create=True`` makes a new index there."""

    name = "embedded"

    def __init__(self, path: Path, meta: IndexMeta | None = None, create: bool = False) -> None:
        self.path = Path(path)
        meta_path = self.path / META_FILE
        if meta_path.exists():
            self.meta = IndexMeta.load(meta_path)
            if meta is not None:
                self.meta.check_compatible(meta, str(self.path))
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            self.meta = meta or IndexMeta()
            self.meta.save(meta_path)
        else:
            raise BackendError(
                f"no arshif index at {self.path}: build one with 'arshif index PATH --index {self.path}' "
                "or point ARSHIF_INDEX at an existing one"
            )
        (self.path / "tantivy").mkdir(exist_ok=True)
        self.schema = build_schema()
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path / "tantivy"), reuse=True)
        except (OSError, ValueError) as error:
            hint = ""
            if "schema does not match" in str(error):
                rebuild = f"arshif index --rebuild --index {self.path} ..."
                hint = f" (another arshif version built it: rebuild it with '{rebuild}')"
            raise BackendError(f"cannot open the index at {self.path}: {error}{hint}") from error
        self.index.register_tokenizer(TOKENIZER, whitespace_analyzer())
        self.analyzer = Analyzer(self.meta.analysis)
        self.compiler = Compiler(self.schema, self.analyzer)
        self._writer: tantivy.IndexWriter | None = None
        # Ids added since the writer opened on an empty index, or None when
        # it was not empty: only these can need a delete before an add.
        self._added: set[str] | None = None
        self._view: _View | None = None
        self.vectors = (
            VectorStore(self.path / "vectors", self.meta.dimension)
            if self.meta.embedder and self.meta.dimension
            else None
        )

    # -- writing ---------------------------------------------------------

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(WRITER_HEAP, num_threads=1)
            except ValueError as error:
                raise BackendError(
                    f"cannot write to {self.path}: {error} (is another 'arshif index' running on it?)"
                ) from error
            # The writer holds the index's lock: nothing else can add to it now.
            self.index.reload()
            self._added = set() if self.index.searcher().num_docs == 0 else None
        return self._writer

    def preparer(self) -> FieldAnalysis:
        """Analysis, the per-article CPU work of ``upsert``: the indexer runs
        it on chunks of articles in its worker processes and passes the
        result back as ``prepared``."""
        return FieldAnalysis(self.meta.analysis)

    def upsert(
        self,
        articles: Sequence[Article],
        vectors: Sequence[np.ndarray | None] | None = None,
        prepared: Sequence[Analysed | None] | None = None,
    ) -> None:
        self._upsert_vectors(articles, vectors)
        writer = self.writer
        now = datetime.now(UTC)
        given = list(prepared or [None] * len(articles))
        missing = [article for article, analysed in zip(articles, given, strict=True) if analysed is None]
        computed = iter(analyse(self.analyzer, missing))
        for article, analysed in zip(articles, given, strict=True):
            title_terms, title_exact, body_terms, body_exact = analysed or next(computed)
            fields: dict[str, object] = {
                "id": article.id,
                "hash": article.content_hash,
                "title": title_terms,
                EXACT["title"]: title_exact,
                "body": body_terms,
                EXACT["body"]: body_exact,
                "source": article.source,
                "lang": article.lang,
                "cluster": article.cluster,
                "indexed_at": now,
                "doc": _ARTICLE_JSON.dump_json(article),
            }
            if article.date is not None:
                fields["date"] = _as_utc(article.date)
            self._delete_before_adding(article.id)
            writer.add_document(tantivy.Document(**fields))

    def _delete_before_adding(self, doc_id: str) -> None:
        """Upsert by id: delete what the index may hold under it. A first
        build skips the delete for ids it has not added yet (tantivy applies
        each delete to every segment at commit, on its indexing thread)."""
        added = self._added
        if added is None or doc_id in added:
            self.writer.delete_documents_by_term("id", doc_id)
        else:
            added.add(doc_id)

    def _upsert_vectors(self, articles: Sequence[Article], vectors: Sequence[np.ndarray | None] | None) -> None:
        if self.vectors is None:
            if vectors is not None:
                raise BackendError(
                    f"{self.path} was built without vectors (--no-vectors); rebuild it to add them: "
                    "arshif index --rebuild ..."
                )
            return
        if vectors is None:
            raise BackendError(
                f"{self.path} stores vectors from embedder {self.meta.embedder}: index with that embedder"
            )
        empty = np.zeros((0, self.vectors.dimension), np.float32)
        self.vectors.upsert([a.id for a in articles], [empty if v is None else v for v in vectors])

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if self.vectors is not None:
            self.vectors.delete(ids)
        for doc_id in ids:
            self.writer.delete_documents_by_term("id", doc_id)

    def commit(self) -> None:
        """Vectors first: a run killed in between leaves vectors the text index
        lacks (never shown, since hits are fetched from the text index, and
        re-added by the next run), never text without vectors."""
        if self.vectors is not None:
            self.vectors.commit()
        if self._writer is not None:
            self._writer.commit()
            self.refresh()

    def close(self) -> None:
        self.commit()
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None
            self._added = None
            if self.vectors is not None:
                self.vectors.close()

    # -- reading ---------------------------------------------------------

    @property
    def view(self) -> _View:
        """The current searcher and its caches. Every SEARCHER_TTL seconds it
        checks whether a commit (here or by another process) changed the
        index, and only then takes a new searcher, so a long-running server
        sees new articles without losing its caches every second."""
        view = self._view  # one read: a server thread may refresh meanwhile
        now = time.monotonic()
        if view is None or now - view.checked > SEARCHER_TTL:
            stamp = self._stamp()
            if self.vectors is not None:
                self.vectors.refresh()
            if view is None or stamp is None or stamp != view.stamp:
                self.index.reload()
                view = self._view = _View(self.index.searcher(), stamp, now)
            else:
                view.checked = now
        return view

    @property
    def searcher(self) -> tantivy.Searcher:
        return self.view.searcher

    def _stamp(self) -> tuple[int, int, int] | None:
        """tantivy rewrites meta.json (a new file, renamed into place) whenever
        a commit or a merge changes the index."""
        try:
            status = (self.path / "tantivy" / "meta.json").stat()
        except OSError:
            return None
        return status.st_ino, status.st_mtime_ns, status.st_size

    def refresh(self) -> None:
        """See what was committed since this object last looked (here or by
        another process)."""
        self._view = None
        if self.vectors is not None:
            self.vectors.refresh()

    def _by_id(self, view: _View, doc_id: str) -> tantivy.DocAddress | None:
        hits = view.searcher.search(tantivy.Query.term_query(self.schema, "id", doc_id), 1, count=False).hits
        return hits[0][1] if hits else None

    def unchanged(self, article: Article) -> bool:
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "id", article.id)),
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "hash", article.content_hash)),
            ]
        )
        return self.searcher.search(query, 1, count=True).count > 0  # tantivy 0.27 panics on limit 0

    def ids(self) -> set[str]:
        """Live ids, read from the term dictionary (no stored document is loaded);
        the filter leaves out terms whose documents were all deleted."""
        terms = self.searcher.terms_with_prefix("id", "", filter_query=tantivy.Query.all_query())
        return {term for term, count in terms if count > 0}

    def text_search(self, query: Query, filters: Filters, limit: int) -> Ranked:
        view = self.view
        if limit <= 0:  # tantivy's collectors need a limit of at least 1
            return Ranked(
                [], view.searcher.search(self.compiler.compile(query, filters, scored=False), 1, count=True).count
            )
        compiled = self.compiler.compile(query, filters)
        if query.is_empty:  # browsing: newest first, no relevance to score
            result = view.searcher.search(compiled, limit, count=True, order_by_field="date")
            return Ranked([(view.id_of(address), 0.0) for _, address in result.hits], result.count)
        result = view.searcher.search(compiled, limit, count=True)
        return Ranked([(view.id_of(address), float(score)) for score, address in result.hits], result.count)

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> Ranked:
        if self.vectors is None:
            raise BackendError(
                f"{self.path} has no vectors (built with --no-vectors): rebuild it without that flag for "
                "semantic or hybrid search"
            )
        view = self.view  # renews the vectors' view as well as the text's
        allowed = None if filters.is_empty else self._matching_ids(view, filters)
        found = self.vectors.search(vector, limit, allowed)
        total = self.vectors.count() if allowed is None else len(allowed)
        return Ranked([(doc_id, score) for doc_id, score, _ in found], total, {d: p for d, _, p in found})

    def _matching_ids(self, view: _View, filters: Filters) -> set[str]:
        """Ids the filters let through, from the id term dictionary (no document is loaded):
        the text index's filter logic is the only one. Kept per searcher, since
        the same filter (a source, a date range) is asked again and again."""
        allowed = view.allowed.get(filters)
        if allowed is None:
            if len(view.allowed) >= ALLOWED_CACHE:
                view.allowed.clear()
            compiled = self.compiler.compile(Query(()), filters)
            terms = view.searcher.terms_with_prefix("id", "", filter_query=compiled)
            allowed = view.allowed[filters] = {term for term, count in terms if count > 0}
        return allowed

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        view = self.view
        out = []
        for doc_id in ids:
            article = view.loaded.get(doc_id)
            if article is None:
                address = view.addresses.get(doc_id) or self._by_id(view, doc_id)
                article = view.load(address) if address is not None else None
            if article is not None:
                out.append(article)
        return out

    def facets(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> Facets:
        aggregations = {
            "source": {"terms": {"field": "source", "size": 50}},
            "lang": {"terms": {"field": "lang", "size": 10}},
            "dates": {"date_histogram": {"field": "date", "fixed_interval": "1d"}},
            "total": {"value_count": {"field": "indexed_at"}},  # every article has one: counts the set
        }
        result = self.searcher.aggregate(self.compiler.result_set(query, filters, ids), aggregations)

        def terms(name: str) -> list[FacetValue]:
            return [
                FacetValue(value=b["key"], count=b["doc_count"])
                for b in result.get(name, {}).get("buckets", [])
                if b["key"]
            ]

        days = [
            FacetValue(value=b.get("key_as_string", "")[:10], count=b["doc_count"])
            for b in result.get("dates", {}).get("buckets", [])
            if b["doc_count"]
        ]
        total = int(result.get("total", {}).get("value") or 0)
        return Facets(total=total, source=terms("source"), lang=terms("lang"), date_histogram=days)

    def matching(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> int:
        return self.searcher.search(self.compiler.result_set(query, filters, ids), 1, count=True).count

    def count(self) -> int:
        return self.searcher.num_docs

    def cluster(self, cluster_id: str, limit: int) -> Ranked:
        if not cluster_id:
            return Ranked([], 0)
        query = tantivy.Query.term_query(self.schema, "cluster", cluster_id)
        view = self.view
        result = view.searcher.search(query, max(limit, 1), count=True, order_by_field="date")
        return Ranked([(view.id_of(address), 0.0) for _, address in result.hits[:limit]], result.count)

    def stats(self) -> IndexStats:
        view = self.view
        searcher = view.searcher
        facets = self.facets(Query(()), Filters())
        dated = tantivy.Query.exists_query("date")
        first = searcher.search(dated, 1, order_by_field="date", order=tantivy.Order.Asc)
        last = searcher.search(dated, 1, order_by_field="date", order=tantivy.Order.Desc)

        def date_of(result: tantivy.SearchResult) -> datetime | None:
            return _naive(view.load(result.hits[0][1]).date) if result.hits else None

        size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return IndexStats(
            documents=searcher.num_docs,
            sources={v.value: v.count for v in facets.source},
            date_min=date_of(first),
            date_max=date_of(last),
            size_bytes=size,
            analysis=self.meta.analysis.name,
            embedder=self.meta.embedder,
            path=str(self.path),
        )


__all__ = ["META_FILE", "TEXT_FIELDS", "EmbeddedBackend"]
