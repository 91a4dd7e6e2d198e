"""Score bonuses every backend adds to BM25, declared once so that a query
ranks the same way on each engine. Chosen by measurement on the dev archive
(docs/benchmarks.md), they never change which documents match:

* a word spelled as in the query (its unstemmed form, on the ``*_exact``
  field) counts ``EXACT_BOOST`` extra;
* each pair of consecutive wanted query words found within ``PROXIMITY_SLOP``
  positions of each other (a sloppy phrase on the exact field) counts
  ``PROXIMITY_BOOST`` extra, which is what a known headline or a name looks like.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from search.analysis import Analyzer
from search.query import Clause, Occur, Word

EXACT_BOOST = 0.2
PROXIMITY_BOOST = 0.3
PROXIMITY_SLOP = 2


def word_runs(clauses: tuple[Clause, ...]) -> Iterator[tuple[str | None, list[str]]]:
    """Maximal runs of consecutive wanted words of one field, in query order."""
    run: list[str] = []
    field: str | None = None
    for clause in clauses:
        node = clause.node
        wanted = isinstance(node, Word) and clause.occur is not Occur.must_not
        if run and (not wanted or node.field != field):
            yield field, run
            run = []
        if wanted:
            run.append(node.text)
            field = node.field
    if run:
        yield field, run


def proximity_pairs(clauses: tuple[Clause, ...], analyzer: Analyzer) -> Iterator[tuple[str | None, str, str]]:
    """``(field, first, second)`` for each pair of consecutive wanted words,
    as unstemmed terms (what the exact field holds); ``field`` is None when
    the words were not limited to one field."""
    for field, texts in word_runs(clauses):
        for first, second in pairwise(analyzer.exact_terms(" ".join(texts))):
            yield field, first, second
