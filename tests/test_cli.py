"""End to end through the ``arshif`` command (typer's in-process runner):
index the sample articles and search them as a user would."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def arshif(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def index(tmp_path, samples):
    directory = tmp_path / "index"
    result = arshif("index", samples, "--index", directory)
    assert result.exit_code == 0, result.output
    return directory


def search_json(index, query: str, *extra: str) -> dict:
    result = arshif("search", query, "--index", index, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_finds_both_seed_articles_with_highlighted_snippets(index):
    response = search_json(index, "البوكمال")
    assert response["query"] == "البوكمال"
    assert response["total"] == 2
    assert {"query", "total", "took_ms", "hits"} <= response.keys()
    for hit in response["hits"]:
        assert {"id", "title", "date", "source", "url", "score", "snippets"} <= hit.keys()
        assert any("<mark>البوكمال</mark>" in s for s in hit["snippets"])


@pytest.mark.parametrize("variant", ["البُوكمَال", "ألبوكمال", "البوكمـــال", "البوكمال\u200f"])
def test_spelling_variants_give_the_same_list(index, variant):
    plain = [(h["id"], h["score"]) for h in search_json(index, "البوكمال")["hits"]]
    assert [(h["id"], h["score"]) for h in search_json(index, variant)["hits"]] == plain


def test_human_output_lists_titles_and_counts(index):
    result = arshif("search", "البوكمال", "--index", index)
    assert result.exit_code == 0
    assert "2 results" in result.stdout
    assert "البوكمال" in result.stdout


def test_script_in_an_article_comes_back_escaped(tmp_path):
    data = tmp_path / "xss.jsonl"
    data.write_text(
        json.dumps({"id": "x1", "title": "<b>t</b>", "body": 'خبر عن البوكمال <script>alert("x")</script>'}) + "\n",
        encoding="utf-8",
    )
    assert arshif("index", data, "--index", tmp_path / "i").exit_code == 0
    (hit,) = search_json(tmp_path / "i", "البوكمال")["hits"]
    snippet = hit["snippets"][0]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_reindexing_the_same_input_changes_nothing(index, samples):
    result = arshif("index", samples, "--index", index, "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["unchanged"] == 2 and summary["indexed"] == 0
    assert search_json(index, "البوكمال")["total"] == 2


def test_jsonl_input_with_derived_ids_and_rejects(tmp_path):
    data = tmp_path / "a.jsonl"
    data.write_text(
        "\n".join(
            [
                json.dumps({"title": "أ", "body": "خبر أول عن دمشق", "url": "https://example.com/1"}),
                "{not json",
                json.dumps({"title": "بلا نص"}),
                json.dumps({"id": "n3", "body": "خبر ثالث", "date": "2015-07-21T10:00:00", "source": "okaz"}),
                json.dumps({"id": "n4", "body": "خبر رابع", "date": "yesterday-ish"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = arshif("index", data, "--index", tmp_path / "i", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["indexed"] == 2 and summary["rejected"] == 3
    rejects = [json.loads(line) for line in (tmp_path / "i" / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["file"]) for r in rejects] == [(2, str(data)), (3, str(data)), (5, str(data))]
    assert "not valid JSON" in rejects[0]["reason"]
    assert "no body" in rejects[1]["reason"]
    assert "field 'date'" in rejects[2]["reason"]
    hits = search_json(tmp_path / "i", "دمشق")["hits"]
    assert hits[0]["id"].startswith("url-")


def test_field_override(tmp_path):
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps({"article_text": "نص في حقل آخر"}) + "\n", encoding="utf-8")
    result = arshif("index", data, "--index", tmp_path / "i", "--field", "body=article_text")
    assert result.exit_code == 0, result.output
    assert search_json(tmp_path / "i", "حقل")["total"] == 1


def test_nothing_readable_exits_non_zero(tmp_path):
    result = arshif("index", tmp_path / "missing.jsonl", "--index", tmp_path / "i")
    assert result.exit_code == 1
    assert "nothing could be read" in result.output


def test_batch_queries_jsonl_and_trec(index, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"qid": "q1", "query": "البوكمال"}) + "\n" + json.dumps({"qid": "q2", "query": "غائب"}) + "\n",
        encoding="utf-8",
    )
    result = arshif("search", "--queries", queries, "--index", index, "--mode", "bm25")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["qid"] for line in lines] == ["q1", "q2"]
    assert len(lines[0]["hits"]) == 2 and lines[1]["hits"] == []
    scores = [h["score"] for h in lines[0]["hits"]]
    assert scores == sorted(scores, reverse=True)

    trec = arshif("search", "--queries", queries, "--index", index, "--format", "trec", "--mode", "bm25")
    rows = [row.split() for row in trec.stdout.splitlines()]
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("q1", "Q0", lines[0]["hits"][0]["id"], "1", "arshif"),
        ("q1", "Q0", lines[0]["hits"][1]["id"], "2", "arshif"),
    ]


def test_bad_batch_line_names_file_and_line(index, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"qid": "q1", "query": "x"}\n{"query": "no id"}\n', encoding="utf-8")
    result = arshif("search", "--queries", queries, "--index", index)
    assert result.exit_code == 1
    assert f"{queries}:2" in result.output


def test_malformed_query_is_lenient_by_default_and_strict_on_request(index):
    response = search_json(index, 'البوكمال "دير')
    assert response["total"] >= 1 and response["warnings"]
    result = arshif("search", 'البوكمال "دير', "--index", index, "--strict")
    assert result.exit_code == 1 and "position 9" in result.output


def test_stats_json(index):
    result = arshif("stats", "--index", index, "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["documents"] == 2
    assert stats["sources"] == {"samples": 2}
    assert stats["analysis"].startswith("arshif-v")


def test_index_location_from_environment(tmp_path, samples, monkeypatch):
    monkeypatch.setenv("ARSHIF_INDEX", str(tmp_path / "env-index"))
    assert arshif("index", samples).exit_code == 0
    assert (tmp_path / "env-index" / "arshif.json").exists()


def test_missing_index_is_one_clear_line(tmp_path):
    result = arshif("search", "x", "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert "no arshif index" in result.output and "Traceback" not in result.output
