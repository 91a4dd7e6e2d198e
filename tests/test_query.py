"""The query language: every construct, strict errors with positions, lenient recovery."""

from datetime import datetime

import pytest

from search.query import Group, Occur, Phrase, QuerySyntaxError, Word, parse, parse_date_range, parse_lenient


def test_bare_words_are_optional():
    query = parse("البوكمال دير")
    assert [(c.occur, c.node) for c in query.clauses] == [
        (Occur.should, Word("البوكمال")),
        (Occur.should, Word("دير")),
    ]


def test_phrase_must_and_must_not():
    query = parse('"دير الزور" +ميليشيات -العراق')
    assert [(c.occur, c.node) for c in query.clauses] == [
        (Occur.should, Phrase("دير الزور")),
        (Occur.must, Word("ميليشيات")),
        (Occur.must_not, Word("العراق")),
    ]


def test_or_joins_alternatives_into_one_clause():
    (clause,) = parse("سوريا OR العراق OR لبنان").clauses
    assert isinstance(clause.node, Group) and clause.node.any_of
    assert [c.node.text for c in clause.node.clauses] == ["سوريا", "العراق", "لبنان"]


def test_required_or_group():
    (clause, other) = parse("+(سوريا OR العراق) نفط").clauses
    assert clause.occur is Occur.must and isinstance(clause.node, Group)
    assert other.node == Word("نفط")


def test_field_restrictions_and_filters():
    query = parse('title:البوكمال body:"الحرس الثوري" source:okaz -source:was lang:ar date:2015-07')
    assert [c.node for c in query.clauses] == [Word("البوكمال", "title"), Phrase("الحرس الثوري", "body")]
    assert query.filters.sources == ("okaz",)
    assert query.filters.exclude_sources == ("was",)
    assert query.filters.langs == ("ar",)
    assert query.filters.date_from == datetime(2015, 7, 1)
    assert query.filters.date_to == datetime(2015, 8, 1)


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("2015", datetime(2015, 1, 1), datetime(2016, 1, 1)),
        ("2015-02", datetime(2015, 2, 1), datetime(2015, 3, 1)),
        ("2015-07-21", datetime(2015, 7, 21), datetime(2015, 7, 22)),
        ("2015-07-01..2015-07-15", datetime(2015, 7, 1), datetime(2015, 7, 16)),
        ("2015-07-01..", datetime(2015, 7, 1), None),
        ("..2015-07", None, datetime(2015, 8, 1)),
        (">=2015-08-01", datetime(2015, 8, 1), None),
        (">2015-08-01", datetime(2015, 8, 2), None),
        ("<2015-08", None, datetime(2015, 8, 1)),
        ("<=2015-08", None, datetime(2015, 9, 1)),
    ],
)
def test_date_ranges(value, low, high):
    assert parse_date_range(value) == (low, high)


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ('البوكمال "دير الزور', 9, "unbalanced '\"'"),
        ("- البوكمال", 0, "'-' must be followed"),
        ("(سوريا العراق", 0, "unbalanced '('"),
        ("سوريا)", 5, "unbalanced ')'"),
        ("OR سوريا", 0, "OR needs"),
        ("date:2015-13", 5, "no month 13"),
        ("date:yesterday", 5, "not a date"),
        ("date:2015-08..2015-07", 5, "ends before it starts"),
    ],
)
def test_strict_parse_names_the_problem_and_position(text, position, message):
    with pytest.raises(QuerySyntaxError) as error:
        parse(text)
    assert error.value.position == position
    assert message in error.value.message


def test_lenient_parse_recovers_and_reports():
    query, problems = parse_lenient('البوكمال "دير الزور')
    assert [c.node for c in query.clauses] == [Word("البوكمال"), Phrase("دير الزور")]
    assert len(problems) == 1 and problems[0].position == 9


def test_positive_text_leaves_out_exclusions_and_filters():
    assert parse('+a "b c" -d source:x (e OR f)').positive_text() == "a b c e f"


def test_hyphenated_words_are_not_operators():
    assert parse("co-operation").clauses[0].node == Word("co-operation")
