"""(c) Single-query latency over the 600 dev queries, BM25, top 10, one
thread, in-process (what ``arshif search`` and the API call), with and
without snippets. Builds a news-dev index first unless --index is given.

    python bench/bench_latency.py [--index DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import DATA, body_only_file, machine, need
from indexer.pipeline import IndexRun, RejectsFile
from search.backends.embedded.store import EmbeddedBackend
from search.engine import SearchService
from search.evaluate import load_judged
from search.index_meta import IndexMeta
from search.models import Mode, SearchRequest


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49]:.2f} ms  p95 {cuts[94]:.2f} ms  p99 {cuts[98]:.2f} ms  mean {statistics.mean(samples):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, help="an existing index of news-dev")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arshif-latency-") as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            backend = EmbeddedBackend(index, IndexMeta(), create=True)
            IndexRun(backend, RejectsFile(Path(tmp) / "rejects.jsonl")).run([body_only_file(Path(tmp))])
            backend.close()
        backend = EmbeddedBackend(index)
        service = SearchService(backend, backend.analyzer)
        queries = [q.query for q in load_judged(need(DATA / "queries-dev.jsonl"))]
        print(f"machine: {machine()}; index: {index} ({backend.count():,} articles); {len(queries)} queries")
        for snippets in (False, True):
            for query in queries[:50]:  # warm caches
                service.search(SearchRequest(query=query, snippets=snippets, mode=Mode.bm25))
            samples = []
            for query in queries:
                started = time.perf_counter()
                service.search(SearchRequest(query=query, snippets=snippets, mode=Mode.bm25))
                samples.append((time.perf_counter() - started) * 1000)
            print(f"{'with' if snippets else 'without'} snippets: {percentiles(samples)}")


if __name__ == "__main__":
    main()
