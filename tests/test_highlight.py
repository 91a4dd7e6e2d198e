"""Snippets: original text, every match marked, everything escaped."""

import re
from html import unescape
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from search import highlight
from search.analysis import Analyzer
from search.highlight import MatchSet, highlight_all, snippets
from search.query import parse

ANALYZER = Analyzer()


def match(text: str) -> MatchSet:
    return MatchSet.from_query(parse(text), ANALYZER)


def test_marks_the_original_spelling_whatever_the_query_spelling():
    body = "اجتمع القادة في مدينة البُوكمَال أمس."
    for query in ("البوكمال", "البُوكمَال", "ألبوكمال", "البوكمـــال"):
        (snippet,) = snippets(body, ANALYZER, match(query))
        assert "<mark>البُوكمَال</mark>" in snippet


def test_stemmed_forms_are_marked():
    (snippet,) = snippets("زار المعلمون المدرسة والمعلمات كذلك", ANALYZER, match("معلم"))
    assert snippet.count("<mark>") == 2


def test_article_html_is_escaped_and_only_marks_are_markup():
    body = 'خبر <script>alert("x")</script> عن البوكمال & <img src=x onerror=alert(1)>'
    (snippet,) = snippets(body, ANALYZER, match("البوكمال"))
    assert "<script>" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_phrase_marks_only_the_exact_sequence():
    body = "دير الزور مدينة. وفي دير آخر بعيد عن الزور."
    (snippet,) = snippets(body, ANALYZER, match('"دير الزور"'))
    assert snippet.startswith("<mark>دير</mark> <mark>الزور</mark>")
    assert snippet.count("<mark>") == 2


def test_windows_pick_the_densest_passages_and_cut_at_words():
    filler = " ".join(["كلام"] * 80)
    body = f"{filler} البوكمال {filler} البوكمال دير الزور {filler}"
    result = snippets(body, ANALYZER, match("البوكمال الزور"), count=1)
    assert len(result) == 1
    assert "<mark>البوكمال</mark> دير <mark>الزور</mark>" in result[0]
    assert result[0].startswith("…") and result[0].endswith("…")
    inner = result[0].strip("…")
    assert inner.startswith("كلام") and inner.endswith("كلام")


def test_up_to_three_windows_in_text_order():
    filler = " ".join(["كلام"] * 100)
    body = f"سوريا {filler} العراق {filler} لبنان {filler} الأردن"
    result = snippets(body, ANALYZER, match("سوريا العراق لبنان الأردن"))
    assert len(result) == 3
    assert [s.find("<mark>") >= 0 for s in result] == [True] * 3
    assert "سوريا" in result[0]


def test_no_match_gives_the_lead():
    (snippet,) = snippets("بداية الخبر هنا " * 40, ANALYZER, match("غائب"))
    assert snippet.startswith("بداية") and "<mark>" not in snippet


def test_highlight_all_keeps_the_whole_text():
    body = "  البوكمال <b>مدينة</b>…  "
    html = highlight_all(body, ANALYZER, match("البوكمال"))
    assert html == "  <mark>البوكمال</mark> &lt;b&gt;مدينة&lt;/b&gt;…  "


def test_marks_only_the_word_inside_punctuation_and_joined_words():
    body = "(البوكمال)، سوريا/البوكمال و«البوكمال»"
    html = highlight_all(body, ANALYZER, match("البوكمال"))
    assert html == "(<mark>البوكمال</mark>)، سوريا/<mark>البوكمال</mark> و«<mark>البوكمال</mark>»"


def test_windows_never_repeat_text():
    body = " ".join(f"البوكمال كلمة{i} الزور" for i in range(60))
    result = snippets(body, ANALYZER, match("البوكمال الزور"))
    texts = [s.strip("…").replace("<mark>", "").replace("</mark>", "") for s in result]
    positions = [body.index(t) for t in texts]
    assert positions == sorted(positions)
    assert all(a + len(t) <= b for a, t, b in zip(positions, texts, positions[1:]))


def test_phrase_split_by_punctuation_and_lines_is_found():
    body = "قال إن دير،\nالزور هادئة"
    html = highlight_all(body, ANALYZER, match('"دير الزور"'))
    assert html == "قال إن <mark>دير</mark>،\n<mark>الزور</mark> هادئة"


PIECES = [
    "البوكمال", "البُوكمَال", "بالبوكمال", "الزور", "سوريا", "في", "Syria", "syrian", "ﻻ", "٣", "<b>", "&", "،", "(", "/",
    "٢٠١٥م", "2015", "أوبك", "لأوبك", "Oil", "oils", "cafe\u0301", "ﷺ", "ΑΣ", "الـــزور", "سوري\u200cا",
]
GAPS = [" ", "\n", "\xa0", "  ", "", "\u200f"]


def marked_spans(html: str) -> list[tuple[int, int]]:
    """Where the ``<mark>``s of ``html`` sit in the unescaped text."""
    spans, position = [], 0
    for i, part in enumerate(re.split(r"</?mark>", html)):
        length = len(unescape(part))
        if i % 2:
            spans.append((position, position + length))
        position += length
    return spans


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40),
    st.lists(st.sampled_from(PIECES[:8]), min_size=1, max_size=3),
)
def test_chunk_matching_marks_exactly_the_words_word_analysis_finds(pieces, query_words):
    """Matching works on white-space-free chunks for speed; it must mark the
    very words that analysing every word would."""
    text = "".join(piece + gap for piece, gap in pieces)
    wanted = match(" ".join(query_words))
    expected = []
    for token in ANALYZER.tokens(text):
        if token.term in wanted.terms and (not expected or token.start >= expected[-1][1]):
            expected.append((token.start, token.end))
    assert marked_spans(highlight_all(text, ANALYZER, wanted)) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40),
    st.lists(st.sampled_from(PIECES[:8] + PIECES[15:22]), min_size=1, max_size=3),
    st.booleans(),
)
def test_candidate_chunks_change_no_mark(pieces, query_words, phrase):
    """The folded-text pass that picks candidate chunks only saves work: the
    marks are those of analysing every chunk."""
    text = "".join(piece + gap for piece, gap in pieces)
    query = " ".join(query_words)
    wanted = match(f'"{query}"' if phrase else query)
    with mock.patch.object(highlight, "_candidates", lambda flat, match: highlight._all_chunks(flat)):
        everything = highlight_all(text, ANALYZER, wanted)
    assert highlight_all(text, ANALYZER, wanted) == everything


def test_a_lone_surrogate_neither_breaks_snippets_nor_indexing():
    """No UTF-32 for it: the whole-text tables step aside, and the text is
    matched and analysed chunk by chunk."""
    text = "في البوكمال \ud800 اليوم"
    assert snippets(text, ANALYZER, match("البوكمال")) == ["في <mark>البوكمال</mark> \ud800 اليوم"]
    long = " ".join([text] * 20)
    terms, exact = ANALYZER.joined(long)
    assert exact.split() == [t.exact for t in ANALYZER.tokens(long)] and "بوكمال" in terms.split()
