"""Ingest throughput, end to end (read -> clean -> dedup -> analyse -> tantivy
-> commit), BM25 only, into a fresh index in a temp directory.

Corpora:
  jsonl  the dev archive as it is (../shared/data/news-dev.jsonl.gz; the
         gzip is read directly, as a user would);
  html   the first N of its articles written as HTML pages (navigation,
         "read also" box, share footer) into a temp folder, one per file.

Prints articles/s on the wall clock and per CPU second (the machine is shared;
CPU time is the steadier figure). Run::

    python bench/bench_ingest.py [--limit 30676] [--html 1000] [--no-dedup]
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import DATA as DATA_DIR
from indexer.duplicates import FILE_NAME, DuplicateStore
from indexer.pipeline import IndexRun, RejectsFile
from search.backends import open_embedded
from search.index_meta import IndexMeta

DATA = DATA_DIR / "news-dev.jsonl.gz"
PAGE = """<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title} | {source}</title>
<meta property="article:published_time" content="{date}"></head><body>
<header><nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a> <a href="/economy">اقتصاد</a></nav></header>
<main><article><h1>{title}</h1>{paragraphs}</article>
<aside><h3>اقرأ أيضاً</h3><ul><li><a href="/a">خبر آخر</a></li><li><a href="/b">خبر ثالث</a></li></ul></aside></main>
<footer>شارك: فيسبوك تويتر واتساب — جميع الحقوق محفوظة</footer></body></html>"""


def run(inputs: list[Path], dedup: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "idx"
        wall, cpu = time.perf_counter(), time.process_time()
        backend = open_embedded(index, IndexMeta(), create=True)
        store = DuplicateStore(index / FILE_NAME, analyzer=backend.analyzer) if dedup else None
        summary = IndexRun(backend, RejectsFile(index / "rejects.jsonl"), duplicates=store).run(inputs)
        backend.close()
        if store is not None:
            store.close()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "read": summary.read,
        "indexed": summary.indexed,
        "duplicates": summary.duplicates,
        "near_duplicates": summary.near_duplicates,
        "rejected": summary.rejected,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "articles_per_s": round(summary.read / wall),
        "articles_per_cpu_s": round(summary.read / cpu),
    }


def html_pages(folder: Path, count: int) -> None:
    with gzip.open(DATA, "rb") as handle:
        for number, line in enumerate(itertools.islice(handle, count)):
            record = orjson.loads(line)
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in record["body"].split("\n") if p.strip())
            (folder / f"{number:05d}.html").write_text(
                PAGE.format(
                    title=html.escape(record["title"]),
                    source=record["source"],
                    date=record["date"],
                    paragraphs=paragraphs,
                ),
                encoding="utf-8",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="first N JSONL articles (0 = all)")
    parser.add_argument("--html", type=int, default=1000, help="HTML pages to make and index (0 = skip)")
    parser.add_argument("--no-dedup", action="store_true", help="leave duplicate detection out")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs the dev archive")
    dedup = not args.no_dedup
    with tempfile.TemporaryDirectory() as tmp:
        source = DATA
        if args.limit:
            source = Path(tmp) / "head.jsonl"
            with gzip.open(DATA, "rb") as handle:
                source.write_bytes(b"".join(itertools.islice(handle, args.limit)))
        result = run([source], dedup)
        print(orjson.dumps({"corpus": f"jsonl {source.name}", "dedup": dedup} | result).decode(), flush=True)
        if args.html:
            folder = Path(tmp) / "pages"
            folder.mkdir()
            html_pages(folder, args.html)
            result = run([folder], dedup)
            print(orjson.dumps({"corpus": f"html {args.html} pages", "dedup": dedup} | result).decode(), flush=True)


if __name__ == "__main__":
    main()
