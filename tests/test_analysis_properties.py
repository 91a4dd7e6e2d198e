"""Property tests: analysis never crashes, offsets stay in bounds and in
order, and harakat/tatweel never change the terms."""

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st

from search.analysis import AnalysisConfig, Analyzer
from search.analysis.alphabet import AS_ANALYSED, ONE_BYTE
from search.analysis.codepoints import PLACEHOLDER_CHAR, normalize_many
from search.analysis.normalize import INVISIBLE

ANALYZER = Analyzer()
LIGHT10 = Analyzer(AnalysisConfig(stemmer="light10"))
NO_STOPS = Analyzer(AnalysisConfig(stopwords=False))
SEATS = Analyzer(AnalysisConfig(hamza_seats=True))
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MIXED = st.text(alphabet=st.one_of(ARABIC, st.characters(), st.sampled_from(" \n\u00a0")), max_size=200)
ARABIC_WORDS = st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=8),
    min_size=1,
    max_size=12,
).map(" ".join)
# Text the whole-text tables always normalize: Arabic letters, harakat,
# tatweel, digits, Latin, punctuation and white space.
PLAIN = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0621, max_codepoint=0x0652),
        st.sampled_from("AZaz09_ .,:؛،«»()-\n\t\u00a0\u0640\u200c\u0660\u0669\u06f5"),
    ),
    max_size=80,
)
# Characters whose normalization depends on their neighbours or expands,
# beside ones whose does not: what the tables must send the per-word way.
TRICKY = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),  # presentation forms
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # Hangul jamo (compose)
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # Latin combining marks
    st.sampled_from("İΣσςÉé²Ａ①ﷺ가\u2026\u200b\u200d\u200f\u0653\u0654\u0655"),
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


def same_as_offset_path(analyzer: Analyzer, texts: list[str]) -> None:
    """The indexing path (``joined_many``) gives each text the terms that
    the word-by-word path with offsets gives, in either alphabet."""
    for alphabet in (AS_ANALYSED, ONE_BYTE):
        for text, (terms, exact) in zip(texts, analyzer.joined_many(texts, alphabet), strict=True):
            tokens = analyzer.tokens(text)
            assert terms.split() == [alphabet.spell(t.term) for t in tokens if t.term]
            assert exact.split() == [alphabet.spell(t.exact) for t in tokens]


@settings(max_examples=300)
@given(MIXED)
def test_fast_indexing_path_equals_offset_path(text):
    long = " ".join([text] * (300 // (len(text) + 1) + 1))  # long enough for the table way
    for sample in (text, long):
        same_as_offset_path(ANALYZER, [sample])
    same_as_offset_path(ANALYZER, [text, long, "", text])


# Words made to exercise the light stemmer: its prefixes and suffixes around
# short and long stems, stop words (some with a prefix), digits and Latin
# words, with harakat that normalization drops.
AFFIXED = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["", "ال", "وال", "بال", "كال", "فال", "لل", "و", "ف", "ب"]),
            st.text(alphabet="بتثكلمنسعيهاوة", min_size=0, max_size=5),
            st.lists(st.sampled_from(["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي", "ى"]), max_size=3),
        ).map(lambda parts: parts[0] + parts[1] + "".join(parts[2])),
        st.sampled_from(
            ["في", "الذي", "اللواتي", "وفي", "هؤلاء", "إلى", "فيه", "the", "The", "running", "2019", "١٢", "سئل"]
        ),
        st.sampled_from(["مُحَمَّد", "الـكتاب", "«البيت»", "Cats", "x", "ا"]),
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=300, deadline=None)  # the first example builds four configurations' tables
@given(st.lists(st.one_of(AFFIXED, MIXED), max_size=6))
@example(["وال " * 100])
@example(["والد الوالدين ببيتها فالكتابات لله ولد " * 10, "İstanbul ﷺ " + "كتاب " * 60])
def test_batches_of_texts_get_the_offset_path_terms(texts):
    """Many texts at once (the Lucene stemmer by array, with or without stop
    words, with ؤ/ئ folded) or with another stemmer (per word after the
    tables), texts the tables cannot do among them."""
    padded = [text + " " + "المكتبات " * (i % 2) * 40 for i, text in enumerate(texts)]
    for analyzer in (ANALYZER, LIGHT10, NO_STOPS, SEATS):
        same_as_offset_path(analyzer, padded)


