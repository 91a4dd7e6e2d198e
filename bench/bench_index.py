"""(a) BM25 indexing throughput, end to end: ``arshif index`` on news-dev
(read, analyse, index, commit) in a fresh process. Prints articles/s, the
CPU time of the command and its worker processes, index size and peak memory.

    python -m bench.bench_index [--keep DIR] [--no-dedup] [--rounds N] [--lucene PYTHON]

The dev box's speed drifts by up to 2x within minutes (the same run's CPU
time goes from 14 to 25 s), so one figure says little. ``--lucene`` takes the
Python of a venv made by ``../shared/tools/lucene/setup_venv.sh`` and
alternates each run with Lucene's indexing of the same bodies (Anserini, 2
threads, the reference in docs/benchmarks.md): the ratio of the two rates,
run by run, moves far less than either rate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, body_only_file, machine

LUCENE_SCRIPT = ROOT.parent / "shared" / "tools" / "lucene" / "lucene_bm25.py"
LUCENE_REFERENCE = 5050  # articles/s: the reference figure of docs/benchmarks.md for the same Lucene run


def ours(corpus: Path, index: Path, dedup: bool) -> tuple[list[str], float, float, float]:
    """The command, its wall seconds, CPU seconds (with its workers: steadier
    than wall time) and peak RSS in MiB (its largest process)."""
    shutil.rmtree(index, ignore_errors=True)
    command = [sys.executable, "-m", "cli.main", "index", str(corpus), "--index", str(index), "--quiet", "--no-vectors"]
    if not dedup:
        command.append("--no-dedup")
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return command, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def lucene(python: str, corpus: Path, work: Path) -> float:
    """Lucene's indexing seconds (its own timer: no JVM start, no conversion)."""
    shutil.rmtree(work / "lucene", ignore_errors=True)
    summary = work / "lucene-summary.json"
    subprocess.run(
        [python, str(LUCENE_SCRIPT), "--corpus", str(corpus), "--fields", "body", "--work-dir", str(work / "lucene")]
        + ["--summary-out", str(summary)],
        check=True,
        capture_output=True,
    )
    return float(json.loads(summary.read_text())["index"]["index_seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    parser.add_argument("--no-dedup", action="store_true", help="index without duplicate detection")
    parser.add_argument("--rounds", type=int, default=1, help="runs to make (each alternated with Lucene's)")
    parser.add_argument("--lucene", metavar="PYTHON", help="the Python of the Lucene reference venv")
    args = parser.parse_args()
    if args.lucene and not LUCENE_SCRIPT.exists():
        sys.exit(f"missing {LUCENE_SCRIPT}: the Lucene reference lives in ../shared/tools/lucene")
    work = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    corpus = body_only_file(work)
    index = args.keep or work / "index"
    articles = sum(1 for _ in corpus.open(encoding="utf-8"))
    print(f"machine: {machine()}")
    ratios = []
    for round_number in range(1, args.rounds + 1):
        command, seconds, cpu, peak = ours(corpus, index, dedup=not args.no_dedup)
        size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
        if round_number == 1:
            print(f"command: {' '.join(command[1:])}")
        print(f"articles: {articles:,}  seconds: {seconds:.1f}  articles/s: {articles / seconds:,.0f}")
        print(f"CPU: {cpu:.1f} s ({cpu / seconds:.2f} cores busy, {cpu / articles * 1e6:.0f} µs per article)")
        print(f"index size: {size / 2**20:.1f} MiB  peak RSS (largest process): {peak:.0f} MiB")
        if args.lucene:
            reference = lucene(args.lucene, corpus, work)
            ratios.append(reference / seconds)
            print(
                f"Lucene, same minute: {reference:.1f} s, {articles / reference:,.0f}/s; ours/Lucene {ratios[-1]:.3f}"
                f" = {ratios[-1] * LUCENE_REFERENCE:,.0f}/s at the reference's {LUCENE_REFERENCE:,}/s"
            )
    if len(ratios) > 1:
        median = statistics.median(ratios)
        print(
            f"ours/Lucene over {len(ratios)} rounds: median {median:.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})"
            f" = {median * LUCENE_REFERENCE:,.0f}/s at the reference's {LUCENE_REFERENCE:,}/s"
        )
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
