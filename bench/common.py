"""Shared by the hybrid benchmarks: where the dev data is, the evaluation
corpora built from it (in a work directory, never in the repo), and an
embedder wrapper that counts where indexing time goes."""

from __future__ import annotations

import gzip
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.pipeline import IndexRun, RejectsFile  # noqa: E402
from search.backends import open_embedded  # noqa: E402
from search.embed import Embedder, load_embedder  # noqa: E402
from search.index_meta import IndexMeta  # noqa: E402
from search.passages import PassageConfig  # noqa: E402

# The dev data is read in place, never copied; ARSHIF_BENCH_DATA points elsewhere.
DATA = Path(os.environ.get("ARSHIF_BENCH_DATA") or ROOT.parent / "shared" / "data")
SENTENCE_END = re.compile(r"(?<=[.!?؟\n])\s+")


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"missing {path}: the dev data lives in ../shared/data (see its README.md), or set ARSHIF_BENCH_DATA")
    return path


def news(data: Path) -> Iterator[dict]:
    with gzip.open(need(data / "news-dev.jsonl.gz"), "rb") as handle:
        for line in handle:
            yield orjson.loads(line)


def write_jsonl(path: Path, records: Sequence[dict] | Iterator[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")
            count += 1
    return count


def body_only(data: Path, limit: int | None, keep: set[str]) -> Iterator[dict]:
    """news-dev without titles (title queries must not find their own text);
    ``limit`` keeps the first N articles plus every judged one."""
    for number, article in enumerate(news(data)):
        if limit is None or number < limit or article["id"] in keep:
            yield {**article, "title": ""}


def xling_corpus(data: Path, distractors: int) -> Iterator[dict]:
    """The xling Arabic sentences among ``distractors`` Arabic sentences from
    news-dev (5 to 60 words, at most 3 per article, in file order)."""
    for line in need(data / "xling-dev.jsonl").read_bytes().splitlines():
        item = orjson.loads(line)
        yield {"id": item["doc_id"], "body": item["doc_ar"], "source": "ntrex"}
    made = 0
    for article in news(data):
        taken = 0
        for number, sentence in enumerate(SENTENCE_END.split(article["body"])):
            words = len(sentence.split())
            if 5 <= words <= 60 and taken < 3:
                yield {"id": f"{article['id']}-s{number:03d}", "body": sentence.strip(), "source": article["source"]}
                taken += 1
                made += 1
                if made >= distractors:
                    return


@dataclass
class TimedEmbedder:
    """An embedder that adds up the seconds and texts it encodes in this
    process (with ``parallel_processes`` the indexing workers encode the new
    articles with models of their own, unseen here)."""

    inner: Embedder
    seconds: float = 0.0
    texts: int = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def similarity_floor(self) -> float:
        return self.inner.similarity_floor

    @property
    def parallel_processes(self) -> bool:
        return self.inner.parallel_processes

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode_passages(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)


def build(source: Path, index: Path, embedder_name: str | None, passages: PassageConfig) -> dict:
    """Index ``source`` through the real pipeline; an existing index is
    completed incrementally (a killed build resumes), timing then says so."""
    resumed = (index / "arshif.json").exists()
    embedder = TimedEmbedder(load_embedder(embedder_name)) if embedder_name else None
    meta = (
        IndexMeta(embedder=embedder.name, dimension=embedder.dimension, passages=passages) if embedder else IndexMeta()
    )
    backend = open_embedded(index, meta, create=True)
    started = time.perf_counter()
    summary = IndexRun(backend=backend, rejects=RejectsFile(index / "rejects.jsonl"), embedder=embedder).run([source])
    closing = time.perf_counter()
    backend.close()
    total = time.perf_counter() - started
    return {
        "resumed": resumed,
        "articles": summary.indexed,
        "seconds": round(total, 1),
        "articles_per_s": round(summary.indexed / total, 1),
        "embed_seconds": round(embedder.seconds, 1) if embedder else 0.0,
        "passages": embedder.texts if embedder else 0,
        "close_seconds": round(time.perf_counter() - closing, 1),
    }


def body_only_file(work: Path) -> Path:
    """All of news-dev without titles, as one JSONL file in ``work``."""
    target = work / "news-dev-body.jsonl"
    if not target.exists():
        write_jsonl(target, body_only(DATA, None, set()))
    return target


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
