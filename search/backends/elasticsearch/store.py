"""The Elasticsearch backend: the same ``Backend`` contract, on a cluster.

Physical indices are versioned (``arshif-v1``, ``arshif-v2``...) behind one
alias that every read and write goes through, so ``reindex`` can build the
next version and swap the alias atomically while searches continue. What
built an index (``IndexMeta``) lives in its mapping's ``_meta``, the
cluster-side twin of the embedded backend's ``arshif.json``.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import scan, streaming_bulk

from search.analysis import Analyzer
from search.backend import BackendError, Failure, Ranked
from search.backends.elasticsearch import highlight
from search.backends.elasticsearch.compile import Compiler, Dsl
from search.backends.elasticsearch.errors import guard
from search.backends.elasticsearch.mapping import index_body
from search.index_meta import IndexMeta
from search.models import Article, Facets, FacetValue, Filters, IndexStats
from search.query import Query

VECTOR_FIELD = "passages.vector"
HIDDEN = ["passages"]  # never sent back when articles are fetched


def physical_name(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


MAX_HITS = 10_000  # index.max_result_window, and the kNN candidate cap


def _within_window(limit: int) -> None:
    if limit > MAX_HITS:
        raise BackendError(
            f"Elasticsearch returns at most {MAX_HITS:,} hits per query and {limit:,} were asked for: "
            "narrow the query with filters or page less deep"
        )


def num_candidates(limit: int) -> int:
    """HNSW candidates per shard: ten times the hits wanted, 100 at least,
    within Elasticsearch's cap of 10,000."""
    return min(max(limit * 10, 100), MAX_HITS)


