"""kill -9 in the middle of ``arshif index``, then the same command again:
the index ends with exactly the input's articles, each once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from indexer_fixtures import all_articles, random_body, write_jsonl
from process_support import all_gone, children

from search.backend import BackendError
from search.backends import open_embedded

ROOT = Path(__file__).resolve().parent.parent


def _index_command(data: Path, index: Path) -> list[str]:
    return [sys.executable, "-m", "cli.main", "index", str(data), "--index", str(index), "--batch-size", "50", "-q"]


def _committed(index: Path) -> int:
    try:
        backend = open_embedded(index)
    except BackendError:  # not created yet
        return 0
    count = backend.count()
    backend.close()
    return count


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_leaves_each_article_once(tmp_path):
    rng = random.Random(3)
    records = [{"id": f"k{i}", "title": f"خبر {i}", "body": random_body(rng, 60)} for i in range(2500)]
    records += [{"title": "نسخة", "body": records[i]["body"], "url": f"https://copy/{i}"} for i in range(0, 2500, 100)]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    for wanted in (150, 900):  # kill twice: early, and once more during the resumed run
        process = subprocess.Popen(_index_command(data, index), cwd=tmp_path, env=env)
        deadline = time.monotonic() + 120
        while _committed(index) < wanted and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
        assert _committed(index) < len(records)
        assert workers, "no worker processes to watch"
        assert all_gone(workers, 15), "worker processes outlived the killed run"

    finished = subprocess.run(
        _index_command(data, index), cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    articles = all_articles(index)
    assert set(articles) == {f"k{i}" for i in range(2500)}
    assert _committed(index) == 2500  # no id twice
    for i in range(0, 2500, 100):
        assert articles[f"k{i}"].urls == [f"https://copy/{i}"]


@pytest.mark.slow
def test_ctrl_c_mid_run_says_how_to_resume_without_tracebacks(tmp_path):
    """Ctrl-C reaches the command and its worker processes (one process
    group): one line saying what is kept, exit 130, and the same command
    again completes the index."""
    rng = random.Random(4)
    records = [{"id": f"c{i}", "title": f"خبر {i}", "body": random_body(rng, 60)} for i in range(2500)]
    data = write_jsonl(tmp_path / "in.jsonl", records)
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        _index_command(data, index),
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if the test runner ignores ^C
    )
    deadline = time.monotonic() + 120
    while _committed(index) < 150 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, "the run finished before it could be interrupted"
    assert "interrupted" in stderr and "run the same command again" in " ".join(stderr.split())
    assert "Traceback" not in stderr, stderr
    assert 0 < _committed(index) < len(records)

    finished = subprocess.run(
        _index_command(data, index), cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert set(all_articles(index)) == {f"c{i}" for i in range(2500)} and _committed(index) == 2500


KILLED_BETWEEN_COMMITS = """
import os, sys
from pathlib import Path
from indexer.duplicates import FILE_NAME, DuplicateStore
from indexer.pipeline import IndexRun, RejectsFile
from search.backends import open_embedded
from search.index_meta import IndexMeta

data, index = Path(sys.argv[1]), Path(sys.argv[2])
backend = open_embedded(index, IndexMeta(), create=True)
store = DuplicateStore(index / FILE_NAME, analyzer=backend.analyzer)
commit, commits = backend.commit, []

def commit_or_die():  # the second batch dies after the duplicate store's commit, before the index's
    commits.append(1)
    if len(commits) == 2:
        os._exit(9)
    commit()

backend.commit = commit_or_die
IndexRun(backend=backend, rejects=RejectsFile(index / "rejects.jsonl"), duplicates=store, batch_size=10, workers=1).run(
    [data]
)
"""


def test_a_cluster_decided_in_a_lost_batch_reaches_the_index_on_the_next_run(tmp_path):
    """The lost batch made an indexed article (k2) the head of a cluster with
    a new one (near): after the next run both carry it in the index."""
    rng = random.Random(9)
    records = [{"id": f"k{i}", "title": f"خبر {i}", "body": random_body(rng, 60)} for i in range(10)]
    words = records[2]["body"].split()
    words[3:5] = ["تعديل", "طفيف"]
    records.append({"id": "near", "title": "خبر", "body": " ".join(words)})  # the second batch of 10
    data = write_jsonl(tmp_path / "in.jsonl", records)
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_COMMITS, str(data), str(index)], env=env, check=False)
    assert killed.returncode == 9 and set(all_articles(index)) == {f"k{i}" for i in range(10)}

    finished = subprocess.run(
        [sys.executable, "-m", "cli.main", "index", str(data), "--index", str(index), "--batch-size", "10", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    articles = all_articles(index)
    assert articles["near"].cluster == articles["k2"].cluster == "k2"
    assert sum(a.cluster == "k2" for a in articles.values()) == 2
