"""Indexing and query speed, and MRR@10, of the Elasticsearch backend next
to the embedded one on the same machine (run on demand; needs a server):

    ARSHIF_ES_URL=http://localhost:9200 ARSHIF_ES_PASSWORD=... \\
        python bench/es_index_search.py [--data ../shared/data] [--limit N]

Both backends index news-dev through the same ``IndexRun`` and answer
queries-dev through the same ``SearchService``; the Elasticsearch run uses a
throw-away alias that is deleted at the end. Prints one table to paste into
docs/benchmarks-elasticsearch.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

from indexer.pipeline import IndexRun, RejectsFile
from search.backend import Backend
from search.backends import open_embedded, open_from_settings
from search.config import load_settings
from search.engine import SearchService
from search.index_meta import IndexMeta
from search.models import SearchRequest


def _measure(backend: Backend, archive: Path, queries: list[dict], workdir: Path) -> dict[str, float]:
    started = time.perf_counter()
    summary = IndexRun(backend, RejectsFile(workdir / "rejects.jsonl")).run([archive])
    indexing = time.perf_counter() - started
    service = SearchService(backend, backend.analyzer)
    latencies, reciprocal = [], []
    for item in queries:
        begun = time.perf_counter()
        hits = service.search(SearchRequest(query=item["query"], limit=10)).hits
        latencies.append((time.perf_counter() - begun) * 1000)
        ranks = [rank for rank, hit in enumerate(hits, start=1) if hit.id in item["relevant"]]
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
    latencies.sort()
    return {
        "articles": summary.indexed,
        "articles/s": summary.indexed / indexing,
        "p50 ms": statistics.median(latencies),
        "p95 ms": latencies[int(0.95 * (len(latencies) - 1))],
        "MRR@10": statistics.fmean(reciprocal),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="index only the first N articles (0 = all)")
    args = parser.parse_args()
    if not os.environ.get("ARSHIF_ES_URL"):
        print("set ARSHIF_ES_URL (and credentials) to an Elasticsearch server", file=sys.stderr)
        return 1
    archive, query_file = args.data / "news-dev.jsonl.gz", args.data / "queries-dev.jsonl"
    if not archive.exists() or not query_file.exists():
        print(f"need {archive} and {query_file}: pass --data DIR", file=sys.stderr)
        return 1
    queries = [orjson.loads(line) for line in query_file.read_bytes().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = archive
        if args.limit:
            source = workdir / "news.jsonl"
            with gzip.open(archive, "rb") as lines, source.open("wb") as out:
                for number, line in enumerate(lines):
                    if number >= args.limit:
                        break
                    out.write(line)
        embedded = open_embedded(workdir / "index", IndexMeta(), create=True)
        rows = {"embedded": _measure(embedded, source, queries, workdir)}
        embedded.close()
        alias = f"arshif-bench-{uuid.uuid4().hex[:8]}"
        cluster = open_from_settings(load_settings(backend="elasticsearch", es_index=alias), IndexMeta(), create=True)
        try:
            rows["elasticsearch"] = _measure(cluster, source, queries, workdir)
        finally:
            cluster.client.indices.delete(index=f"{alias}-*", expand_wildcards="all", ignore_unavailable=True)
            cluster.close()
    columns = list(rows["embedded"])
    print("| backend | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, row in rows.items():
        cells = [f"{row[c]:.3f}" if c == "MRR@10" else f"{row[c]:.1f}" if "ms" in c else f"{row[c]:,.0f}" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
