"""Builders shared by the web tests: a real tantivy index on a temporary
directory, filled through the real indexer pipeline from ``samples/`` plus
generated articles (some of them hostile), and apps over it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import uvicorn

from indexer.pipeline import IndexRun, RejectsFile
from search.backends import open_embedded
from search.config import Settings
from search.models import Article

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

SOURCES = ("okaz", "alriyadh", "aawsat")
TOPICS = (
    ("أمطار غزيرة في جدة", "هطلت أمطار غزيرة على مدينة جدة وأدت السيول إلى إغلاق طرق رئيسية في المدينة."),
    ("افتتاح معرض الكتاب في الرياض", "افتتح معرض الرياض الدولي للكتاب أبوابه للزوار بمشاركة دور نشر عربية."),
    ("ارتفاع أسعار النفط", "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج."),
    ("مباراة الهلال والنصر", "فاز الهلال على النصر في مباراة الدوري السعودي لكرة القدم."),
    ("اجتماع وزراء الخارجية", "عقد وزراء الخارجية العرب اجتماعا طارئا لبحث الأوضاع في المنطقة."),
)
XSS_TITLE = "<script>window.__xss = 'title'</script>تنبيه البوكمال"
XSS_BODY = "خبر عن البوكمال <img src=x onerror=\"window.__xss='img'\"> و <script>window.__xss='body'</script> نهاية"
XSS_URL = "javascript:window.__xss='url'"
CLUSTER = "cluster-bukamal"


def generated(count: int = 30, start: datetime = datetime(2015, 6, 1), prefix: str = "gen") -> list[dict]:
    """Arabic articles over several sources and ~3 months, plus two in English."""
    records = []
    for i in range(count):
        title, body = TOPICS[i % len(TOPICS)]
        records.append(
            {
                "id": f"{prefix}-{i:03d}",
                "title": f"{title} ({i})",
                "body": f"{body} تقرير رقم {i}.",
                "date": (start + timedelta(days=3 * i)).isoformat(),
                "source": SOURCES[i % len(SOURCES)],
                "url": f"https://example.org/{prefix}/{i}",
                "lang": "ar",
            }
        )
    records.append(
        {
            "id": f"{prefix}-en-1",
            "title": "Oil prices rise",
            "body": "Oil prices rose after the output cut.",
            "date": "2015-07-02",
            "source": "reuters",
            "url": "https://example.org/en/1",
            "lang": "en",
        }
    )
    records.append(
        {
            "id": f"{prefix}-xss",
            "title": XSS_TITLE,
            "body": XSS_BODY,
            "date": "2015-07-10",
            "source": "okaz",
            "url": XSS_URL,
            "lang": "ar",
        }
    )
    return records


def index_records(index: Path, records: list[dict], work: Path, with_samples: bool = False) -> None:
    """Index through the real pipeline (JSONL reader, field mapping, batches)."""
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"articles-{time.monotonic_ns()}.jsonl"
    data.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    backend = open_embedded(index, create=True)
    try:
        paths = [data, *sorted(SAMPLES.glob("*.txt"))] if with_samples else [data]
        summary = IndexRun(backend, RejectsFile(work / "rejects.jsonl")).run(paths)
        assert summary.rejected == 0, summary.to_json()
    finally:
        backend.close()


def add_cluster(index: Path) -> list[str]:
    """Three near-duplicates of the sample story, sharing one cluster id."""
    backend = open_embedded(index)
    base = (SAMPLES / "000_99b9ce09fea8f0de.txt").read_text(encoding="utf-8").splitlines()
    ids = [f"dup-{i}" for i in range(3)]
    backend.upsert(
        [
            Article(
                id=doc_id,
                title=f"{base[0][:60]} - نسخة {i}",
                body="\n".join(base[1:]),
                date=datetime(2015, 8, 20 + i),
                source=SOURCES[i],
                url=f"https://example.org/dup/{i}",
                cluster=CLUSTER,
            )
            for i, doc_id in enumerate(ids)
        ]
    )
    backend.close()
    return ids


def build_index(root: Path) -> Path:
    index = root / "index"
    index_records(index, generated(), root / "work", with_samples=True)
    add_cluster(index)
    return index


def settings_for(index: Path, **extra: object) -> Settings:
    """Settings over the embedded ``index``, whatever ARSHIF_BACKEND says."""
    return Settings(index=index, **{"backend": "embedded", **extra})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(app) -> Iterator[str]:
    """A real uvicorn server on a loopback port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