def same_as_per_word(text: str, longest: int = 100) -> bool:
    """Whether the tables took all of ``text`` (else they left some chunks to
    the per-word way), asserting that they give what normalizing word by word
    gives (words longer than ``longest`` left out), alone and beside other
    texts, with each left chunk's words where its placeholder stands."""
    words = normalize_many([text], hamza_seats=False, longest=longest)
    if words is None:  # no UTF-32 for a lone surrogate: the whole batch goes word by word
        assert any("\ud800" <= char <= "\udfff" for char in text)
        return False
    beside = normalize_many(["كتاب", text, "İstanbul"], hamza_seats=False, longest=longest)
    assert beside is not None and beside.left.get(1) == words.left.get(0)
    assert beside.texts(AS_ANALYSED)[1] == words.texts(AS_ANALYSED)[0]
    left = iter(words.left.get(0, []))
    filled = [
        exact
        for word in words.texts(AS_ANALYSED)[0].split()
        for exact in ([t.exact for t in ANALYZER.tokens(next(left))] if word == PLACEHOLDER_CHAR else [word])
        if len(exact) <= longest
    ]
    assert filled == [t.exact for t in ANALYZER.tokens(text) if len(t.exact) <= longest]
    assert next(left, None) is None
    return not words.left


@settings(max_examples=300)
@given(PLAIN)
def test_the_tables_normalize_plain_text_as_word_by_word(text):
    assert same_as_per_word(text)


@settings(max_examples=500)
@given(PLAIN, st.lists(st.tuples(st.integers(min_value=0), TRICKY), max_size=3))
@example("سؤال و\u0654 ي\u0654ا", [])  # hamza composes with its seat
@example("ΟΔΟΣ ΟΔΟΣ", [])  # final sigma
@example("İstanbul ﻷ ﷺ 가\u11a8", [])  # a lower-case of two letters, ligatures, Hangul
def test_neighbour_dependent_characters_go_the_per_word_way(text, inserts):
    for position, char in inserts:
        position %= len(text) + 1
        text = text[:position] + char + text[position:]
    same_as_per_word(text)
    same_as_per_word(text, longest=4)


@settings(max_examples=300)
@given(ARABIC_WORDS, st.integers(min_value=0, max_value=2**32))
def test_adding_harakat_and_tatweel_never_changes_terms(text, seed):
    rng = random.Random(seed)
    decorated = "".join(ch + (rng.choice(HARAKAT) if ch != " " and rng.random() < 0.4 else "") for ch in text)
    assert ANALYZER.terms(decorated) == ANALYZER.terms(text)
    assert ANALYZER.exact_terms(decorated) == ANALYZER.exact_terms(text)


def test_only_the_chunks_the_tables_cannot_do_go_word_by_word():
    """A ligature or presentation form leaves only its white-space-free chunk
    to the per-word way; a placeholder character in the text is a space."""
    text = "قال ﷺ في \ufffc (ﻻ) المكتبات، " * 20
    words = normalize_many([text, "كتاب"], hamza_seats=False, longest=100)
    assert words is not None and words.left == {0: ["ﷺ", "(ﻻ)"] * 20}
    assert words.texts(AS_ANALYSED)[0].split().count("قال") == 20
    for stemmer in ("lucene", "light10", "snowball", "none"):  # every stemmer keeps a placeholder as it is
        same_as_offset_path(Analyzer(AnalysisConfig(stemmer=stemmer)), [text, "كتاب " * 100])
