"""Preparing records in worker processes changes nothing: the same index,
the same duplicate store, the same summary as preparing them in-process."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import orjson
from indexer_fixtures import all_articles, random_body, run_index, write_jsonl

from indexer.duplicates import FILE_NAME
from indexer.workers import CHUNK_ITEMS, map_chunks


def _store_rows(index: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(index / FILE_NAME)
    rows = {
        "docs": db.execute("SELECT rowid, * FROM docs ORDER BY rowid").fetchall(),
        "bands": db.execute("SELECT * FROM bands ORDER BY key, id").fetchall(),
        "merged": db.execute("SELECT * FROM merged ORDER BY id").fetchall(),
    }
    db.close()
    return rows


def _records(count: int) -> list[dict]:
    rng = random.Random(7)
    records: list[dict] = []
    for i in range(count):
        if i % 10 == 3:  # an exact copy under another URL
            records.append({**records[i - 2], "id": f"copy{i}", "url": f"https://copy/{i}"})
        elif i % 10 == 6:  # a near copy
            words = records[i - 1]["body"].split()
            words[4:7] = ["تعديل", "في", "الخبر"]
            records.append({"id": f"near{i}", "title": "خبر", "body": " ".join(words)})
        else:
            records.append({"id": f"a{i}", "title": f"خبر {i}", "body": random_body(rng, 60)})
    records.append({"id": "bad", "title": "بلا نص"})  # rejected by a worker, in order
    return records


def test_worker_processes_build_what_one_process_builds(tmp_path):
    records = _records(3 * CHUNK_ITEMS + 50)
    data = write_jsonl(tmp_path / "in.jsonl", records)
    summaries = {}
    for workers in (1, 2):
        summaries[workers] = run_index(tmp_path / f"idx{workers}", [data], workers=workers, batch_size=250)
    one, two = tmp_path / "idx1", tmp_path / "idx2"
    assert summaries[1].to_json() | {"seconds": 0, "rejects": None} == summaries[2].to_json() | {
        "seconds": 0,
        "rejects": None,
    }
    assert summaries[2].duplicates > 0 and summaries[2].near_duplicates > 0 and summaries[2].rejected == 1
    assert all_articles(one) == all_articles(two)
    assert _store_rows(one) == _store_rows(two)
    assert (one / "rejects.jsonl").read_bytes() == (two / "rejects.jsonl").read_bytes()


def test_map_chunks_keeps_order_and_runs_small_input_in_process():
    assert list(map_chunks(_double, range(10), workers=2, chunk_items=4)) == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    assert list(map_chunks(_double, range(3), workers=2, chunk_items=4)) == [[0, 2, 4]]
    assert list(map_chunks(_double, [], workers=2)) == []


def _double(chunk: list[int]) -> list[int]:
    return [2 * x for x in chunk]


def test_json_lines_are_parsed_in_the_workers_whatever_their_encoding(tmp_path):
    """The workers parse the lines (str lines when the file is decoded as
    Windows-1256); a bad line is rejected where it is and not counted as read."""
    rng = random.Random(11)
    records = [{"id": f"w{i}", "title": f"خبر {i}", "body": random_body(rng, 40)} for i in range(2 * CHUNK_ITEMS + 10)]
    lines = [orjson.dumps(record).decode() for record in records]
    lines.insert(CHUNK_ITEMS + 5, '{"id": "broken", "body": ')
    data = tmp_path / "old.jsonl"
    data.write_bytes("\n".join(lines).encode("cp1256") + b"\n")
    summary = run_index(tmp_path / "idx", [data], workers=2, dedup=False)
    assert (summary.read, summary.indexed, summary.rejected) == (len(records), len(records), 1)
    rejects = [orjson.loads(line) for line in (tmp_path / "idx" / "rejects.jsonl").read_bytes().splitlines()]
    assert [r["line"] for r in rejects] == [CHUNK_ITEMS + 6] and "not valid JSON" in rejects[0]["reason"]
    articles = all_articles(tmp_path / "idx")
    assert articles["w7"].body == records[7]["body"] and articles["w7"].title == records[7]["title"]
