"""The on-disk vector store: exact and HNSW search, updates and deletes in
step with the text index, compaction, and what a killed run leaves behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from search.backends import open_embedded
from search.backends.embedded.vectors import MAX_SEGMENTS, VectorStore
from search.index_meta import IndexMeta
from search.models import Article, Filters

DIM = 16


def unit(rng: np.random.Generator, rows: int) -> np.ndarray:
    matrix = rng.standard_normal((rows, DIM)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def brute(store_data: dict[str, np.ndarray], query: np.ndarray, k: int) -> list[str]:
    scores = {doc_id: float((m @ query).max()) for doc_id, m in store_data.items() if len(m)}
    return sorted(scores, key=lambda d: -scores[d])[:k]


def test_exact_search_scores_an_article_by_its_best_passage(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    data = {f"a{i}": unit(rng, int(rng.integers(1, 4))) for i in range(50)}
    store = VectorStore(tmp_path / "v", DIM)
    store.upsert(list(data), list(data.values()))
    assert store.search(data["a7"][0], 5) == []  # nothing before commit
    store.commit()
    hits = store.search(data["a7"][-1], 5)
    assert hits[0][0] == "a7" and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert hits[0][2] == len(data["a7"]) - 1  # the passage that matched
    query = unit(rng, 1)[0]
    assert [h[0] for h in store.search(query, 10)] == brute(data, query, 10)
    reopened = VectorStore(tmp_path / "v", DIM)
    assert [h[0] for h in reopened.search(query, 10)] == brute(data, query, 10)


def test_updates_shadow_and_deletes_hide(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    old, new = unit(rng, 2), unit(rng, 1)
    store = VectorStore(tmp_path / "v", DIM)
    store.upsert(["x", "y"], [old, unit(rng, 1)])
    store.commit()
    store.upsert(["x"], [new])
    store.commit()
    assert store.search(new[0], 1)[0][:2] == ("x", pytest.approx(1.0, abs=1e-5))
    assert all(score < 0.999 for doc_id, score, _ in store.search(old[0], 2) if doc_id == "x")
    store.delete(["x"])
    store.commit()
    assert [h[0] for h in store.search(new[0], 5)] == ["y"]
    assert store.count() == 1


def test_a_restricted_search_only_returns_allowed_ids(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = {f"a{i}": unit(rng, 1) for i in range(40)}
    store = VectorStore(tmp_path / "v", DIM)
    store.upsert(list(data), list(data.values()))
    store.commit()
    allowed = {"a1", "a2", "a3", "unknown"}
    hits = store.search(data["a9"][0], 10, allowed)
    assert {h[0] for h in hits} == {"a1", "a2", "a3"}
    assert store.search(data["a9"][0], 10, {"unknown"}) == []


def test_compaction_keeps_results_and_removes_old_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    store = VectorStore(tmp_path / "v", DIM)
    data: dict[str, np.ndarray] = {}
    for round_ in range(MAX_SEGMENTS + 2):
        batch = {f"a{round_}-{i}": unit(rng, 2) for i in range(5)}
        batch["a0-0"] = unit(rng, 1)  # the same article updated every round
        data.update(batch)
        store.upsert(list(batch), list(batch.values()))
        store.commit()
    query = unit(rng, 1)[0]
    before = [h[0] for h in store.search(query, 20)]
    store.close()
    manifest = json.loads((tmp_path / "v" / "manifest.json").read_text())
    assert len(manifest["segments"]) == 1
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == sorted(
        ["manifest.json", f"{manifest['segments'][0]['name']}.npy", f"{manifest['segments'][0]['name']}.json"]
    )
    after = [h[0] for h in VectorStore(tmp_path / "v", DIM).search(query, 20)]
    assert before == after == brute(data, query, 20)


def test_hnsw_agrees_with_exact_search(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    centres = unit(rng, 20)
    data = {
        f"a{i}": (centres[i % 20] + 0.3 * unit(rng, 2)) / np.linalg.norm(centres[i % 20] + 0.3 * unit(rng, 2))
        for i in range(600)
    }
    data = {k: (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32) for k, v in data.items()}
    store = VectorStore(tmp_path / "v", DIM, exact_limit=100)
    store.upsert(list(data), list(data.values()))
    store.close()  # over the limit: builds the HNSW graph
    assert any(p.suffix == ".usearch" for p in (tmp_path / "v").iterdir())
    store = VectorStore(tmp_path / "v", DIM, exact_limit=100)
    assert store.state().ann is not None
    overlap = []
    for query in unit(rng, 30):
        approx = {doc_id: score for doc_id, score, _ in store.search(query, 10)}
        exact = {doc_id: score for doc_id, score, _ in store.search(query, 10, exact=True)}
        overlap.append(len(approx.keys() & exact.keys()) / 10)
        # the graph only chooses candidates: their similarities are the exact ones
        assert all(abs(approx[doc_id] - exact[doc_id]) < 1e-5 for doc_id in approx.keys() & exact.keys())
    assert np.mean(overlap) >= 0.95
    # a later commit lands in an uncovered segment, searched exactly next to the graph
    fresh = unit(rng, 1)
    store.upsert(["new"], [fresh])
    store.commit()
    assert store.search(fresh[0], 1)[0][0] == "new"
    store.delete(["a0"])
    store.commit()
    assert "a0" not in {h[0] for h in store.search(data["a0"][0], 10)}


def test_files_of_a_commit_that_never_reached_the_manifest_are_ignored_then_removed(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    store = VectorStore(tmp_path / "v", DIM)
    store.upsert(["a"], [unit(rng, 1)])
    store.commit()
    (tmp_path / "v" / "000009.npy").write_bytes(b"half written")
    (tmp_path / "v" / "manifest.json.tmp").write_bytes(b"{")
    assert [h[0] for h in VectorStore(tmp_path / "v", DIM).search(unit(rng, 1)[0], 5)] == ["a"]
    writer = VectorStore(tmp_path / "v", DIM)
    writer.upsert(["b"], [unit(rng, 1)])
    writer.commit()
    assert not (tmp_path / "v" / "000009.npy").exists()
    assert not (tmp_path / "v" / "manifest.json.tmp").exists()


def test_a_wrong_dimension_is_refused(tmp_path: Path) -> None:
    from search.backend import BackendError

    store = VectorStore(tmp_path / "v", DIM)
    with pytest.raises(BackendError, match="article a: vectors have dimension 3"):
        store.upsert(["a"], [np.ones((1, 3), np.float32)])
    store.upsert(["a"], [np.ones((1, DIM), np.float32) / 4])
    store.commit()
    with pytest.raises(BackendError, match="holds 16-dimensional vectors"):
        VectorStore(tmp_path / "v", 8).search(np.ones(8), 1)


def _articles(prefix: str, n: int) -> list[Article]:
    sources = ["Okaz", "Sabq"]
    return [Article(id=f"{prefix}{i}", body=f"نص الخبر رقم {i}", source=sources[i % 2]) for i in range(n)]


def test_the_backend_keeps_text_and_vectors_in_step(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    backend = open_embedded(tmp_path / "idx", IndexMeta(embedder="test", dimension=DIM), create=True)
    articles = _articles("a", 10)
    vectors = [unit(rng, 1) for _ in articles]
    backend.upsert(articles, vectors)
    backend.commit()
    ranked = backend.vector_search(vectors[3][0], Filters(), 3)
    assert ranked.hits[0][0] == "a3" and ranked.total == 10 and ranked.passages["a3"] == 0
    only_sabq = backend.vector_search(vectors[2][0], Filters(sources=("Sabq",)), 10)
    assert {doc_id for doc_id, _ in only_sabq.hits} == {f"a{i}" for i in range(1, 10, 2)}
    assert only_sabq.total == 5
    backend.delete(["a3"])
    backend.commit()
    assert "a3" not in {d for d, _ in backend.vector_search(vectors[3][0], Filters(), 10).hits}
    from search.backend import BackendError

    with pytest.raises(BackendError, match="stores vectors from embedder test"):
        backend.upsert(_articles("b", 1))
    backend.close()
    plain = open_embedded(tmp_path / "plain", IndexMeta(), create=True)
    with pytest.raises(BackendError, match="built without vectors"):
        plain.upsert(_articles("c", 1), [unit(rng, 1)])
    with pytest.raises(BackendError, match="has no vectors"):
        plain.vector_search(unit(rng, 1)[0], Filters(), 1)


WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from pathlib import Path
    from search.backends import open_embedded
    from search.index_meta import IndexMeta
    from search.models import Article
    backend = open_embedded(Path(sys.argv[1]), IndexMeta(embedder="test", dimension=16), create=True)
    rng = np.random.default_rng(0)
    for batch in range(10_000):
        articles = [Article(id=f"b{batch}-{i}", body=f"نص {batch} {i}") for i in range(50)]
        backend.upsert(articles, [rng.standard_normal((2, 16)).astype(np.float32) for _ in articles])
        backend.commit()
        print(batch, flush=True)
    """
)


