"""Garbage collection during a run: rare, still working, and restored after."""

from __future__ import annotations

import gc
import random
import weakref

from indexer.collection import YOUNG_OBJECTS, keep, rare_collections
from tests.indexer_fixtures import random_body, run_index, write_jsonl


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_collections_are_rare_inside_and_the_settings_come_back():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with rare_collections():
        assert gc.get_threshold() == (YOUNG_OBJECTS, *before[1:])
        assert gc.get_freeze_count() > frozen  # what existed is left alone
        kept = [_Node() for _ in range(100)]
        count = gc.get_freeze_count()
        keep()
        assert gc.get_freeze_count() >= count + len(kept)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_cyclic_garbage_is_still_collected_inside():
    with rare_collections():
        lost = _cycle()
        keep()  # a cycle made unreachable after being kept waits for the block's end
        fresh = _cycle()
        held = [_Node() for _ in range(3 * YOUNG_OBJECTS)]  # live containers enough to start a collection
        assert fresh() is None
        assert lost() is not None  # the same collections passed over the kept one
        del held
    gc.collect()
    assert lost() is None


def test_an_index_run_collects_rarely_and_restores_the_collector(tmp_path):
    rng = random.Random(3)
    inputs = [write_jsonl(tmp_path / "a.jsonl", [{"id": f"a{i}", "body": random_body(rng)} for i in range(30)])]
    thresholds: list[int] = []
    before = gc.get_threshold()
    summary = run_index(
        tmp_path / "index", inputs, batch_size=10, progress=lambda _: thresholds.append(gc.get_threshold()[0])
    )
    assert summary.indexed == 30
    assert thresholds and set(thresholds) == {YOUNG_OBJECTS}
    assert gc.get_threshold() == before
