"""The terms an article's text fields get: our analyzer's output, spelt one
byte per letter (``search.analysis.alphabet``), which the index only splits on
white space (``schema``).

Analysis is pure Python and most of an indexing run's CPU time, so the
indexer computes it in its worker processes (``Backend.preparer``) and hands
the result to ``upsert``. ``FieldAnalysis`` is pickled as its configuration;
each process builds its own ``Analyzer`` (and word cache) from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from search.analysis import AnalysisConfig, Analyzer
from search.analysis.alphabet import ONE_BYTE
from search.analysis.codepoints import word_table
from search.models import Article

# (title terms, title exact, body terms, body exact), each space-joined
Analysed = tuple[str, str, str, str]


def analyse(analyzer: Analyzer, articles: Sequence[Article]) -> list[Analysed]:
    """Every article's fields, in one ``joined_many`` call: analysis by array
    pays off over many texts."""
    texts = [article.title for article in articles] + [article.body for article in articles]
    joined = analyzer.joined_many(texts, ONE_BYTE)
    titles, bodies = joined[: len(articles)], joined[len(articles) :]
    return [(*title, *body) for title, body in zip(titles, bodies, strict=True)]


class FieldAnalysis:
    """``articles -> [Analysed]`` for one analysis configuration."""

    def __init__(self, config: AnalysisConfig) -> None:
        self.config = config
        word_table(config.hamza_seats)  # built once here: forked workers share it

    @cached_property
    def analyzer(self) -> Analyzer:
        return Analyzer(self.config)

    def __reduce__(self) -> tuple[type, tuple[AnalysisConfig]]:
        return FieldAnalysis, (self.config,)

    def __call__(self, articles: Sequence[Article]) -> list[Analysed]:
        return analyse(self.analyzer, articles)
