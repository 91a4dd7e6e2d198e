"""(b) BM25 quality on the known-item queries, index built from bodies only.

Runs the product configuration, or with ``--sweep`` every analysis variant
that docs/benchmarks.md compares (stemmer, hamza-seat folding, stop words),
each on its own fresh index, and prints MRR@10 / Recall@10 / Recall@100 per
query kind. Lucene's ArabicAnalyzer reference on the same task: MRR@10 0.709.

    python bench/bench_bm25_quality.py [--sweep]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import body_only_corpus, known_item_metrics, load_queries, machine
from indexer.pipeline import IndexRun, RejectsFile
from search.analysis import AnalysisConfig
from search.backends.embedded.store import EmbeddedBackend
from search.engine import SearchService
from search.index_meta import IndexMeta
from search.models import Mode, SearchRequest

VARIANTS = [
    AnalysisConfig(),
    AnalysisConfig(stemmer="light10"),
    AnalysisConfig(stemmer="snowball"),
    AnalysisConfig(stemmer="none"),
    AnalysisConfig(hamza_seats=True),
    AnalysisConfig(stopwords=False),
]


def evaluate(config: AnalysisConfig, corpus: Path, work: Path) -> tuple[dict, float]:
    backend = EmbeddedBackend(work / config.name.replace(":", "_"), IndexMeta(analysis=config), create=True)
    IndexRun(backend, RejectsFile(work / "rejects.jsonl")).run([corpus])
    backend.close()
    service = SearchService(backend, backend.analyzer)
    queries = load_queries()
    started = time.perf_counter()
    runs = {
        q["qid"]: [h.id for h in service.search(SearchRequest(query=q["query"], limit=100, snippets=False,
                                                               mode=Mode.bm25)).hits]
        for q in queries
    }
    return known_item_metrics(runs, queries), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true", help="compare every analysis variant")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arshif-quality-") as tmp:
        work = Path(tmp)
        corpus = body_only_corpus(work / "news-dev-body.jsonl")
        print(f"machine: {machine()}; corpus: news-dev bodies only; queries: queries-dev.jsonl (600)")
        print("| analysis | kind | MRR@10 | R@10 | R@100 |")
        print("| --- | --- | ---: | ---: | ---: |")
        for config in VARIANTS if args.sweep else VARIANTS[:1]:
            metrics, seconds = evaluate(config, corpus, work)
            for kind in ("title", "perturbed", "all"):
                m = metrics[kind]
                print(f"| {config.name} | {kind} | {m['MRR@10']:.4f} | {m['R@10']:.4f} | {m['R@100']:.4f} |")


if __name__ == "__main__":
    main()
