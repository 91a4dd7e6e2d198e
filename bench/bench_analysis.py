"""Indexing analysis on news-dev: the batch path against the word-by-word one.

Indexing analyses titles and bodies with ``Analyzer.joined_many`` on chunks of
200 articles (the size the indexer's workers get): normalization by table
and the Lucene light stemmer by array. Querying and highlighting analyse word
by word, with offsets. This prints the CPU time of the batch path over all of
news-dev and of the word-by-word path over a sample, per 1,000 words, and
checks that both give every text the same terms and exact terms (the index
and the query must agree). Run::

    python -m bench.bench_analysis [--sample 3000]
"""

from __future__ import annotations

import argparse
import time

from bench.common import DATA, machine, news
from search.analysis import Analyzer

CHUNK = 200


def _cpu(work):
    started = time.process_time()
    result = work()
    return result, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=3000, help="articles checked word by word (slow)")
    args = parser.parse_args()
    articles = [(record.get("title") or "", record.get("body") or "") for record in news(DATA)]
    words = sum(len(title.split()) + len(body.split()) for title, body in articles)
    analyzer = Analyzer()

    def batches() -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for start in range(0, len(articles), CHUNK):
            chunk = articles[start : start + CHUNK]
            out += analyzer.joined_many([title for title, _ in chunk] + [body for _, body in chunk])[len(chunk) :]
        return out

    joined, first = _cpu(batches)
    _, second = _cpu(batches)
    sample = articles[: args.sample]
    sample_words = sum(len(body.split()) for _, body in sample)
    reference, by_word = _cpu(lambda: [(analyzer.terms(body), analyzer.exact_terms(body)) for _, body in sample])
    differ = sum(
        (terms.split(), exact.split()) != expected for (terms, exact), expected in zip(joined, reference, strict=False)
    )
    print(f"machine: {machine()}; news-dev: {len(articles):,} articles, {words:,} words (titles and bodies)")
    print(f"batch path (joined_many, chunks of {CHUNK} articles): {first:.2f} s, then {second:.2f} s warm")
    print(f"  per word: {first / words * 1e9:.0f} ns")
    print(f"word-by-word path with offsets, first {len(sample):,} bodies: {by_word:.2f} s")
    print(f"  per word: {by_word / sample_words * 1e9:.0f} ns")
    print(f"bodies whose terms differ between the two paths: {differ} of {len(reference):,}")
    if differ:
        raise SystemExit("the indexing and query paths disagree")


if __name__ == "__main__":
    main()
