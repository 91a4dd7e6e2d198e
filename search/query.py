"""The query language, parsed once into an immutable tree.

Syntax (what a researcher types):

* ``word word``: all words optional, documents with more of them rank higher;
* ``"exact phrase"``: matched word for word on the unstemmed field;
* ``+word`` must occur, ``-word`` must not; ``a OR b``; ``( ... )`` groups;
* ``title:word`` / ``body:"a phrase"`` restrict a word or phrase to a field;
* ``source:okaz``, ``lang:ar``, ``date:2015-07``, ``date:2015-07-01..2015-07-31``,
  ``date:>=2015-07-20``, ``date:<2015-08`` filter (a leading ``-`` excludes).

``parse(text)`` is strict and raises ``QuerySyntaxError`` with the position;
``parse_lenient(text)`` always returns a query plus the problems it skipped
over, for a search box that must answer whatever is typed.
Backends compile the tree (``Clause``/``Word``/``Phrase``/``Group``) into their
own queries; filters come out separately so that vector search applies them too.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from search.models import Filters

TEXT_FIELDS = ("title", "body")
FILTER_FIELDS = ("source", "lang", "date")


class Occur(str, Enum):
    should = "should"
    must = "must"
    must_not = "must_not"


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Group:
    """Parenthesised clauses, or the alternatives of ``a OR b`` (``any_of``)."""

    clauses: tuple[Clause, ...]
    any_of: bool = False


Node = Word | Phrase | Group


@dataclass(frozen=True)
class Clause:
    occur: Occur
    node: Node


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]
    filters: Filters = Filters()

    def positive_text(self) -> str:
        """The words a user wants to find (no exclusions): what an embedder sees."""
        return " ".join(_texts(self.clauses))

    @property
    def is_empty(self) -> bool:
        return not self.clauses


def _texts(clauses: tuple[Clause, ...]) -> list[str]:
    out: list[str] = []
    for clause in clauses:
        if clause.occur is Occur.must_not:
            continue
        node = clause.node
        out.extend(_texts(node.clauses) if isinstance(node, Group) else [node.text])
    return out


class QuerySyntaxError(ValueError):
    """A query the strict parser rejects; ``position`` is a 0-based character index."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        """Picklable with its position: search processes raise it to the server."""
        return QuerySyntaxError, (self.message, self.position)


@dataclass
class _Problem:
    message: str
    position: int


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<open>\()
      | (?P<close>\))
      | (?P<phrase>"[^"]*"?)
      | (?P<field>(?:title|body|source|lang|date):)
      | (?P<op>[+-](?=\S))
      | (?P<lone>[+-])
      | (?P<word>[^\s()"]+)""",
    re.VERBOSE,
)


@dataclass
class _Parser:
    text: str
    problems: list[_Problem] = field(default_factory=list)
    filters: dict[str, object] = field(default_factory=dict)
    pos: int = 0

    def __post_init__(self) -> None:
        self.tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(self.text)]
        self.tokens = [t for t in self.tokens if t[0] != "space"]
        self.i = 0
        self.filters = {"sources": [], "langs": [], "exclude_sources": [], "exclude_langs": []}

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def problem(self, message: str, position: int) -> None:
        self.problems.append(_Problem(message, position))

    def clauses(self, depth: int) -> tuple[Clause, ...]:
        out: list[Clause] = []
        pending_or = False
        while (token := self.peek()) is not None:
            kind, value, position = token
            if kind == "close":
                if depth:
                    break
                self.problem("unbalanced ')'", position)
                self.i += 1
                continue
            if kind == "word" and value == "OR":
                self.i += 1
                if not out or self.peek() is None or self.peek()[0] == "close":
                    self.problem("OR needs a term on both sides", position)
                else:
                    pending_or = True
                continue
            clause = self.clause()
            if clause is None:
                continue
            if pending_or and out:
                out[-1] = _or(out[-1], clause)
            else:
                out.append(clause)
            pending_or = False
        return tuple(out)

    def clause(self) -> Clause | None:
        kind, value, position = self.peek()
        occur = Occur.should
        if kind == "lone":
            self.problem(f"'{value}' must be followed by a term", position)
            self.i += 1
            return None
        if kind == "op":
            occur = Occur.must if value == "+" else Occur.must_not
            self.i += 1
            kind, value, position = self.peek()
        if kind == "field":
            return self.fielded(value[:-1], occur, position)
        node = self.node(None)
        return Clause(occur, node) if node is not None else None

    def node(self, field_name: str | None) -> Node | None:
        kind, value, position = self.peek()
        self.i += 1
        if kind == "open":
            inner = self.clauses(depth=1)
            closing = self.peek()
            if closing is None:
                self.problem("unbalanced '('", position)
            else:
                self.i += 1
            return Group(inner) if inner else None
        if kind == "phrase":
            if len(value) < 2 or not value.endswith('"'):
                self.problem('unbalanced \'"\'', position)
                value = value + '"'
            text = value[1:-1].strip()
            return Phrase(text, field_name) if text else None
        if kind in ("word", "field", "op", "lone"):
            return Word(value, field_name)
        self.problem(f"unexpected '{value}'", position)
        return None

    def fielded(self, name: str, occur: Occur, position: int) -> Clause | None:
        self.i += 1
        token = self.peek()
        if token is None or token[0] in ("close", "open"):
            self.problem(f"'{name}:' needs a value", position)
            return None
        if name in TEXT_FIELDS:
            node = self.node(name)
            return Clause(occur, node) if node is not None else None
        kind, value, value_position = token
        self.i += 1
        value = value.strip('"')
        if name == "date":
            try:
                low, high = parse_date_range(value)
            except ValueError as error:
                self.problem(f"date: {error}", value_position)
                return None
            if occur is Occur.must_not:
                self.problem("a date range cannot be excluded", position)
                return None
            self._narrow("date_from", low, max)
            self._narrow("date_to", high, min)
            return None
        key = {"source": "sources", "lang": "langs"}[name]
        self.filters[("exclude_" + key) if occur is Occur.must_not else key].append(value)
        return None

    def _narrow(self, key: str, value: datetime | None, pick) -> None:
        if value is None:
            return
        current = self.filters.get(key)
        self.filters[key] = value if current is None else pick(current, value)

    def parse(self) -> Query:
        clauses = self.clauses(depth=0)
        filters = Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in self.filters.items()})
        return Query(clauses, filters)


