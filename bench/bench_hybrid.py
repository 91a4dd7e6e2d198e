"""Speed of hybrid search and of indexing with vectors, and the ANN recall check.

    python bench/bench_hybrid.py [--articles 2000] [--index /tmp/arshif-bench/news-usem3-p64x1]

1. Indexing: the first --articles of news-dev (titles kept) into fresh indexes
   with and without vectors: articles/s, and where the time goes (embedding vs
   the rest: reading, analysis, tantivy, vector files).
2. ANN recall: on the news-dev index built by bench_quality.py, build the HNSW
   graph and compare its top-10 with exact search for every dev query
   (target >= 0.98).
3. Query latency per mode (p50/p95, including query embedding), exact and HNSW.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import numpy as np
from common import DATA, build, need, news, write_jsonl

from search.backends import open_embedded
from search.backends.embedded.vectors import VectorStore
from search.embed import load_embedder
from search.engine import SearchService
from search.evaluate import load_judged
from search.models import Mode, SearchRequest
from search.passages import PassageConfig


def indexing(data: Path, work: Path, articles: int, embedder: str, passages: PassageConfig) -> None:
    source = work / f"news-first-{articles}.jsonl"
    write_jsonl(source, (a for n, a in zip(range(articles), news(data), strict=False)))
    for name in (None, embedder):
        target = work / f"speed-{name or 'bm25'}-{passages.name}-{articles}"
        shutil.rmtree(target, ignore_errors=True)
        timing = build(source, target, name, passages)
        rest = timing["seconds"] - timing["embed_seconds"]
        print(
            f"indexing {articles} articles, embedder {name or 'none'}: {timing['articles_per_s']} articles/s "
            f"({timing['seconds']} s: embedding in this process {timing['embed_seconds']} s "
            f"for {timing['passages']} passages, "
            f"everything else {rest:.1f} s of which close/compaction {timing['close_seconds']} s)"
        )
        shutil.rmtree(target, ignore_errors=True)


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def latency(service: SearchService, queries: list[str], mode: Mode) -> str:
    took = []
    for text in queries:
        started = time.perf_counter()
        service.search(SearchRequest(query=text, mode=mode, limit=10))
        took.append((time.perf_counter() - started) * 1000)
    return f"p50 {percentile(took, 50):.1f} ms, p95 {percentile(took, 95):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/arshif-bench"))
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--passages", default="64x1")
    parser.add_argument("--index", type=Path, default=None, help="news-dev index from bench_quality.py")
    parser.add_argument("--skip-indexing", action="store_true")
    args = parser.parse_args()
    words, most = (int(x) for x in args.passages.split("x"))
    passages = PassageConfig(words=words, max_passages=most)
    if not args.skip_indexing:
        indexing(args.data, args.work, args.articles, args.embedder, passages)
    index = args.index or args.work / f"news-{args.embedder}-{passages.name}"
    if not (index / "arshif.json").exists():
        raise SystemExit(f"no index at {index}: run bench/bench_quality.py first")
    judged = load_judged(need(args.data / "queries-dev.jsonl"))
    texts = [q.query for q in judged]
    backend = open_embedded(index)
    embedder = load_embedder(args.embedder)
    service = SearchService(backend, backend.analyzer, embedder=embedder)
    store = backend.vectors
    assert store is not None
    print(f"index {index}: {store.count()} articles with vectors, {store.state().live_rows} passages")
    store.state().ann = None  # this process only: measure the exact scan even if a graph exists
    for mode in Mode:
        print(f"exact vectors  {mode.value:<8} {latency(service, texts, mode)}")
    started = time.perf_counter()
    VectorStore(store.path, store.dimension, exact_limit=0).build_ann()
    print(f"HNSW build: {time.perf_counter() - started:.1f} s")
    store.refresh()
    vectors = embedder.encode_queries(texts)
    overlap = []
    for vector in vectors:
        approx = {d for d, _, _ in store.search(vector, 10)}
        exact = {d for d, _, _ in store.search(vector, 10, exact=True)}
        overlap.append(len(approx & exact) / 10)
    print(f"ANN recall: approximate top-10 vs exact top-10 = {np.mean(overlap):.4f} over {len(texts)} queries")
    for mode in (Mode.semantic, Mode.hybrid):
        print(f"HNSW vectors   {mode.value:<8} {latency(service, texts, mode)}")
    filtered = [f"{text} source:Okaz" for text in texts]
    print(f"HNSW vectors   hybrid + source filter {latency(service, filtered, Mode.hybrid)}")
    started = time.perf_counter()
    embedder.encode_queries(texts[:200])
    print(f"query embedding alone: {(time.perf_counter() - started) / 200 * 1000:.2f} ms/query (batched)")


if __name__ == "__main__":
    main()
