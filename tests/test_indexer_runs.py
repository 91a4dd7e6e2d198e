"""Incremental runs on a real on-disk index: idempotence, updates, prune,
delete, duplicates, rejects, exit codes and what ``arshif stats`` reports."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing

import orjson
from indexer_fixtures import all_articles, open_embedded, random_body, run_index, write_jsonl
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def _records(count: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": f"a{i}", "title": f"خبر {i}", "body": random_body(rng)} for i in range(count)]


def test_rerun_changes_nothing_and_a_changed_article_replaces_the_old(tmp_path):
    records = _records(30)
    data = write_jsonl(tmp_path / "in.jsonl", records)
    first = run_index(tmp_path / "idx", [data])
    assert (first.indexed, first.updated, first.unchanged) == (30, 0, 0)
    before = all_articles(tmp_path / "idx")

    again = run_index(tmp_path / "idx", [data])
    assert (again.indexed, again.updated, again.unchanged) == (0, 0, 30)
    assert all_articles(tmp_path / "idx") == before

    records[3]["body"] = "نص جديد تماما عن موضوع آخر لا صلة له بالسابق"
    write_jsonl(data, records)
    changed = run_index(tmp_path / "idx", [data])
    assert (changed.indexed, changed.updated, changed.unchanged) == (0, 1, 29)
    after = all_articles(tmp_path / "idx")
    assert len(after) == 30 and after["a3"].body == records[3]["body"]


def test_an_id_repeated_in_one_run_keeps_its_last_version(tmp_path):
    """The second copy is judged against the first (now in the batch being
    committed), not against the index as it was: it reverts the change."""
    records = _records(3)
    data = write_jsonl(tmp_path / "in.jsonl", records)
    run_index(tmp_path / "idx", [data])
    changed = dict(records[1], body="نص جديد تماما عن موضوع آخر لا صلة له بالسابق")
    write_jsonl(data, [changed, records[0], records[1]])
    summary = run_index(tmp_path / "idx", [data], batch_size=1)
    assert (summary.updated, summary.unchanged) == (2, 1)
    assert all_articles(tmp_path / "idx")["a1"].body == records[1]["body"]


def test_prune_removes_what_left_the_input(tmp_path):
    records = _records(10)
    data = write_jsonl(tmp_path / "in.jsonl", records)
    run_index(tmp_path / "idx", [data])
    write_jsonl(data, records[:7])
    summary = run_index(tmp_path / "idx", [data], prune=True)
    assert summary.deleted == 3
    assert set(all_articles(tmp_path / "idx")) == {f"a{i}" for i in range(7)}


def test_delete_command(tmp_path):
    data = write_jsonl(tmp_path / "in.jsonl", _records(5))
    run_index(tmp_path / "idx", [data])
    result = runner.invoke(app, ["delete", "a1", "a2", "--index", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    assert set(all_articles(tmp_path / "idx")) == {"a0", "a3", "a4"}
    missing = runner.invoke(app, ["delete", "nope", "--index", str(tmp_path / "idx")])
    assert missing.exit_code == 1 and "nope" in missing.output


def test_exact_duplicates_are_stored_once_with_every_url(tmp_path):
    body = random_body(random.Random(5))
    records = [
        {"title": "أ", "body": body, "url": "https://a.example/1", "source": "A"},
        {"title": "ب", "body": "  " + body.replace(" ", "  ") + "\n", "url": "https://b.example/9", "source": "B"},
        {
            "title": "ج",
            "body": body.replace("ا", "أ").replace(" ", "ـ ", 3),
            "url": "https://c.example/3",
            "source": "C",
        },
        {"title": "د", "body": random_body(random.Random(6)), "url": "https://d.example/4", "source": "D"},
    ]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    summary = run_index(tmp_path / "idx", [data])
    assert (summary.indexed, summary.duplicates) == (2, 2)
    articles = {a.url: a for a in all_articles(tmp_path / "idx").values()}
    kept = articles["https://a.example/1"]
    assert kept.urls == ["https://b.example/9", "https://c.example/3"]
    assert kept.duplicate_sources == ["B", "C"]

    again = run_index(tmp_path / "idx", [data], prune=True)
    assert (again.indexed, again.updated, again.deleted) == (0, 0, 0)
    assert {a.url: a for a in all_articles(tmp_path / "idx").values()} == articles


def test_near_duplicates_cluster_across_runs(tmp_path):
    rng = random.Random(9)
    original = random_body(rng, 120)
    words = original.split()
    words[10:14] = ["تعديل", "طفيف", "على", "النص"]
    repost = "دمشق - وكالات:\n" + " ".join(words)
    unrelated = random_body(rng, 120)
    run_index(tmp_path / "idx", [write_jsonl(tmp_path / "one.jsonl", [{"id": "orig", "body": original}])])
    second = run_index(
        tmp_path / "idx",
        [write_jsonl(tmp_path / "two.jsonl", [{"id": "repost", "body": repost}, {"id": "other", "body": unrelated}])],
    )
    assert second.near_duplicates == 1 and second.clusters == 1
    articles = all_articles(tmp_path / "idx")
    assert articles["repost"].cluster == articles["orig"].cluster == "orig"
    assert articles["other"].cluster == ""


def test_rejects_file_summary_and_exit_codes(tmp_path):
    lines = [
        orjson.dumps({"id": "ok", "body": "نص الخبر"}),
        b"{not json" + b"x" * 300,
        orjson.dumps({"id": "empty", "body": "   "}),
        orjson.dumps({"id": "big", "body": "كلمة " * 100}),
        orjson.dumps({"id": "bad-date", "body": "نص", "date": "next tuesday"}),
    ]
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"\n".join(lines) + b"\n")
    index = tmp_path / "idx"
    result = runner.invoke(app, ["index", str(data), "--index", str(index), "--max-chars", "200", "--json"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["read"], summary["indexed"], summary["rejected"]) == (4, 1, 4)
    rejects = [orjson.loads(line) for line in (index / "rejects.jsonl").read_bytes().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4, 5]
    assert all(r["file"] == str(data) for r in rejects)
    assert "not valid JSON" in rejects[0]["reason"] and len(rejects[0]["excerpt"]) == 200
    assert "no body" in rejects[1]["reason"]
    assert "limit of 200" in rejects[2]["reason"]
    assert "field 'date'" in rejects[3]["reason"]

    stats = runner.invoke(app, ["stats", "--index", str(index), "--json"])
    assert stats.exit_code == 0, stats.output
    info = orjson.loads(stats.stdout)
    assert info["documents"] == 1
    assert info["last_run"]["rejected"] == 4 and info["last_run"]["rejects"] == str(index / "rejects.jsonl")
    assert info["duplicates"] == {"duplicates_merged": 0, "clusters": 0, "clustered_articles": 0}

    nothing = runner.invoke(app, ["index", str(tmp_path / "missing.jsonl"), "--index", str(index)])
    assert nothing.exit_code == 1 and "nothing could be read" in nothing.output


def test_bad_options_are_named(tmp_path):
    data = write_jsonl(tmp_path / "in.jsonl", _records(1))
    result = runner.invoke(app, ["index", str(data), "--index", str(tmp_path / "i"), "--field", "bogus=x"])
    assert result.exit_code == 1 and "unknown field 'bogus'" in result.output
    result = runner.invoke(app, ["index", str(data), "--index", str(tmp_path / "i"), "--format", "pdf"])
    assert result.exit_code == 1 and "--format 'pdf'" in result.output


def test_short_placeholder_bodies_with_other_titles_are_not_merged(tmp_path):
    records = [
        {"id": "c1", "title": "عمود الأحد", "body": "محمد العلي"},
        {"id": "c2", "title": "عمود الاثنين", "body": "محمد العلي"},
        {"id": "c3", "title": "عمود الأحد", "body": "مُحمّد العلي"},
    ]
    summary = run_index(tmp_path / "idx", [write_jsonl(tmp_path / "in.jsonl", records)])
    assert (summary.indexed, summary.duplicates) == (2, 1)
    assert set(all_articles(tmp_path / "idx")) == {"c1", "c2"}


def test_an_update_keeps_the_urls_merged_into_the_article(tmp_path):
    body = random_body(random.Random(11))
    records = [
        {"id": "main", "title": "أ", "body": body, "url": "https://a.example/1"},
        {"title": "ب", "body": body, "url": "https://b.example/2"},
    ]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    run_index(tmp_path / "idx", [data])
    records[0]["title"] = "عنوان مصحح"
    write_jsonl(data, records)
    summary = run_index(tmp_path / "idx", [data])
    assert (summary.updated, summary.duplicates) == (1, 1)
    (article,) = all_articles(tmp_path / "idx").values()
    assert article.title == "عنوان مصحح" and article.urls == ["https://b.example/2"]


def test_language_and_relative_dates_from_records(tmp_path):
    records = [
        {"id": "en", "body": "The ministers met in Riyadh on Monday to discuss oil output and prices."},
        {"id": "rel", "body": "نص الخبر", "date": "منذ 3 ساعات", "crawled_at": "2015-08-01T12:00:00Z"},
    ]
    run_index(tmp_path / "idx", [write_jsonl(tmp_path / "in.jsonl", records)])
    articles = all_articles(tmp_path / "idx")
    assert articles["en"].lang == "en" and articles["rel"].lang == "ar"
    assert articles["rel"].date.isoformat() == "2015-08-01T09:00:00+00:00"


def test_plain_progress_lines_and_stats_table(tmp_path, monkeypatch):
    from cli import progress

    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 0.0)
    data = write_jsonl(tmp_path / "in.jsonl", _records(3) + [_records(1)[0] | {"id": "copy"}])
    result = runner.invoke(app, ["index", str(data), "--index", str(tmp_path / "idx"), "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "articles/s" in result.output  # CliRunner is not a terminal: plain lines
    assert "read 4, indexed 3" in result.output and "duplicates 1" in result.output
    table = runner.invoke(app, ["stats", "--index", str(tmp_path / "idx")])
    assert table.exit_code == 0, table.output
    assert "duplicates merged" in table.output and "last run" in table.output


def _counting_upserts(monkeypatch) -> list[tuple[int, int]]:
    """(articles, commits before) of every upsert the runs make."""
    from search.backends.embedded.store import EmbeddedBackend

    calls: list[tuple[int, int]] = []
    commits = [0]
    upsert, commit = EmbeddedBackend.upsert, EmbeddedBackend.commit

    def counted_upsert(self, articles, *args, **kwargs):
        calls.append((len(articles), commits[0]))
        return upsert(self, articles, *args, **kwargs)

    def counted_commit(self):
        commits[0] += 1
        return commit(self)

    monkeypatch.setattr(EmbeddedBackend, "upsert", counted_upsert)
    monkeypatch.setattr(EmbeddedBackend, "commit", counted_commit)
    return calls


def test_a_batch_goes_to_the_index_as_it_grows(tmp_path, monkeypatch):
    """The index starts on the first chunks instead of waiting for a full
    batch; what it got is committed once, as one batch."""
    calls = _counting_upserts(monkeypatch)
    data = write_jsonl(tmp_path / "in.jsonl", _records(700))
    summary = run_index(tmp_path / "idx", [data], batch_size=10_000, send_size=150, workers=1, dedup=False)
    assert summary.indexed == 700
    before_commit = [size for size, commits in calls if commits == 0]
    assert len(before_commit) >= 3 and sum(before_commit) == 700
    assert len(all_articles(tmp_path / "idx")) == 700


def test_articles_changed_after_they_were_sent_are_sent_again(tmp_path, monkeypatch):
    """A duplicate merged into an article already sent, a near duplicate
    clustering with one, and an id seen again all reach the index: one
    document each, in its last state."""
    calls = _counting_upserts(monkeypatch)
    rng = random.Random(11)
    original = random_body(rng, 120)
    words = original.split()
    words[10:14] = ["تعديل", "طفيف", "على", "النص"]
    near = "دمشق - وكالات:\n" + " ".join(words)
    repeated = random_body(rng)
    records = [
        {"id": "orig", "body": original, "url": "https://a.example/1"},
        {"id": "again", "body": repeated},
        *_records(400, seed=12),
        {"id": "copy", "body": original, "url": "https://b.example/2"},
        {"id": "near", "body": near},
        {"id": "again", "body": repeated + " خاتمة جديدة"},
    ]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    summary = run_index(tmp_path / "idx", [data], batch_size=10_000, send_size=50, workers=1)
    assert (summary.duplicates, summary.near_duplicates) == (1, 1)
    assert len([size for size, commits in calls if commits == 0]) > 2  # sent before they changed
    articles = all_articles(tmp_path / "idx")
    assert len(articles) == 403
    assert articles["orig"].urls == ["https://b.example/2"] and articles["orig"].cluster == "orig"
    assert articles["near"].cluster == "orig"
    assert articles["again"].body.endswith("خاتمة جديدة")
    backend = open_embedded(tmp_path / "idx")
    try:
        assert backend.count() == 403  # no second document under a resent id
    finally:
        backend.close()


def test_the_duplicate_store_is_committed_before_the_index_gets_articles(tmp_path, monkeypatch):
    """An Elasticsearch cluster keeps what it is sent, commit or not: each
    early send finds the batch's duplicate decisions so far already committed
    (another connection sees them), as a commit does."""
    from indexer.duplicates import FILE_NAME
    from search.backends.embedded.store import EmbeddedBackend

    upsert = EmbeddedBackend.upsert
    unseen: list[int] = []

    def checked_upsert(self, articles, *args, **kwargs):
        with closing(sqlite3.connect(tmp_path / "idx" / FILE_NAME)) as other:
            ids = [a.id for a in articles]
            seen = other.execute(f"SELECT count(*) FROM docs WHERE id IN ({','.join('?' * len(ids))})", ids).fetchone()
        unseen.append(len(ids) - seen[0])
        return upsert(self, articles, *args, **kwargs)

    monkeypatch.setattr(EmbeddedBackend, "upsert", checked_upsert)
    data = write_jsonl(tmp_path / "in.jsonl", _records(700))
    summary = run_index(tmp_path / "idx", [data], batch_size=10_000, send_size=150, workers=1)
    assert summary.indexed == 700 and len(unseen) >= 3
    assert unseen == [0] * len(unseen)
