"""The SQLite saved-query store beside an embedded index (real SQLite files)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from search.backends import open_embedded_saved_queries
from search.backends.embedded.saved_queries import FILE_NAME
from search.models import Mode
from search.saved import SavedFilters, SavedQueryCreate, SavedQueryUpdate


def test_create_get_list_survive_reopening(tmp_path):
    store = open_embedded_saved_queries(tmp_path)
    first = store.create(SavedQueryCreate(name=" أمطار ", q="أمطار جدة", filters=SavedFilters(source=["okaz"])))
    second = store.create(SavedQueryCreate(name="oil", q="نفط", mode=Mode.bm25))
    assert (tmp_path / FILE_NAME).is_file()
    reopened = open_embedded_saved_queries(tmp_path)
    assert [s.id for s in reopened.list()] == [first.id, second.id]
    got = reopened.get(first.id)
    assert got == first and got.name == "أمطار" and got.filters.source == ["okaz"]
    assert got.last_checked == got.created and got.created.tzinfo is not None
    assert reopened.get(second.id).mode is Mode.bm25


def test_update_changes_only_given_fields(tmp_path):
    store = open_embedded_saved_queries(tmp_path)
    saved = store.create(SavedQueryCreate(name="a", q="نفط", filters=SavedFilters(lang=["ar"])))
    renamed = store.update(saved.id, SavedQueryUpdate(name="b"))
    assert renamed.name == "b" and renamed.q == "نفط" and renamed.filters.lang == ["ar"]
    requeried = store.update(saved.id, SavedQueryUpdate(q="أسعار", filters=SavedFilters(source=["x"])))
    assert requeried.name == "b" and requeried.q == "أسعار" and requeried.filters == SavedFilters(source=["x"])
    assert store.get(saved.id) == requeried
    assert store.update("missing", SavedQueryUpdate(name="c")) is None


def test_delete_and_mark_checked(tmp_path):
    store = open_embedded_saved_queries(tmp_path)
    saved = store.create(SavedQueryCreate(name="a"))
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert store.mark_checked(saved.id, when).last_checked == when
    assert store.delete(saved.id) is True
    assert store.delete(saved.id) is False
    assert store.get(saved.id) is None and store.list() == []


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": "a", "q": "x" * 1001},
        {"name": "a", "extra": 1},
        {"name": "a", "mode": "fuzzy"},
        {"name": "a", "filters": {"date_from": "soon"}},
    ],
)
def test_bad_input_is_rejected_by_the_models(data):
    with pytest.raises(ValidationError):
        SavedQueryCreate.model_validate(data)