@pytest.mark.slow
def test_a_run_killed_mid_write_leaves_a_searchable_index(tmp_path: Path) -> None:
    """kill -9 during indexing: every article the text index has must have its
    vectors; vectors without text may exist and are never shown."""
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "idx")],
        stdout=subprocess.PIPE,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if int(line) >= 5:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    backend = open_embedded(tmp_path / "idx")
    text_ids = backend.ids()
    store = backend.vectors
    assert store is not None
    vector_ids = set(store.state().ids)
    assert len(text_ids) >= 6 * 50
    assert text_ids <= vector_ids
    assert len(vector_ids - text_ids) <= 50
    hits = backend.vector_search(np.ones(16, np.float32) / 4, Filters(), 10).hits
    assert len(hits) == 10


def test_refresh_keeps_the_loaded_state_until_a_writer_commits(tmp_path: Path) -> None:
    """A server refreshes every second; reloading every segment each time made
    hybrid search slow, and dropping the state under a searching thread made it fail."""
    rng = np.random.default_rng(7)
    writer = VectorStore(tmp_path / "v", DIM)
    writer.upsert(["a"], [unit(rng, 1)])
    writer.commit()
    reader = VectorStore(tmp_path / "v", DIM)
    first = reader.state()
    reader.refresh()
    assert reader.state() is first
    writer.upsert(["b"], [unit(rng, 1)])
    writer.commit()
    reader.refresh()
    assert reader.state() is not first and reader.count() == 2


def test_searches_survive_concurrent_refreshes(tmp_path: Path) -> None:
    import threading

    rng = np.random.default_rng(8)
    store = VectorStore(tmp_path / "v", DIM)
    store.upsert([f"a{i}" for i in range(30)], [unit(rng, 1) for _ in range(30)])
    store.commit()
    errors: list[BaseException] = []
    stop = threading.Event()

    def refresher() -> None:
        while not stop.is_set():
            store._state = None  # what a refresh after a commit does
    thread = threading.Thread(target=refresher)
    thread.start()
    try:
        for _ in range(100):
            try:
                assert store.search(unit(rng, 1)[0], 5)
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)
    finally:
        stop.set()
        thread.join()
    assert errors == []