def _or(left: Clause, right: Clause) -> Clause:
    """``a OR b``: one clause that any alternative satisfies; it is required
    only when its first alternative was (``+a OR b``)."""
    alternatives = (
        left.node.clauses if isinstance(left.node, Group) and left.node.any_of else (Clause(Occur.should, left.node),)
    )
    occur = Occur.must if left.occur is Occur.must else Occur.should
    return Clause(occur, Group(alternatives + (Clause(Occur.should, right.node),), any_of=True))


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _period(text: str) -> tuple[datetime, datetime]:
    """``2015``, ``2015-07`` or ``2015-07-21`` -> [start, end) of that period."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(match[1]), match[2], match[3]
    if month is None:
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    month_number = int(month)
    if not 1 <= month_number <= 12:
        raise ValueError(f"'{text}' has no month {month_number}")
    if day is None:
        last = calendar.monthrange(year, month_number)[1]
        return datetime(year, month_number, 1), datetime(year, month_number, last) + timedelta(days=1)
    start = datetime(year, month_number, int(day))
    return start, start + timedelta(days=1)


def parse_date_range(value: str) -> tuple[datetime | None, datetime | None]:
    """A ``date:`` value -> half-open range ``[low, high)``; ``None`` is open."""
    for operator in (">=", "<=", ">", "<"):
        if value.startswith(operator):
            start, end = _period(value[len(operator) :])
            return {">=": (start, None), ">": (end, None), "<=": (None, end), "<": (None, start)}[operator]
    if ".." in value:
        low_text, high_text = value.split("..", 1)
        low = _period(low_text)[0] if low_text else None
        high = _period(high_text)[1] if high_text else None
        if low and high and low >= high:
            raise ValueError(f"'{value}' ends before it starts")
        return low, high
    return _period(value)


def parse(text: str) -> Query:
    """Strict: the first problem raises ``QuerySyntaxError``."""
    parser = _Parser(text)
    query = parser.parse()
    if parser.problems:
        first = parser.problems[0]
        raise QuerySyntaxError(first.message, first.position)
    return query


def parse_lenient(text: str) -> tuple[Query, list[QuerySyntaxError]]:
    """Best effort: skips what it cannot read and says what that was."""
    parser = _Parser(text)
    query = parser.parse()
    return query, [QuerySyntaxError(p.message, p.position) for p in parser.problems]


def merge_filters(a: Filters, b: Filters) -> Filters:
    """Both sets of restrictions at once (a request's filters and the query's)."""

    def both(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        if x and y:
            return tuple(v for v in x if v in y) or ("\x00no-match",)
        return x or y

    def latest(x: datetime | None, y: datetime | None) -> datetime | None:
        return max(x, y) if x and y else x or y

    def earliest(x: datetime | None, y: datetime | None) -> datetime | None:
        return min(x, y) if x and y else x or y

    return Filters(
        sources=both(a.sources, b.sources),
        langs=both(a.langs, b.langs),
        exclude_sources=a.exclude_sources + b.exclude_sources,
        exclude_langs=a.exclude_langs + b.exclude_langs,
        date_from=latest(a.date_from, b.date_from),
        date_to=earliest(a.date_to, b.date_to),
        indexed_after=latest(a.indexed_after, b.indexed_after),
    )
