"""Throughput and latency of ``GET /api/v1/search`` under 8 concurrent clients.

The server (uvicorn + ``web.create_app``) runs in its own process on a
loopback port; the clients run in another process, so client work does not
steal the server's interpreter. Queries are the dev queries' texts, cycled.

    python bench/bench_web.py [--index DIR] [--seconds 30] [--clients 8] [--workers 1] [--mode bm25]

Without ``--index`` (or when DIR holds no index) the index is built first
from ../shared/data/news-dev.jsonl.gz with the real indexer pipeline.
Prints requests/s, p50/p95/p99 latency in ms, and the error count.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing as mp
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
NEWS = DATA / "news-dev.jsonl.gz"
QUERIES = DATA / "queries-dev.jsonl"
sys.path.insert(0, str(ROOT))


def build_index(index: Path) -> None:
    from indexer.pipeline import IndexRun, RejectsFile
    from search.backends import open_embedded

    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "news-dev.jsonl"
        with gzip.open(NEWS, "rb") as source, plain.open("wb") as target:
            shutil.copyfileobj(source, target)
        backend = open_embedded(index, create=True)
        started = time.perf_counter()
        summary = IndexRun(backend, RejectsFile(Path(work) / "rejects.jsonl")).run([plain])
        backend.close()
    print(f"indexed {summary.indexed:,} articles in {time.perf_counter() - started:.0f} s", flush=True)


def serve(index: str, port: int, workers: int) -> None:
    """What ``arshif serve --workers N`` runs."""
    import os

    from cli.serve_cmd import run_processes

    os.environ["ARSHIF_INDEX"] = index
    run_processes("127.0.0.1", port, workers)


def clients(base: str, queries: list[str], mode: str | None, count: int, seconds: float, out) -> None:
    import httpx

    latencies: list[list[float]] = [[] for _ in range(count)]
    errors = [0] * count
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = n
            while time.perf_counter() < stop:
                params = {"q": queries[i % len(queries)], "size": 10}
                if mode:
                    params["mode"] = mode
                started = time.perf_counter()
                try:
                    ok = client.get("/api/v1/search", params=params).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies[n].append((time.perf_counter() - started) * 1000)
                errors[n] += not ok
                i += count

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.send(([x for part in latencies for x in part], sum(errors)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str, seconds: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("server did not come up")


def measure(base: str, queries: list[str], mode: str | None, count: int, seconds: float) -> tuple[list[float], int]:
    receive, send = mp.Pipe(duplex=False)
    worker = mp.Process(target=clients, args=(base, queries, mode, count, seconds, send))
    worker.start()
    result = receive.recv()
    worker.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="index directory (built from news-dev when empty)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (arshif serve --workers)")
    parser.add_argument("--mode", choices=["bm25", "semantic", "hybrid"], help="default: the index's best")
    args = parser.parse_args()
    if not NEWS.exists() or not QUERIES.exists():
        raise SystemExit(f"bench data missing: {NEWS} and {QUERIES} (see ../shared/data/README.md)")
    index = args.index or Path(tempfile.mkdtemp(prefix="arshif-bench-web-")) / "index"
    if not (index / "arshif.json").exists():
        build_index(index)
    queries = [orjson.loads(line)["query"] for line in QUERIES.read_bytes().splitlines() if line.strip()]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = mp.Process(target=serve, args=(str(index), port, args.workers))
    server.start()
    try:
        wait_ready(base)
        measure(base, queries, args.mode, args.clients, 3)  # warm-up: caches, searcher, threads
        latencies, errors = measure(base, queries, args.mode, args.clients, args.seconds)
    finally:
        server.terminate()
        server.join()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(f"index: {index}  queries: {QUERIES.name} ({len(queries)})  mode: {args.mode or 'default'}")
    print(f"server workers: {args.workers}  clients: {args.clients}  duration: {args.seconds:.0f} s")
    print(f"requests: {len(latencies):,}  errors: {errors}")
    print(f"throughput: {len(latencies) / args.seconds:.1f} req/s")
    print(f"latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {latencies[-1]:.1f}")


if __name__ == "__main__":
    main()
