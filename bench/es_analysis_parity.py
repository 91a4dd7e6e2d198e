"""How closely the Elasticsearch index analyzers reproduce our analysis, on
the dev archive, without a server: runs ``parity.AnalyzerModel`` (a model of
the analyzers ``mapping.py`` defines) and ``search.analysis.Analyzer`` over
every article and counts the articles and terms where they differ.

    python bench/es_analysis_parity.py [--data ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

from search.analysis import AnalysisConfig, Analyzer
from search.backends.elasticsearch.mapping import analysis
from search.backends.elasticsearch.parity import AnalyzerModel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0 = all)")
    parser.add_argument("--stemmer", default="lucene")
    args = parser.parse_args()
    archive = args.data / "news-dev.jsonl.gz"
    if not archive.exists():
        print(f"no {archive}: pass --data DIR holding news-dev.jsonl.gz", file=sys.stderr)
        return 1
    config = AnalysisConfig(stemmer=args.stemmer)
    model, ours = AnalyzerModel(analysis(config)), Analyzer(config)
    articles = terms = differing_articles = differing_terms = 0
    examples: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    with gzip.open(archive, "rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            text = f"{record.get('title', '')}\n{record.get('body', record.get('text', ''))}"
            for kind in ("exact_terms", "terms"):
                theirs, mine = getattr(model, kind)(text), getattr(ours, kind)(text)
                terms += len(mine)
                if theirs != mine:
                    differing_articles += kind == "terms"
                    pairs = [(a, b) for a, b in zip(theirs, mine, strict=False) if a != b]
                    differing_terms += max(len(pairs), abs(len(theirs) - len(mine)))
                    examples.update(pairs[:3])
            articles += 1
            if args.limit and articles >= args.limit:
                break
    seconds = time.perf_counter() - started
    print(f"analysis {config.name}, {articles:,} articles, {terms:,} terms (exact + ranking) in {seconds:.0f} s")
    print(f"articles whose ranking terms differ: {differing_articles:,} ({differing_articles / max(articles, 1):.4%})")
    print(f"terms that differ (upper bound):     {differing_terms:,} ({differing_terms / max(terms, 1):.5%})")
    for (theirs, mine), count in examples.most_common(10):
        print(f"  {count:6,}  elasticsearch {theirs!r}  ours {mine!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
