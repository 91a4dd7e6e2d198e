"""Helpers shared by the indexer tests: synthetic articles and a real index on tmp_path."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

from indexer.duplicates import FILE_NAME, DuplicateStore
from indexer.pipeline import IndexRun, RejectsFile, RunSummary
from search.backends import open_embedded
from search.index_meta import IndexMeta
from search.models import Article

WORDS = [
    "اجتمع",
    "قادة",
    "الحشد",
    "الشعبي",
    "مدينة",
    "البوكمال",
    "محافظة",
    "دير",
    "الزور",
    "الضربة",
    "الجوية",
    "مواقع",
    "سوريا",
    "العراق",
    "مصادر",
    "خاصة",
    "الحرس",
    "الثوري",
    "القرارات",
    "زيادة",
    "أعداد",
    "نفوذ",
    "ريف",
    "الحدود",
    "العناصر",
    "المحليين",
    "معلومات",
    "عسكرية",
    "المخازن",
    "الأسلحة",
    "الحكومة",
    "الوزير",
    "الاقتصاد",
    "النفط",
    "الأسعار",
    "السوق",
    "البنك",
    "المركزي",
    "التضخم",
    "الرياض",
    "جدة",
    "الرياضة",
    "الدوري",
    "المنتخب",
]


def random_body(rng: random.Random, words: int = 80) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" {rng.randrange(10**9)}"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def run_index(
    index: Path, inputs: list[Path], prune: bool = False, dedup: bool = True, meta: IndexMeta | None = None, **options
) -> RunSummary:
    """One real run, as ``arshif index`` makes it."""
    backend = open_embedded(index, meta or IndexMeta(), create=True)
    store = DuplicateStore(index / FILE_NAME, analyzer=backend.analyzer) if dedup else None
    try:
        run = IndexRun(backend=backend, rejects=RejectsFile(index / "rejects.jsonl"), duplicates=store, **options)
        summary = run.run(inputs, prune=prune)
        backend.close()
    finally:
        if store is not None:
            store.close()
    return summary


def all_articles(index: Path) -> dict[str, Article]:
    backend = open_embedded(index)
    ids = sorted(backend.ids())
    articles = {a.id: a for a in backend.fetch(ids)}
    backend.close()
    return articles
