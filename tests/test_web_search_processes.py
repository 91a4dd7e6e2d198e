"""``arshif serve --workers N``: searches run in N search processes behind one
HTTP server, and answer exactly as the in-process app does, errors included."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from process_support import all_gone, children
from web_support import build_index, free_port, generated, index_records, running_server, settings_for

from web import create_app

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["البوكمال", "أسعار النفط", '"أسعار النفط"', "النفط -أسعار", "source:none", ""]


def comparable(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "took_ms"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("search-processes"))


@pytest.fixture(scope="module")
def pooled(index):
    with (
        running_server(create_app(settings_for(index), processes=2)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client


def test_search_processes_answer_like_the_in_process_app(index, pooled):
    with TestClient(create_app(settings_for(index))) as local:
        for q in QUERIES:
            for page in (1, 2):
                params = {"q": q, "size": 4, "page": page}
                expected = local.get("/api/v1/search", params=params)
                got = pooled.get("/api/v1/search", params=params)
                assert got.status_code == expected.status_code == 200
                assert comparable(got.json()) == comparable(expected.json())
        assert pooled.get("/", params={"q": "البوكمال"}).text.count("<mark>") > 0  # the pages' lenient service
        export = pooled.get("/api/v1/search.jsonl", params={"q": "النفط"}).text
        assert export == local.get("/api/v1/search.jsonl", params={"q": "النفط"}).text


def test_a_syntax_error_in_a_search_process_is_a_400_with_its_position(pooled):
    response = pooled.get("/api/v1/search", params={"q": "النفط (أسعار"})
    assert response.status_code == 400
    assert response.json()["error"] == "query parameter 'q': unbalanced '(' at position 6"


def test_concurrent_searches_all_succeed(pooled):
    def one(i: int) -> list[str]:
        response = pooled.get("/api/v1/search", params={"q": "أسعار النفط", "page": 1 + i % 2, "size": 3})
        assert response.status_code == 200
        return [h["id"] for h in response.json()["hits"]]

    with ThreadPoolExecutor(8) as threads:
        results = list(threads.map(one, range(24)))
    assert all(r == results[0] for r in results[0::2]) and all(r == results[1] for r in results[1::2])


def test_new_articles_reach_every_search_process(tmp_path):
    index = build_index(tmp_path)
    with running_server(create_app(settings_for(index), processes=2)) as base, httpx.Client(base_url=base) as client:
        assert client.get("/api/v1/search", params={"q": "مختبرعمليات"}).json()["total"] == 0
        fresh = generated(3, prefix="fresh")
        for record in fresh:
            record["body"] += " مختبرعمليات"
        index_records(index, fresh, tmp_path / "more")

        def total(_: int) -> int:
            return client.get("/api/v1/search", params={"q": "مختبرعمليات"}).json()["total"]

        deadline = time.monotonic() + 10
        totals: set[int] = set()
        while time.monotonic() < deadline:
            with ThreadPoolExecutor(4) as threads:  # several at once: both processes answer
                totals = set(threads.map(total, range(8)))
            if totals == {len(fresh)}:
                break
            time.sleep(0.3)
        assert totals == {len(fresh)}


def test_a_killed_search_process_is_replaced(tmp_path):
    index = build_index(tmp_path)
    before = set(multiprocessing.active_children())
    with TestClient(create_app(settings_for(index), processes=2)) as client:
        started = [p for p in multiprocessing.active_children() if p not in before]
        assert len(started) == 2
        os.kill(started[0].pid, signal.SIGKILL)
        started[0].join(10)
        statuses = [client.get("/api/v1/search", params={"q": "النفط"}) for _ in range(2)]
        assert statuses[0].status_code == 503
        assert "search process stopped and was restarted" in statuses[0].json()["error"]
        assert statuses[1].status_code == 200 and statuses[1].json()["total"] > 0


def _ctrl_c(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGINT)  # a terminal's Ctrl-C: the server and its search processes


def _serve(index: Path, port: int, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--index", str(index), "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
        **options,
    )


def _wait_for_health(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            assert server.poll() is None, server.stderr.read() if server.stderr else "server stopped"
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "status"),
    [(subprocess.Popen.terminate, 143), (_ctrl_c, 0)],  # SIGTERM: graceful, then the conventional status
    ids=["sigterm", "ctrl-c"],
)
def test_serve_workers_over_http(index, stop, status):
    port = free_port()
    server = _serve(
        index,
        port,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if the test runner ignores ^C
    )
    try:
        _wait_for_health(server, port)
        body = httpx.get(f"http://127.0.0.1:{port}/api/v1/search", params={"q": "البوكمال"}).json()
        assert body["total"] == 6 and "<mark>" in body["hits"][0]["snippets"][0]
    finally:
        stop(server)
        _, stderr = server.communicate(timeout=30)
    assert "2 search processes" in stderr
    assert server.returncode == status, stderr
    assert "leaked" not in stderr and "Traceback" not in stderr  # exit handlers ran: nothing left behind


@pytest.mark.slow
def test_a_server_killed_outright_takes_its_search_processes_along(index):
    """kill -9 (or the out-of-memory killer) gives the server no chance to
    stop its search processes: they notice and end by themselves."""
    port = free_port()
    server = _serve(index, port, stderr=subprocess.DEVNULL)
    try:
        _wait_for_health(server, port)
        processes = children(server.pid)
    finally:
        server.kill()
        server.wait()
    assert len(processes) >= 2  # the search processes (and multiprocessing's resource tracker)
    assert all_gone(processes, 15), "search processes outlived the killed server"
