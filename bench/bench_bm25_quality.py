"""(b) BM25 quality on the known-item queries, index built from bodies only.

Runs the product configuration, or with ``--sweep`` every analysis variant
that docs/benchmarks.md compares (stemmer, hamza-seat folding, stop words),
each on its own fresh index, or with ``--ablation`` the product analysis with
the exact-spelling and proximity bonuses switched off and on. Prints
MRR@10 / Recall@10 / Recall@100 per query kind. Lucene's ArabicAnalyzer
reference on the same task: MRR@10 0.709.

    python -m bench.bench_bm25_quality [--sweep | --ablation]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from unittest.mock import patch

from bench.common import DATA, body_only_file, machine, need
from indexer.pipeline import IndexRun, RejectsFile
from search.analysis import AnalysisConfig
from search.backends.embedded import compile
from search.backends.embedded.store import EmbeddedBackend
from search.engine import SearchService
from search.evaluate import Scores, load_judged
from search.evaluate import evaluate as score
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


def build(config: AnalysisConfig, corpus: Path, work: Path) -> EmbeddedBackend:
    path = work / config.name.replace(":", "_")
    if not path.exists():
        backend = EmbeddedBackend(path, IndexMeta(analysis=config), create=True)
        IndexRun(backend, RejectsFile(work / "rejects.jsonl")).run([corpus])
        backend.close()
    return EmbeddedBackend(path)


def evaluate(backend: EmbeddedBackend) -> dict[str, Scores]:
    service = SearchService(backend, backend.analyzer)
    queries = load_judged(need(DATA / "queries-dev.jsonl"))
    runs = {
        q.qid: [h.id for h in service.search(SearchRequest(query=q.query, limit=100, snippets=False,
                                                           mode=Mode.bm25)).hits]
        for q in queries
    }
    return {scores.kind: scores for scores in score(queries, runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true", help="compare every analysis variant")
    parser.add_argument("--ablation", action="store_true", help="switch the ranking bonuses off and on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arshif-quality-") as tmp:
        work = Path(tmp)
        corpus = body_only_file(work)
        print(f"machine: {machine()}; corpus: news-dev bodies only; queries: queries-dev.jsonl (600)")
        print("| analysis | kind | MRR@10 | R@10 | R@100 |")
        print("| --- | --- | ---: | ---: | ---: |")
        if args.ablation:
            backend = build(VARIANTS[0], corpus, work)
            for exact, proximity in ((0.0, 0.0), (compile.EXACT_BOOST, 0.0), (0.0, compile.PROXIMITY_BOOST),
                                     (compile.EXACT_BOOST, compile.PROXIMITY_BOOST)):
                with patch.multiple(compile, EXACT_BOOST=exact, PROXIMITY_BOOST=proximity):
                    report(f"exact bonus {exact}, proximity bonus {proximity}", evaluate(backend))
            return
        for config in VARIANTS if args.sweep else VARIANTS[:1]:
            report(config.name, evaluate(build(config, corpus, work)))


def report(name: str, metrics: dict[str, Scores]) -> None:
    for kind in ("title", "perturbed", "all"):
        m = metrics[kind]
        print(f"| {name} | {kind} | {m.mrr_10:.4f} | {m.recall_10:.4f} | {m.recall_100:.4f} |")


if __name__ == "__main__":
    main()
