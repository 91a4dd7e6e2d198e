"""Saved queries through the API and the pages: the whole lifecycle on a real
index, ``new=true`` after indexing more articles, tokens, CSRF and the feed."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from web_support import XSS_TITLE, build_index, generated, index_records, settings_for

from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def index(tmp_path):
    return build_index(tmp_path)


@pytest.fixture
def client(index):
    with TestClient(create_app(settings_for(index))) as client:
        yield client


def next_second() -> None:
    """"New" counts from the second of the last check (the index stores
    ``indexed_at`` to the second): start checks after the fixture's second."""
    time.sleep(1.01 - time.time() % 1)


def create(client, **body):
    response = client.post("/api/v1/saved-queries", json={"name": "أمطار", "q": "أمطار", **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_lifecycle_create_list_read_update_delete(client):
    next_second()
    saved = create(client, filters={"source": ["okaz"]})
    assert saved["new"] == 0 and saved["filters"]["source"] == ["okaz"]
    assert [s["id"] for s in client.get("/api/v1/saved-queries").json()["items"]] == [saved["id"]]
    assert client.get(f"/api/v1/saved-queries/{saved['id']}").json()["name"] == "أمطار"
    updated = client.put(f"/api/v1/saved-queries/{saved['id']}", json={"name": "rain"}).json()
    assert updated["name"] == "rain" and updated["q"] == "أمطار"
    results = client.get(f"/api/v1/saved-queries/{saved['id']}/results").json()
    assert results["new_only"] is False
    assert results["results"]["total"] == 2 and {h["source"] for h in results["results"]["hits"]} == {"okaz"}
    assert client.delete(f"/api/v1/saved-queries/{saved['id']}").json() == {"ok": True, "deleted": saved["id"]}
    for method in ("get", "delete"):
        response = getattr(client, method)(f"/api/v1/saved-queries/{saved['id']}")
        assert response.status_code == 404 and response.json()["ok"] is False
    assert client.put(f"/api/v1/saved-queries/{saved['id']}", json={"name": "x"}).status_code == 404


def test_new_true_returns_only_articles_indexed_since_last_check(client, index, tmp_path):
    next_second()
    saved = create(client)
    assert (
        client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()["results"]["total"]
        == 0
    )
    time.sleep(1.1)  # indexed_at and last_checked compare at tantivy's one-second date precision
    index_records(index, generated(count=10, prefix="late"), tmp_path / "late")
    next_second()  # a check in the same second as the indexing would show them again (never miss them)
    listed = client.get("/api/v1/saved-queries").json()["items"][0]
    assert listed["new"] == 2  # topic 0 ("أمطار") recurs every 5 articles
    fresh = client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()
    assert {h["id"] for h in fresh["results"]["hits"]} == {"late-000", "late-005"}
    assert fresh["saved_query"]["new"] == 0
    again = client.get(f"/api/v1/saved-queries/{saved['id']}/results", params={"new": "true"}).json()
    assert again["results"]["total"] == 0
    everything = client.get(f"/api/v1/saved-queries/{saved['id']}/results").json()
    assert everything["results"]["total"] == 8


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"name": ""}, 422, "body field 'name'"),
        ({"name": "a", "q": "(x"}, 400, "position 0"),
        ({"name": "a", "q": "x" * 1001}, 422, "'q'"),
        ({"name": "a", "mode": "semantic"}, 400, "'mode'"),
        ({"name": "a", "filters": {"date_from": "2015-99-01"}}, 422, "filters.date_from"),
        ({"name": "a", "color": "red"}, 422, "color"),
    ],
)
def test_create_validation_names_the_field(client, body, status, names):
    response = client.post("/api/v1/saved-queries", json=body)
    assert response.status_code == status and names in response.json()["error"], response.text


def test_api_writes_need_a_json_body(client):
    response = client.post("/api/v1/saved-queries", content='{"name": "a"}', headers={"content-type": "text/plain"})
    assert response.status_code == 422 and client.get("/api/v1/saved-queries").json()["items"] == []


