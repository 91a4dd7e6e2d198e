"""Snippets: original text, every match marked, everything escaped."""

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
