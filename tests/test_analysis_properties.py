"""Property tests: analysis never crashes, offsets stay in bounds and in
order, and harakat/tatweel never change the terms."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import Analyzer
from search.analysis.codepoints import plain_words
from search.analysis.normalize import INVISIBLE

ANALYZER = Analyzer()
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MIXED = st.text(alphabet=st.one_of(ARABIC, st.characters(), st.sampled_from(" \n\u00a0")), max_size=200)
ARABIC_WORDS = st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=8),
    min_size=1,
    max_size=12,
).map(" ".join)
# Characters whose normalization depends on their neighbours or expands,
# beside the ones it does not: what the whole-text tables must tell apart.
TRICKY = st.one_of(
    ARABIC,
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),  # presentation forms
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # Hangul jamo (compose)
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # Latin combining marks
    st.sampled_from("AZaz09_ İΣσςÉé²Ａ①ﷺ가\u00a0\u2026\u200b\u200d\u200f\u0640\u0653\u0654\u0655\n\t"),
    st.characters(),
)
HARAKAT = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640", "\u0670", *sorted(INVISIBLE)]


@settings(max_examples=300)
@given(MIXED)
def test_analysis_never_crashes_and_offsets_stay_in_the_text(text):
    previous_start = 0
    for token in ANALYZER.tokens(text):
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous_start
        previous_start = token.start
        assert token.exact


@settings(max_examples=300)
@given(MIXED)
def test_fast_indexing_path_equals_offset_path(text):
    terms, exact = ANALYZER.joined(text)
    assert terms.split() == [t.term for t in ANALYZER.tokens(text) if t.term]
    assert exact.split() == [t.exact for t in ANALYZER.tokens(text)]


@settings(max_examples=500)
@given(st.text(alphabet=TRICKY, max_size=40))
def test_whole_text_normalization_equals_per_word(text):
    words = plain_words(text, hamza_seats=False, longest=8)
    if words is not None:
        assert words.split() == [t.exact for t in ANALYZER.tokens(text)]
        assert all(len(word) <= 8 for word in words.split())


@settings(max_examples=300)
@given(ARABIC_WORDS, st.integers(min_value=0, max_value=2**32))
def test_adding_harakat_and_tatweel_never_changes_terms(text, seed):
    rng = random.Random(seed)
    decorated = "".join(ch + (rng.choice(HARAKAT) if ch != " " and rng.random() < 0.4 else "") for ch in text)
    assert ANALYZER.terms(decorated) == ANALYZER.terms(text)
    assert ANALYZER.exact_terms(decorated) == ANALYZER.exact_terms(text)
