"""Compile a parsed ``Query`` and ``Filters`` into Elasticsearch Query DSL.

Pure functions from our tree to dicts (no I/O), mirroring
``search.backends.embedded.compile``: words become ``match`` queries on the
stemmed fields (summed over title and body), phrases ``match_phrase`` on the
unstemmed ``.exact`` sub-fields, and filters go in ``filter``/``must_not``
where they never add to the score. Whether a word is a stop word is decided
by our analyzer, as in the embedded backend, so ``+في`` constrains nothing
on either engine.

The ranking bonuses of ``search.ranking`` are the embedded backend's: each
word also matches its unstemmed spelling on ``.exact`` (boost
``EXACT_BOOST``), and each pair of consecutive wanted words adds an optional
sloppy ``match_phrase`` on ``.exact`` (boost ``PROXIMITY_BOOST``) beside the
required text query, so neither changes which documents match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from search.analysis import Analyzer
from search.backends.elasticsearch.mapping import EXACT_SUFFIX, TEXT_FIELDS
from search.models import Filters
from search.query import Clause, Group, Phrase, Query, Word
from search.ranking import EXACT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP, proximity_pairs

Dsl = dict[str, Any]
MATCH_ALL: Dsl = {"match_all": {}}
MATCH_NONE: Dsl = {"match_none": {}}


def _any(queries: list[Dsl]) -> Dsl:
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries, "minimum_should_match": 1}}


def _exact(field: str) -> str:
    return f"{field}.{EXACT_SUFFIX}"


def _match(text: str, fields: tuple[str, ...] | list[str], boost: float | None = None) -> Dsl:
    """``text`` analysed by each field's analyzer, scores summed over the fields."""
    options: Dsl = {"boost": boost} if boost is not None else {}
    if len(fields) == 1:
        return {"match": {fields[0]: {"query": text, **options}}}
    return {"multi_match": {"query": text, "fields": list(fields), "type": "most_fields", **options}}


class Compiler:
    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def word(self, node: Word, scored: bool = True) -> Dsl | None:
        """Stemmed match, plus (``scored``) the bonus for the spelling as typed
        (the unstemmed forms of the words that are not stop words), which
        changes no match: unscored queries (facets) leave it out."""
        pairs = [pair for pair in self.analyzer.word_pairs(node.text) if pair[1]]
        if not pairs:
            return None
        fields = (node.field,) if node.field else TEXT_FIELDS
        stemmed = _match(node.text, fields)
        if not scored:
            return stemmed
        exact = _match(" ".join(word for word, _ in pairs), [_exact(f) for f in fields], boost=EXACT_BOOST)
        return _any([stemmed, exact])

    def proximity(self, clauses: tuple[Clause, ...]) -> list[Dsl]:
        """Bonus for each pair of consecutive query words found close together."""
        return [
            {
                "match_phrase": {
                    _exact(f): {"query": f"{first} {second}", "slop": PROXIMITY_SLOP, "boost": PROXIMITY_BOOST}
                }
            }
            for field, first, second in proximity_pairs(clauses, self.analyzer)
            for f in ((field,) if field else TEXT_FIELDS)
        ]

    def phrase(self, node: Phrase) -> Dsl | None:
        if not self.analyzer.exact_terms(node.text):
            return None
        fields = (node.field,) if node.field else TEXT_FIELDS
        return _any([{"match_phrase": {_exact(f): {"query": node.text}}} for f in fields])

    def node(self, node: Word | Phrase | Group, scored: bool = True) -> Dsl | None:
        if isinstance(node, Word):
            return self.word(node, scored)
        if isinstance(node, Phrase):
            return self.phrase(node)
        return self.clauses(node.clauses, scored)

    def clauses(self, clauses: tuple[Clause, ...], scored: bool = True) -> Dsl | None:
        """A bool query; ``None`` when every clause was only stop words."""
        occurs: dict[str, list[Dsl]] = {"must": [], "should": [], "must_not": []}
        for clause in clauses:
            query = self.node(clause.node, scored)
            if query is not None:
                occurs[clause.occur.value].append(query)
        if not any(occurs.values()):
            return None
        if not occurs["must"] and not occurs["should"]:
            occurs["must"].append(MATCH_ALL)
        if len(occurs["must"]) + len(occurs["should"]) == 1 and not occurs["must_not"]:
            return (occurs["must"] or occurs["should"])[0]
        body: Dsl = {occur: queries for occur, queries in occurs.items() if queries}
        if occurs["should"] and not occurs["must"]:
            body["minimum_should_match"] = 1
        return {"bool": body}

    def filters(self, filters: Filters) -> tuple[list[Dsl], list[Dsl]]:
        """``(filter, must_not)`` clauses: restrictions that never score."""
        keep: list[Dsl] = []
        drop: list[Dsl] = []
        for field, values, into in (
            ("source", filters.sources, keep),
            ("lang", filters.langs, keep),
            ("source", filters.exclude_sources, drop),
            ("lang", filters.exclude_langs, drop),
        ):
            if values:
                into.append({"terms": {field: list(values)}})
        for field, low, high in (
            ("date", filters.date_from, filters.date_to),
            ("indexed_at", filters.indexed_after, None),
        ):
            bounds = {k: _iso(v) for k, v in (("gte", low), ("lt", high)) if v is not None}
            if bounds:
                keep.append({"range": {field: bounds}})
        return keep, drop

    def filter_query(self, filters: Filters) -> Dsl | None:
        """Filters alone (for kNN's ``filter``); ``None`` when there are none."""
        keep, drop = self.filters(filters)
        if not keep and not drop:
            return None
        body: Dsl = {}
        if keep:
            body["filter"] = keep
        if drop:
            body["must_not"] = drop
        return {"bool": body}

    def compile(self, query: Query, filters: Filters, scored: bool = True) -> Dsl:
        """The whole request; an empty text query with filters browses them.
        ``scored=False``: only which articles match (facets), so neither
        bonus, which would change no count."""
        text = self.clauses(query.clauses, scored)
        bonus: list[Dsl] = []
        if text is None:
            text = MATCH_ALL if query.is_empty else MATCH_NONE
        elif scored:
            bonus = self.proximity(query.clauses)
        restriction = self.filter_query(filters)
        if restriction is None and not bonus:
            return text
        body: Dsl = {"must": [text]}
        if bonus:
            body["should"] = bonus
        if restriction is not None:
            body.update(restriction["bool"])
        return {"bool": body}

    def result_set(self, query: Query | None, filters: Filters, ids: Sequence[str]) -> Dsl:
        """A search's result set, for its facets and total: the articles
        matching ``query`` (none when ``None``) or named in ``ids`` (its vector
        hits), within ``filters``."""
        if not ids:
            return self.compile(query, filters, scored=False) if query is not None else MATCH_NONE
        found: Dsl = {"ids": {"values": list(ids)}}
        text = self.clauses(query.clauses, scored=False) if query is not None else None
        if text is not None:
            found = {"bool": {"should": [text, found], "minimum_should_match": 1}}
        restriction = self.filter_query(filters)
        if restriction is None:
            return found
        return {"bool": {"must": [found], **restriction["bool"]}}


def _iso(value: datetime) -> str:
    """UTC ISO-8601, as the ``date`` fields store it; naive means UTC."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")
