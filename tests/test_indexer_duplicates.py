"""The duplicate store on a real SQLite file: persistence, replacement, removal."""

import random

from indexer_fixtures import random_body

from indexer.duplicates import DuplicateStore, read_counts


def _edit(text: str) -> str:
    words = text.split()
    words[5:8] = ["كلمات", "بدل", "أخرى"]
    return " ".join(words)


def test_clusters_survive_reopening_and_a_changed_article_is_compared_by_its_new_text(tmp_path):
    rng = random.Random(2)
    first, second = random_body(rng, 150), random_body(rng, 150)
    path = tmp_path / "d.sqlite"
    store = DuplicateStore(path)
    assert store.place("a", store.fingerprint(first)).cluster == ""
    store.close()

    store = DuplicateStore(path)  # a later run
    placement = store.place("b", store.fingerprint(_edit(first)))
    assert placement.cluster == "a" and placement.relabelled == {"a": "a"}
    store.place("a", store.fingerprint(second))  # "a" changed completely
    assert store.place("c", store.fingerprint(_edit(second))).cluster == "a"
    assert store.place("d", store.fingerprint(first)).cluster == "a"  # via "b", not the old "a"
    store.remove(["b"])
    store.close()

    store = DuplicateStore(path)
    assert store.same_body(store.fingerprint(first), "x") == "d"
    store.close()
    assert read_counts(path) == {"duplicates_merged": 0, "clusters": 1, "clustered_articles": 3}