class ElasticsearchBackend:
    """Backend over the indices behind ``alias``; ``create=True`` makes the
    first version when the alias does not exist yet."""

    name = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch,
        url: str,
        alias: str = "arshif",
        meta: IndexMeta | None = None,
        create: bool = False,
        shards: int = 1,
        replicas: int = 0,
        chunk_size: int = 500,
        max_retries: int = 5,
        initial_backoff: float = 1.0,
        rrf: str = "auto",
    ) -> None:
        self.client = client
        self.url = url.rstrip("/")
        self.alias = alias
        self.shards = shards
        self.replicas = replicas
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.rrf = rrf
        self._server_rrf: bool | None = None
        self._hashes: dict[str, str] | None = None
        with guard(self.url, f"opening index '{alias}'"):
            exists = bool(client.indices.exists_alias(name=alias))
            if exists:
                self.meta = self._stored_meta()
                if meta is not None:
                    self.meta.check_compatible(meta, f"{self.url}/{alias}")
            elif create:
                self.meta = meta or IndexMeta()
                self._create(physical_name(alias, 1), self.meta, with_alias=True)
            else:
                raise BackendError(
                    f"Elasticsearch at {self.url} has no arshif index '{alias}': build one with "
                    "'arshif index PATH --backend elasticsearch' or set ARSHIF_ES_INDEX"
                )
        self._use(self.meta)

    # -- indices and the alias --------------------------------------------

    def _create(self, index: str, meta: IndexMeta, with_alias: bool) -> None:
        body = index_body(meta, self.shards, self.replicas)
        aliases = {self.alias: {}} if with_alias else None
        self.client.indices.create(index=index, aliases=aliases, **body)

    def physical(self) -> str:
        """The index the alias points at now."""
        with guard(self.url, f"resolving alias '{self.alias}'"):
            names = sorted(self.client.indices.get_alias(name=self.alias))
        if len(names) != 1:
            raise BackendError(
                f"alias '{self.alias}' at {self.url} points at {len(names)} indices ({', '.join(names)}); "
                "it must point at exactly one: fix it with the _aliases API"
            )
        return names[0]

    def _stored_meta(self) -> IndexMeta:
        index = self.physical()
        mapping = self.client.indices.get_mapping(index=index)[index]["mappings"]
        stored = mapping.get("_meta", {}).get("arshif")
        if stored is None:
            raise BackendError(
                f"{self.url}/{index} was not built by arshif (no _meta.arshif in its mapping): "
                "choose another ARSHIF_ES_INDEX"
            )
        return IndexMeta.model_validate(stored)

    def _next_version(self) -> int:
        pattern = re.compile(rf"^{re.escape(self.alias)}-v(\d+)$")
        existing = self.client.indices.get(index=f"{self.alias}-v*", expand_wildcards="all")
        versions = [int(m[1]) for name in existing if (m := pattern.match(name))]
        return max(versions, default=0) + 1

    def reindex(self, meta: IndexMeta | None = None, keep_old: bool = False, poll_seconds: float = 2.0) -> str:
        """Copy every article into a new versioned index built with ``meta``
        (default: the current one), then point the alias at it in one atomic
        step. Text is re-analysed on the way; vectors are kept when the
        dimension is unchanged and dropped otherwise. Returns the new index."""
        new_meta = meta or self.meta
        old = self.physical()
        with guard(self.url, f"reindexing '{self.alias}'"):
            new = physical_name(self.alias, self._next_version())
            self._create(new, new_meta, with_alias=False)
            request: dict[str, Any] = {
                "source": {"index": old},
                "dest": {"index": new},
                "wait_for_completion": False,
                "slices": "auto",
            }
            if new_meta.dimension != self.meta.dimension:
                request["script"] = {"source": "ctx._source.remove('passages')", "lang": "painless"}
            task = self.client.reindex(**request)["task"]
            self._wait(task, poll_seconds)
            self.client.indices.refresh(index=new)
            self._swap(old, new)
            if not keep_old:
                self.client.indices.delete(index=old)
        self._use(new_meta)
        return new

    def clear(self, meta: IndexMeta) -> str:
        """Start over: an empty new version built with ``meta`` takes the alias
        (``arshif index --rebuild``); the old versions are deleted."""
        old = self.physical()
        with guard(self.url, f"rebuilding '{self.alias}'"):
            new = physical_name(self.alias, self._next_version())
            self._create(new, meta, with_alias=False)
            self._swap(old, new)
            self.client.indices.delete(index=old)
        self._use(meta)
        return new

    def _swap(self, old: str, new: str) -> None:
        """Point the alias from ``old`` to ``new`` in one atomic request."""
        self.client.indices.update_aliases(
            actions=[
                {"remove": {"index": old, "alias": self.alias}},
                {"add": {"index": new, "alias": self.alias}},
            ]
        )

    def _use(self, meta: IndexMeta) -> None:
        self.meta = meta
        self.analyzer = Analyzer(meta.analysis)
        self.compiler = Compiler(self.analyzer)
        self._hashes = None

    def _wait(self, task: str, poll_seconds: float) -> None:
        while True:
            with warnings.catch_warnings():  # the tasks API is labelled technical preview
                warnings.filterwarnings("ignore", message=".*technical preview")
                status = self.client.tasks.get(task_id=task)
            if status.get("completed"):
                break
            time.sleep(poll_seconds)
        response = status.get("response", {})
        failures = response.get("failures") or ([status["error"]] if "error" in status else [])
        if failures:
            first = failures[0]
            reason = first.get("cause", first).get("reason", str(first)) if isinstance(first, dict) else first
            raise BackendError(
                f"reindex task {task} at {self.url} failed for {len(failures)} document(s), first: {reason}; "
                "the alias still points at the old index"
            )

    # -- writing ------------------------------------------------------------

    def _actions(
        self, articles: Sequence[Article], vectors: Sequence[np.ndarray | None] | None, now: str
    ) -> Iterator[dict[str, Any]]:
        for i, article in enumerate(articles):
            source = article.model_dump(mode="json")
            source["indexed_at"] = now
            matrix = vectors[i] if vectors is not None else None
            if matrix is not None:
                rows = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
                if rows.shape[1] != self.meta.dimension:
                    raise BackendError(
                        f"article {article.id}: vectors of {rows.shape[1]} dimensions, but {self.url}/{self.alias} "
                        f"holds {self.meta.dimension} ({self.meta.embedder}): use that embedder or 'arshif reindex'"
                    )
                source["passages"] = [{"vector": row.tolist()} for row in rows]
            yield {"_op_type": "index", "_index": self.alias, "_id": article.id, "_source": source}

    def preparer(self) -> None:
        """Nothing to prepare: the cluster analyses."""

    def upsert(
        self,
        articles: Sequence[Article],
        vectors: Sequence[np.ndarray | None] | None = None,
        prepared: Sequence[object] | None = None,
    ) -> list[Failure]:
        """Bulk-index in chunks; 429s are retried with capped exponential
        backoff; documents the cluster refuses are returned, not raised."""
        if vectors is not None and self.meta.dimension is None and any(v is not None for v in vectors):
            raise BackendError(f"{self.url}/{self.alias} was built without vectors: rebuild it with an embedder")
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        failures: list[Failure] = []
        with guard(self.url, f"indexing into '{self.alias}'"):
            results = streaming_bulk(
                self.client,
                self._actions(articles, vectors, now),
                chunk_size=self.chunk_size,
                max_chunk_bytes=50 * 2**20,
                max_retries=self.max_retries,
                initial_backoff=self.initial_backoff,
                max_backoff=60,
                raise_on_error=False,
                yield_ok=False,
            )
            for ok, item in results:
                if not ok:
                    failures.append(_failure(item))
        if self._hashes is not None:
            refused = {f.id for f in failures}
            self._hashes.update((a.id, a.content_hash) for a in articles if a.id not in refused)
        return failures

    def delete(self, ids: Iterable[str]) -> None:
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": doc_id} for doc_id in ids)
        with guard(self.url, f"deleting from '{self.alias}'"):
            for ok, item in streaming_bulk(self.client, actions, chunk_size=self.chunk_size, raise_on_error=False):
                if not ok and item["delete"].get("status") != 404:  # already gone is fine
                    failure = _failure(item)
                    raise BackendError(f"cannot delete {failure.id} from {self.url}/{self.alias}: {failure.reason}")
                if self._hashes is not None:
                    self._hashes.pop(item["delete"]["_id"], None)

    def commit(self) -> None:
        """Refresh, so what was written is searchable (bulk writes are durable
        once acknowledged: Elasticsearch fsyncs its translog per request)."""
        with guard(self.url, f"refreshing '{self.alias}'"):
            self.client.indices.refresh(index=self.alias)

    def close(self) -> None:
        self.client.close()

    # -- reading ------------------------------------------------------------

    def ids(self) -> set[str]:
        """Every id, read with its content hash in one scroll so that
        ``unchanged`` needs no request per article."""
        with guard(self.url, f"listing ids in '{self.alias}'"):
            self._hashes = {
                hit["_id"]: hit.get("_source", {}).get("content_hash", "")
                for hit in scan(
                    self.client,
                    index=self.alias,
                    query={"query": {"match_all": {}}, "_source": ["content_hash"]},
                    size=5000,
                )
            }
        return set(self._hashes)

    def unchanged(self, article: Article) -> bool:
        if self._hashes is not None:
            return self._hashes.get(article.id) == article.content_hash
        with guard(self.url, f"reading {article.id} from '{self.alias}'"):
            try:
                doc = self.client.get(index=self.alias, id=article.id, source_includes=["content_hash"])
            except NotFoundError:
                return False
        return doc["_source"].get("content_hash") == article.content_hash

    def _search(self, doing: str, **body: Any) -> dict[str, Any]:
        with guard(self.url, doing):
            return self.client.search(index=self.alias, **body).body

    def text_search(self, query: Query, filters: Filters, limit: int) -> Ranked:
        _within_window(limit)
        body: dict[str, Any] = {
            "query": self.compiler.compile(query, filters),
            "size": limit,
            "_source": False,
            "track_total_hits": True,
        }
        if query.is_empty:  # browsing: newest first
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}]
        result = self._search("searching", **body)
        hits = [(hit["_id"], float(hit["_score"] or 0.0)) for hit in result["hits"]["hits"]]
        return Ranked(hits, result["hits"]["total"]["value"])

    def knn_clause(self, vector: np.ndarray, filters: Filters, limit: int) -> Dsl:
        """The ``knn`` search option (also a kNN retriever's body)."""
        knn: Dsl = {
            "field": VECTOR_FIELD,
            "query_vector": np.asarray(vector, dtype=np.float32).ravel().tolist(),
            "k": limit,
            "num_candidates": max(num_candidates(limit), limit),
        }
        restriction = self.compiler.filter_query(filters)
        if restriction is not None:
            knn["filter"] = restriction
        return knn

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int) -> Ranked:
        """Best passage per article; scores are cosine similarities (Elasticsearch
        reports ``(1 + cos) / 2``)."""
        if self.meta.dimension is None:
            raise BackendError("this index has no vectors: rebuild it with an embedder for semantic search")
        if limit == 0:
            return Ranked([], 0)
        _within_window(limit)
        result = self._search(
            "vector searching", knn=self.knn_clause(vector, filters, limit), size=limit, _source=False
        )
        hits = [(hit["_id"], 2.0 * float(hit["_score"]) - 1.0) for hit in result["hits"]["hits"]]
        return Ranked(hits, len(hits))

    @property
    def server_rrf(self) -> bool:
        """Whether hybrid search may fuse on the server: the ``rrf`` retriever
        needs Elasticsearch >= 8.14 and an Enterprise (or trial) license. The
        setting ``es_rrf`` forces it on (``server``) or off (``client``)."""
        if self.rrf != "auto":
            return self.rrf == "server"
        if self._server_rrf is None:
            with guard(self.url, "reading the server version and license"):
                version = self.client.info()["version"]["number"]
                license_info = self.client.license.get()["license"]
            major, minor = (int(part) for part in version.split(".")[:2])
            licensed = license_info.get("type") in ("enterprise", "trial") and license_info.get("status") == "active"
            self._server_rrf = (major, minor) >= (8, 14) and licensed
        return self._server_rrf

    def hybrid_search(
        self, query: Query, vector: np.ndarray, filters: Filters, limit: int, rank_constant: int = 60, window: int = 100
    ) -> Ranked:
        """Reciprocal rank fusion of BM25 and kNN done by the server (``rrf``
        retriever); the engine fuses ``text_search`` and ``vector_search``
        itself when ``server_rrf`` is false."""
        if self.meta.dimension is None:
            raise BackendError("this index has no vectors: rebuild it with an embedder for hybrid search")
        window = max(window, limit)
        _within_window(window)
        retriever = {
            "rrf": {
                "retrievers": [
                    {"standard": {"query": self.compiler.compile(query, filters)}},
                    {"knn": self.knn_clause(vector, filters, window)},
                ],
                "rank_constant": rank_constant,
                "rank_window_size": window,
            }
        }
        result = self._search("hybrid searching", retriever=retriever, size=limit, _source=False)
        hits = [(hit["_id"], float(hit["_score"] or 0.0)) for hit in result["hits"]["hits"]]
        return Ranked(hits, result["hits"]["total"]["value"])

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        if not ids:
            return []
        with guard(self.url, f"fetching articles from '{self.alias}'"):
            docs = self.client.mget(index=self.alias, ids=list(ids), source_excludes=HIDDEN)["docs"]
        return [Article.model_validate(doc["_source"]) for doc in docs if doc.get("found")]

    def snippets(self, query: Query, ids: Sequence[str], count: int = 3) -> dict[str, list[str]]:
        """Snippets for ``ids`` highlighted by Elasticsearch (see
        ``highlight``); an alternative to computing them from fetched bodies."""
        if not ids:
            return {}
        body = highlight.request(self.compiler.compile(query, Filters()), ids, count)
        result = self._search("highlighting", **body)
        return highlight.snippets_from_hits(result["hits"]["hits"], count)

    def facets(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> Facets:
        aggregations = {
            "source": {"terms": {"field": "source", "size": 50}},
            "lang": {"terms": {"field": "lang", "size": 10}},
            "dates": {
                "date_histogram": {
                    "field": "date",
                    "calendar_interval": "day",
                    "format": "yyyy-MM-dd",
                    "min_doc_count": 1,
                }
            },
        }
        query_dsl = self.compiler.result_set(query, filters, ids)
        found = self._search("computing facets", query=query_dsl, size=0, track_total_hits=True, aggs=aggregations)
        result = found["aggregations"]

        def values(name: str, key: str) -> list[FacetValue]:
            return [
                FacetValue(value=str(b[key]), count=b["doc_count"])
                for b in result[name]["buckets"]
                if b[key] and b["doc_count"]
            ]

        return Facets(
            total=found["hits"]["total"]["value"],
            source=values("source", "key"),
            lang=values("lang", "key"),
            date_histogram=values("dates", "key_as_string"),
        )

    def matching(self, query: Query | None, filters: Filters, ids: Sequence[str] = ()) -> int:
        with guard(self.url, f"counting matches in '{self.alias}'"):
            return int(
                self.client.count(index=self.alias, query=self.compiler.result_set(query, filters, ids))["count"]
            )

    def cluster(self, cluster_id: str, limit: int) -> Ranked:
        """Members of a near-duplicate cluster (score 0, newest first) and its size."""
        if not cluster_id:
            return Ranked([], 0)
        _within_window(limit)
        result = self._search(
            f"reading cluster '{cluster_id}'",
            query={"bool": {"filter": [{"term": {"cluster": cluster_id}}]}},
            sort=[{"date": {"order": "desc", "missing": "_last"}}],
            size=limit,
            _source=False,
            track_total_hits=True,
        )
        return Ranked([(hit["_id"], 0.0) for hit in result["hits"]["hits"]], result["hits"]["total"]["value"])

    def refresh(self) -> None:
        """Nothing to do: every request reads the cluster's latest refreshed
        state, including what another process committed."""

    def count(self) -> int:
        with guard(self.url, f"counting '{self.alias}'"):
            return int(self.client.count(index=self.alias)["count"])

    def stats(self) -> IndexStats:
        aggregations = {
            "sources": {"terms": {"field": "source", "size": 50}},
            "first": {"min": {"field": "date"}},
            "last": {"max": {"field": "date"}},
        }
        result = self._search("reading statistics", size=0, track_total_hits=True, aggs=aggregations)
        aggs = result["aggregations"]
        with guard(self.url, f"reading the size of '{self.alias}'"):
            store = self.client.indices.stats(index=self.alias, metric="store")
        return IndexStats(
            documents=result["hits"]["total"]["value"],
            sources={b["key"]: b["doc_count"] for b in aggs["sources"]["buckets"] if b["key"]},
            date_min=_epoch(aggs["first"].get("value")),
            date_max=_epoch(aggs["last"].get("value")),
            size_bytes=int(store["_all"]["primaries"]["store"]["size_in_bytes"]),
            analysis=self.meta.analysis.name,
            embedder=self.meta.embedder,
            path=f"{self.url}/{self.alias} -> {self.physical()}",
        )


def _failure(item: dict[str, Any]) -> Failure:
    """A bulk item's error as one line."""
    result = next(iter(item.values()))
    error = result.get("error", {})
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
        cause = error.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause['reason']})"
    else:
        reason = str(error)
    return Failure(id=str(result.get("_id", "")), reason=f"{result.get('status', '?')} {reason}")


def _epoch(millis: float | None) -> datetime | None:
    """An aggregation's epoch milliseconds as a naive UTC datetime, like the
    embedded backend returns."""
    if millis is None:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).replace(tzinfo=None)


__all__ = ["ElasticsearchBackend", "num_candidates", "physical_name"]
