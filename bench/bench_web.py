"""Throughput and latency of ``GET /api/v1/search`` under 8 concurrent clients.

The server is ``arshif serve`` in its own process on a loopback port. The
clients run in another process: wrk (``apt-get install wrk``: C, so the load
generator takes little of the two cores from the server) when it is
installed, else Python threads over httpx (``--client python``). Each client
keeps one connection and sends its next request when the last is answered.
Queries are the dev queries' texts, cycled.

    python bench/bench_web.py [--index DIR] [--seconds 30] [--clients 8] [--workers 1] [--mode bm25]
                              [--client wrk|python]

Without ``--index`` (or when DIR holds no index) the index is built first
from ../shared/data/news-dev.jsonl.gz with the real indexer pipeline.
Prints requests/s, p50/p95/p99 latency in ms, and the error count.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import DATA  # noqa: E402

NEWS = DATA / "news-dev.jsonl.gz"
QUERIES = DATA / "queries-dev.jsonl"


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


def serve(index: Path, port: int, workers: int) -> subprocess.Popen:
    command = ["-m", "cli.main", "serve", "--index", str(index), "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen([sys.executable, *command], cwd=ROOT)


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("ARSHIF_BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("arshif %d %d %.3f %.3f %.3f %.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk(base: str, queries: list[str], mode: str | None, count: int, seconds: float) -> dict[str, float]:
    """One wrk run: requests, errors (sockets, timeouts, non-2xx) and latency percentiles in ms."""
    with tempfile.TemporaryDirectory() as work:
        paths = Path(work) / "paths.txt"
        paths.write_text(
            "".join(
                "/api/v1/search?" + urlencode({"q": q, "size": 10, **({"mode": mode} if mode else {})}) + "\n"
                for q in queries
            )
        )
        script = Path(work) / "search.lua"
        script.write_text(WRK_SCRIPT)
        command = ["wrk", "-t1", f"-c{count}", f"-d{seconds:.0f}s", "--timeout", "10s", "-s", str(script), base]
        output = subprocess.run(
            command, env={**os.environ, "ARSHIF_BENCH_PATHS": str(paths)}, capture_output=True, text=True, check=True
        ).stdout
    fields = next(line for line in output.splitlines() if line.startswith("arshif ")).split()[1:]
    requests, errors = int(fields[0]), int(fields[1])
    p50, p95, p99, worst = map(float, fields[2:])
    return {"requests": requests, "errors": errors, "p50": p50, "p95": p95, "p99": p99, "max": worst}


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


def python_clients(base: str, queries: list[str], mode: str | None, count: int, seconds: float) -> dict[str, float]:
    receive, send = mp.Pipe(duplex=False)
    worker = mp.Process(target=clients, args=(base, queries, mode, count, seconds, send))
    worker.start()
    latencies, errors = receive.recv()
    worker.join()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": errors, "p50": q[49], "p95": q[94], "p99": q[98], "max": latencies[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="index directory (built from news-dev when empty)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="search processes (arshif serve --workers)")
    parser.add_argument("--mode", choices=["bm25", "semantic", "hybrid"], help="default: the index's best")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    if not NEWS.exists() or not QUERIES.exists():
        raise SystemExit(
            f"bench data missing: {NEWS} and {QUERIES} (see ../shared/data/README.md, or set ARSHIF_BENCH_DATA)"
        )
    index = args.index or Path(tempfile.mkdtemp(prefix="arshif-bench-web-")) / "index"
    if not (index / "arshif.json").exists():
        build_index(index)
    queries = [orjson.loads(line)["query"] for line in QUERIES.read_bytes().splitlines() if line.strip()]
    measure = wrk if args.client == "wrk" else python_clients
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(index, port, args.workers)
    try:
        wait_ready(base)
        measure(base, queries, args.mode, args.clients, 3)  # warm-up: caches, searcher, threads
        result = measure(base, queries, args.mode, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(30)
    print(f"index: {index}  queries: {QUERIES.name} ({len(queries)})  mode: {args.mode or 'default'}")
    print(f"server: arshif serve --workers {args.workers}  clients: {args.clients} ({args.client})  "
          f"duration: {args.seconds:.0f} s")
    print(f"requests: {result['requests']:,}  errors: {result['errors']}")
    print(f"throughput: {result['requests'] / args.seconds:.1f} req/s")
    print(
        f"latency ms: p50 {result['p50']:.1f}  p95 {result['p95']:.1f}  p99 {result['p99']:.1f}  max {result['max']:.1f}"
    )


if __name__ == "__main__":
    main()