def test_token_is_required_when_set(index):
    with TestClient(create_app(settings_for(index, api_token="s3cret"))) as client:
        body = {"name": "a", "q": "نفط"}
        assert client.post("/api/v1/saved-queries", json=body).status_code == 401
        wrong = client.post("/api/v1/saved-queries", json=body, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 403 and "token" in wrong.json()["error"]
        right = client.post("/api/v1/saved-queries", json=body, headers={"authorization": "Bearer s3cret"})
        assert right.status_code == 201
        assert client.delete(f"/api/v1/saved-queries/{right.json()['id']}").status_code == 401
        assert client.get("/api/v1/saved-queries").status_code == 200  # reads stay open


def test_off_loopback_without_token_refuses_writes(index):
    with TestClient(create_app(settings_for(index, host="0.0.0.0"))) as client:
        response = client.post("/api/v1/saved-queries", json={"name": "a"})
        assert response.status_code == 403 and "ARSHIF_API_TOKEN" in response.json()["error"]
        assert client.get("/api/v1/health").json()["writes_need_token"] is True


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_page_forms_save_rename_delete_with_csrf(client):
    page = client.get("/", params={"q": "أمطار", "source": "okaz"}).text
    token = csrf_of(page)
    form = {
        "name": "مطر",
        "q": "أمطار",
        "source": "okaz",
        "mode": "",
        "date_from": "",
        "date_to": "2015-12-31",
        "csrf": token,
    }
    response = client.post("/saved-queries", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/saved-queries"
    saved = client.get("/api/v1/saved-queries").json()["items"][0]
    assert saved["name"] == "مطر" and saved["filters"]["source"] == ["okaz"]
    assert saved["filters"]["date_to"].startswith("2016-01-01")  # inclusive day -> exclusive bound
    listing = client.get("/saved-queries").text
    assert "مطر" in listing and f"/saved-queries/{saved['id']}/feed.atom" in listing
    client.post(f"/saved-queries/{saved['id']}/rename", data={"name": "rain", "csrf": token})
    assert client.get(f"/api/v1/saved-queries/{saved['id']}").json()["name"] == "rain"
    client.post(f"/saved-queries/{saved['id']}/delete", data={"csrf": token})
    assert client.get("/api/v1/saved-queries").json()["items"] == []


def test_page_writes_without_csrf_are_refused(client):
    client.get("/")
    for data in ({"name": "a"}, {"name": "a", "csrf": "forged"}):
        response = client.post("/saved-queries", data=data)
        assert response.status_code == 403 and "csrf" in response.text
    fresh = TestClient(client.app)  # no cookie: a cross-site form post
    response = fresh.post("/saved-queries", data={"name": "a", "csrf": csrf_of(client.get("/").text)})
    assert response.status_code == 403
    assert client.get("/api/v1/saved-queries").json()["items"] == []


def test_page_form_errors_are_4xx_pages(client):
    token = csrf_of(client.get("/").text)
    bad_date = client.post("/saved-queries", data={"name": "a", "date_from": "2015-02-30", "csrf": token})
    assert bad_date.status_code == 422 and "date_from" in bad_date.text and "<html" in bad_date.text
    no_name = client.post("/saved-queries", data={"name": " ", "csrf": token})
    assert no_name.status_code == 422
    assert client.post("/saved-queries/nope/delete", data={"csrf": token}).status_code == 404


def test_saved_results_page_and_feed(client):
    saved = create(client, q="البوكمال", name="<b>bold</b>")
    page = client.get(f"/saved-queries/{saved['id']}")
    assert page.status_code == 200 and "&lt;b&gt;bold&lt;/b&gt;" in page.text and "<mark>" in page.text
    assert page.headers["link"].startswith(f"</api/v1/saved-queries/{saved['id']}/results>")
    feed = client.get(f"/saved-queries/{saved['id']}/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.find(f"{ATOM}title").text == "<b>bold</b>"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 6
    titles = {e.find(f"{ATOM}title").text for e in entries}
    assert XSS_TITLE in titles  # the script tag is text in the XML, not markup
    assert all(re.search(r"(Z|[+-]\d\d:\d\d)$", e.find(f"{ATOM}updated").text) for e in entries)
    assert client.get("/saved-queries/nope/feed.atom").status_code == 404
