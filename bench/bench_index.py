"""(a) BM25 indexing throughput, end to end: ``arshif index`` on news-dev
(read, analyse, index, commit) in a fresh process. Prints articles/s, the
CPU time of the command and its worker processes, index size and peak memory.

    python -m bench.bench_index [--keep DIR] [--no-dedup]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import body_only_file, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    parser.add_argument("--no-dedup", action="store_true", help="index without duplicate detection")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    corpus = body_only_file(work)
    index = args.keep or work / "index"
    shutil.rmtree(index, ignore_errors=True)
    command = [sys.executable, "-m", "cli.main", "index", str(corpus), "--index", str(index), "--quiet", "--no-vectors"]
    if args.no_dedup:
        command.append("--no-dedup")
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    articles = sum(1 for _ in corpus.open(encoding="utf-8"))
    size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime  # the command and its workers: steadier than wall time on a shared box
    print(f"machine: {machine()}")
    print(f"command: {' '.join(command[1:])}")
    print(f"articles: {articles:,}  seconds: {seconds:.1f}  articles/s: {articles / seconds:,.0f}")
    print(f"CPU: {cpu:.1f} s ({cpu / seconds:.2f} cores busy, {cpu / articles * 1e6:.0f} µs per article)")
    print(f"index size: {size / 2**20:.1f} MiB  peak RSS (largest process): {peak:.0f} MiB")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
