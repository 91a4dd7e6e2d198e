"""Evaluation metrics (pure) and the query-file reader."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from search.evaluate import XLING, JudgedError, evaluate, load_judged, ndcg, recall, reciprocal_rank


def test_reciprocal_rank_counts_the_first_relevant_within_k() -> None:
    assert reciprocal_rank(["x", "a", "b"], {"a", "b"}) == 0.5
    assert reciprocal_rank(["x"] * 10 + ["a"], {"a"}) == 0.0
    assert reciprocal_rank([], {"a"}) == 0.0


def test_ndcg_is_one_for_a_perfect_ranking_and_discounts_lower_ranks() -> None:
    assert ndcg(["a", "b", "x"], {"a", "b"}) == pytest.approx(1.0)
    assert ndcg(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))
    assert ndcg(["x"], {"a"}) == 0.0


def test_recall_at_k() -> None:
    assert recall(["a", "x", "b"], {"a", "b"}, 2) == 0.5
    assert recall(["a", "x", "b"], {"a", "b"}, 3) == 1.0


def test_evaluate_groups_by_kind_then_all() -> None:
    from search.evaluate import Judged

    queries = [
        Judged(qid="1", query="q", relevant=["a"], kind="title"),
        Judged(qid="2", query="q", relevant=["b"], kind="perturbed"),
    ]
    scores = evaluate(queries, {"1": ["a"], "2": ["x", "b"]})
    assert [(s.kind, s.queries, s.mrr_10) for s in scores] == [("perturbed", 1, 0.5), ("title", 1, 1.0), ("all", 2, 0.75)]
    missing = evaluate(queries, {})
    assert missing[-1].recall_100 == 0.0


def test_both_file_shapes_are_read(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"qid": "t1", "query": "عنوان", "relevant": ["snn-1"], "kind": "title"}\n\n'
        '{"qid": "x1", "query_en": "A headline", "doc_id": "ntrex-1", "doc_ar": "عنوان"}\n',
        encoding="utf-8",
    )
    first, second = load_judged(path)
    assert (first.kind, first.relevant) == ("title", ["snn-1"])
    assert (second.query, second.relevant, second.kind) == ("A headline", ["ntrex-1"], XLING)


@pytest.mark.parametrize(
    "line", ['{"qid": "1", "query": "q"}', "not json", "[1, 2]", '{"qid": "1", "query": "q", "relevant": []}']
)
def test_a_bad_line_names_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": "0", "query": "q", "relevant": ["a"]}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(JudgedError, match=r"q\.jsonl:2: "):
        load_judged(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(JudgedError, match="cannot read"):
        load_judged(tmp_path / "absent.jsonl")
