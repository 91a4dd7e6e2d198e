"""Reciprocal rank fusion: a pure function, checked against its definition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.fusion import FusionConfig, rrf

ids = st.lists(st.sampled_from("abcdefghij"), unique=True, max_size=10)


def test_scores_follow_the_formula() -> None:
    fused = dict(rrf([["a", "b"], ["b", "c"]], k=10))
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 1 / 11)
    assert fused["c"] == pytest.approx(1 / 12)


def test_a_document_in_both_lists_beats_one_in_a_single_list() -> None:
    assert [d for d, _ in rrf([["a", "b"], ["b", "c"]])] == ["b", "a", "c"]


def test_weights_tilt_the_result() -> None:
    lists = [["text"], ["vector"]]
    assert rrf(lists, weights=[1.0, 2.0])[0][0] == "vector"
    assert rrf(lists, weights=[2.0, 1.0])[0][0] == "text"
    assert dict(rrf(lists, weights=[1.0, 0.0]))["vector"] == 0.0


def test_ties_keep_first_appearance() -> None:
    assert [d for d, _ in rrf([["x", "y"], ["y", "x"]])] == ["x", "y"]


def test_bad_parameters_are_named() -> None:
    with pytest.raises(ValueError, match="2 lists but 1 weights"):
        rrf([["a"], ["b"]], weights=[1.0])
    with pytest.raises(ValueError, match="k must be positive"):
        rrf([["a"]], k=0)


@given(st.lists(ids, max_size=4))
def test_fusion_is_a_sorted_union(lists: list[list[str]]) -> None:
    fused = rrf(lists)
    assert {d for d, _ in fused} == {d for ranked in lists for d in ranked}
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)


@given(ids)
def test_one_list_keeps_its_order(ranked: list[str]) -> None:
    assert [d for d, _ in rrf([ranked])] == ranked


def test_the_bm25_weight_follows_the_querys_script() -> None:
    from search.fusion import FusionConfig, arabic_share

    assert arabic_share("Oil prices 2015") == 0.0
    assert arabic_share("أسعار النفط") == 1.0
    assert arabic_share("Aramco أرامكو") == pytest.approx(6 / 12)
    assert arabic_share("2015") == 1.0  # no letters: nothing says BM25 is blind
    config = FusionConfig(bm25_weight=1.0, vector_weight=0.3, cross_script_bm25_weight=0.0)
    assert config.weights("أسعار النفط") == [1.0, 0.3]
    assert config.weights("oil prices") == [0.0, 0.3]
    assert config.weights("Aramco أرامكو") == [pytest.approx(0.5), 0.3]


def test_the_similarity_floor_comes_from_the_embedder_unless_set_and_yields_to_the_margin() -> None:
    assert FusionConfig().similarity_floor(0.35, best=0.8) == 0.35
    assert FusionConfig().similarity_floor(0.35, best=0.3) == pytest.approx(0.15)  # the margin below the best
    assert FusionConfig(min_similarity=0.5).similarity_floor(0.35, best=0.8) == 0.5
    assert FusionConfig(min_similarity=-1.0).similarity_floor(0.35, best=0.8) == -1.0
    assert FusionConfig(similarity_margin=None).similarity_floor(0.35, best=0.1) == 0.35  # the floor alone
    assert FusionConfig(similarity_margin=0).similarity_floor(0.35, best=0.1) == 0.1  # the best is kept
