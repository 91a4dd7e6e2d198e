"""Compile a parsed ``Query`` and ``Filters`` into a tantivy query.

Words become term queries on the stemmed fields, phrases become phrase
queries on the unstemmed ``*_exact`` fields; both search title and body
unless a field was named; every term is spelt as the index spells it
(``ONE_BYTE``). Filters never add to the score. The exact-spelling
and proximity bonuses of ``search.ranking`` are added as boosted ``Should``
clauses, so they never change which documents match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import tantivy

from search.analysis import Analyzer
from search.analysis.alphabet import ONE_BYTE
from search.backends.embedded.schema import EXACT, TEXT_FIELDS
from search.models import Filters
from search.query import Clause, Group, Occur, Phrase, Query, Word
from search.ranking import EXACT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP, proximity_pairs

_spell = ONE_BYTE.spell
_OCCUR = {Occur.should: tantivy.Occur.Should, Occur.must: tantivy.Occur.Must, Occur.must_not: tantivy.Occur.MustNot}


def _any(queries: list[tantivy.Query]) -> tantivy.Query | None:
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


class Compiler:
    def __init__(self, schema: tantivy.Schema, analyzer: Analyzer) -> None:
        self.schema = schema
        self.analyzer = analyzer

    def word(self, node: Word, scored: bool = True) -> tantivy.Query | None:
        """The stemmed terms, plus (``scored``) the exact-spelling bonus: a
        word found as spelt is always found stemmed, so the bonus changes no
        match and unscored queries (facets, counts) leave its look-ups out."""
        fields = (node.field,) if node.field else TEXT_FIELDS
        pairs = [(_spell(word), _spell(term)) for word, term in self.analyzer.word_pairs(node.text) if term]
        stemmed = [tantivy.Query.term_query(self.schema, f, term) for _, term in pairs for f in fields]
        if not scored:
            return _any(stemmed)
        exact = [
            tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, EXACT[f], word), EXACT_BOOST)
            for word, _ in pairs
            for f in fields
        ]
        return _any(stemmed + exact)

    def proximity(self, clauses: tuple[Clause, ...]) -> list[tantivy.Query]:
        """Bonus for each pair of consecutive query words found close together."""
        bonus = []
        for field_name, first, second in proximity_pairs(clauses, self.analyzer):
            for f in (field_name,) if field_name else TEXT_FIELDS:
                words = [_spell(first), _spell(second)]
                phrase = tantivy.Query.phrase_query(self.schema, EXACT[f], words, PROXIMITY_SLOP)
                bonus.append(tantivy.Query.boost_query(phrase, PROXIMITY_BOOST))
        return bonus

    def phrase(self, node: Phrase) -> tantivy.Query | None:
        fields = (node.field,) if node.field else TEXT_FIELDS
        words = list(map(_spell, self.analyzer.exact_terms(node.text)))
        if not words:
            return None
        if len(words) == 1:
            return _any([tantivy.Query.term_query(self.schema, EXACT[f], words[0]) for f in fields])
        return _any([tantivy.Query.phrase_query(self.schema, EXACT[f], words) for f in fields])

    def node(self, node: Word | Phrase | Group, scored: bool = True) -> tantivy.Query | None:
        if isinstance(node, Word):
            return self.word(node, scored)
        if isinstance(node, Phrase):
            return self.phrase(node)
        return self.clauses(node.clauses, scored)

    def clauses(self, clauses: tuple[Clause, ...], scored: bool = True) -> tantivy.Query | None:
        compiled = []
        for clause in clauses:
            query = self.node(clause.node, scored)
            if query is not None:  # a stop word alone constrains nothing
                compiled.append((_OCCUR[clause.occur], query))
        if not compiled:
            return None
        if all(occur == tantivy.Occur.MustNot for occur, _ in compiled):
            compiled.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        if len(compiled) == 1 and compiled[0][0] != tantivy.Occur.MustNot:
            return compiled[0][1]
        return tantivy.Query.boolean_query(compiled)

    def filters(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        out = []

        def terms(field: str, values: tuple[str, ...], occur: tantivy.Occur) -> None:
            if values:
                query = tantivy.Query.term_set_query(self.schema, field, list(values))
                out.append((occur, tantivy.Query.const_score_query(query, 0.0)))

        terms("source", filters.sources, tantivy.Occur.Must)
        terms("lang", filters.langs, tantivy.Occur.Must)
        terms("source", filters.exclude_sources, tantivy.Occur.MustNot)
        terms("lang", filters.exclude_langs, tantivy.Occur.MustNot)
        for field, low, high in (
            ("date", filters.date_from, filters.date_to),
            ("indexed_at", filters.indexed_after, None),
        ):
            if low or high:
                query = tantivy.Query.range_query(
                    self.schema, field, tantivy.FieldType.Date, _utc(low), _utc(high), True, high is None
                )
                out.append((tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)))
        return out

    def compile(self, query: Query, filters: Filters, scored: bool = True) -> tantivy.Query:
        """The whole request; an empty text query with filters browses them.
        ``scored=False``: only which articles match (facets, counts), so
        neither bonus, whose look-ups would change no count."""
        text = self.clauses(query.clauses, scored)
        parts = self.filters(filters)
        if text is None:
            if not query.is_empty:  # only stop words: nothing can match
                return tantivy.Query.empty_query()
            text = tantivy.Query.all_query()
        elif scored:
            parts += [(tantivy.Occur.Should, q) for q in self.proximity(query.clauses)]
        if not parts:
            return text
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, text), *parts])

    def result_set(self, query: Query | None, filters: Filters, ids: Sequence[str]) -> tantivy.Query:
        """A search's result set, for its facets and total: the articles
        matching ``query`` (none when ``None``) or named in ``ids`` (its vector
        hits), within ``filters``."""
        if not ids:
            return self.compile(query, filters, scored=False) if query is not None else tantivy.Query.empty_query()
        found = _any([tantivy.Query.term_query(self.schema, "id", doc_id) for doc_id in ids])
        text = self.clauses(query.clauses, scored=False) if query is not None else None
        if text is not None:
            found = tantivy.Query.boolean_query([(tantivy.Occur.Should, text), (tantivy.Occur.Should, found)])
        parts = self.filters(filters)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, found), *parts]) if parts else found


# tantivy dates are nanoseconds in an i64: about 1677-09-21 .. 2262-04-11.
# A bound beyond them is clamped (it excludes nothing more), instead of failing.
_EARLIEST = datetime(1678, 1, 1, tzinfo=UTC)
_LATEST = datetime(2262, 1, 1, tzinfo=UTC)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return min(max(value, _EARLIEST), _LATEST)
