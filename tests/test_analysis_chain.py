"""The analysis chain: words, offsets into the original, stop words, stems."""

from search.analysis import AnalysisConfig, Analyzer, chain


def test_harakat_and_tatweel_inside_a_word_do_not_split_it():
    analyzer = Analyzer()
    tokens = analyzer.tokens("مدينة البُوكمَـال الحدودية")
    assert [t.exact for t in tokens] == ["مدينه", "البوكمال", "الحدوديه"]
    assert [t.term for t in tokens][1] == "بوكمال"


def test_offsets_point_into_the_original_text():
    text = "قال «البُوكمَال» ـ ٢٠٢١"
    for token in Analyzer().tokens(text):
        assert text[token.start : token.end].strip()
    spans = [text[t.start : t.end] for t in Analyzer().tokens(text)]
    assert spans == ["قال", "البُوكمَال", "٢٠٢١"]


def test_invisible_marks_neither_split_nor_change_a_term():
    analyzer = Analyzer()
    assert analyzer.terms("سو\u200cريا") == analyzer.terms("سوريا")
    assert analyzer.terms("\u200fسوريا\u200e") == analyzer.terms("سوريا")


def test_stop_words_leave_the_ranking_field_but_stay_in_the_exact_field():
    analyzer = Analyzer()
    assert analyzer.terms("في البيت") == ["بيت"]
    assert analyzer.exact_terms("في البيت") == ["في", "البيت"]


def test_stop_words_are_matched_after_normalization():
    analyzer = Analyzer()
    assert analyzer.terms("فِي") == []
    assert analyzer.terms("إلى") == analyzer.terms("الى") == []


def test_latin_words_are_stemmed_as_english():
    assert Analyzer().terms("The Iranian militias MEETING") == ["iranian", "militia", "meet"]


def test_a_ligature_standing_for_several_words_shares_one_span():
    tokens = Analyzer().tokens("محمد ﷺ")
    assert [t.exact for t in tokens[1:]] == ["صلي", "الله", "عليه", "وسلم"]
    assert {(t.start, t.end) for t in tokens[1:]} == {(5, 6)}


def test_config_name_records_every_choice():
    name = AnalysisConfig(stemmer="snowball", hamza_seats=True, stopwords=False).name
    assert "stem=snowball" in name and "seats=1" in name and "stop=0" in name


def test_joined_is_the_same_analysis_as_terms():
    analyzer = Analyzer()
    text = "قال «البُوكمَال»، لـ موقع (تلفزيون) سوريا: ٢٠٢١ Militias\u200f!"
    terms, exact = analyzer.joined(text)
    assert terms.split() == analyzer.terms(text)
    assert exact.split() == analyzer.exact_terms(text)


def test_many_texts_are_analysed_in_batches_of_bounded_size(monkeypatch):
    """A long list is cut into batches (their arrays' memory is bounded),
    and the cuts change no text's terms."""
    analyzer = Analyzer()
    texts = [f"وقال المتحدثون في البيانات {i} إن الوزارات أعلنت " * (i % 7 + 1) for i in range(40)]

    def words(pairs: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
        return [(terms.split(), exact.split()) for terms, exact in pairs]

    whole = words(analyzer.joined_many(texts))
    sizes: list[int] = []
    normalize_many = chain.normalize_many

    def counted(batch, *args):
        sizes.append(sum(map(len, batch)))
        return normalize_many(batch, *args)

    monkeypatch.setattr(chain, "_BATCH_MAX_CHARS", 1_000)
    monkeypatch.setattr(chain, "normalize_many", counted)
    assert words(analyzer.joined_many(texts)) == whole
    assert len(sizes) > 5
    assert all(size <= 1_000 for size in sizes)
