"""No input produces a 500: random query strings and parameters against the
API and the search page, over a real index."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_support import build_index, settings_for

from web import create_app

QUERY_ALPHABET = st.sampled_from(list('أبتجدرسعقلمنهوي "()+-:*ORAND title source date lang 2015-07 .. >=<\\\x00\u200f'))
TEXT = st.one_of(st.text(max_size=40), st.text(QUERY_ALPHABET, max_size=40))
VALUE = st.one_of(TEXT, st.integers(-(10**6), 10**6).map(str), st.dates().map(str), st.just(""))
PARAM = st.sampled_from(
    ["q", "mode", "source", "lang", "date_from", "date_to", "page", "size", "explain", "limit", "new"]
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index = build_index(tmp_path_factory.mktemp("web-fuzz"))
    with TestClient(create_app(settings_for(index))) as client:
        yield client


def check(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and response.headers["content-type"].startswith("application/json"):
        body = response.json()
        assert body["ok"] is False and body["status"] == response.status_code and body["error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(PARAM, VALUE), max_size=6))
def test_api_search_never_fails_with_500(client, params):
    for path in ("/api/v1/search", "/api/v1/search.jsonl"):
        check(client.get(path, params=params))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=TEXT, params=st.lists(st.tuples(PARAM, VALUE), max_size=4))
def test_pages_never_fail_with_500(client, q, params):
    check(client.get("/", params=[("q", q), *params]))
    check(client.get("/documents/x", params={"q": q}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["name", "q", "mode", "filters", "x"]),
        st.one_of(
            TEXT,
            st.none(),
            st.integers(),
            st.dictionaries(st.sampled_from(["source", "date_from", "lang"]), VALUE, max_size=2),
        ),
        max_size=4,
    )
)
def test_saved_query_bodies_never_fail_with_500(client, body):
    response = client.post("/api/v1/saved-queries", json=body)
    check(response)
    if response.status_code == 201:
        check(client.get(f"/api/v1/saved-queries/{response.json()['id']}/results", params={"new": "true"}))
        check(client.get(f"/saved-queries/{response.json()['id']}/feed.atom"))
        check(client.delete(f"/api/v1/saved-queries/{response.json()['id']}"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc_id=st.text(min_size=1, max_size=30).filter(lambda s: s not in (".", "..")))
def test_any_id_in_a_path_is_answered_without_500(client, doc_id):
    from urllib.parse import quote

    quoted = quote(doc_id, safe="")
    for path in (
        f"/documents/{quoted}",
        f"/api/v1/documents/{quoted}",
        f"/saved-queries/{quoted}",
        f"/api/v1/saved-queries/{quoted}/results",
        f"/saved-queries/{quoted}/feed.atom",
    ):
        check(client.get(path))
