"""The HTML pages through TestClient: drawn from the API's payloads, usable
without JavaScript, escaped, Arabic-first, with the security headers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from web_support import build_index, settings_for

from web import create_app

ARABIC = "البوكمال"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index = build_index(tmp_path_factory.mktemp("web-pages"))
    with TestClient(create_app(settings_for(index))) as client:
        yield client


def test_search_page_shows_the_same_hits_as_the_api(client):
    api = client.get("/api/v1/search", params={"q": ARABIC}).json()
    page = client.get("/", params={"q": ARABIC})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    ids = re.findall(r'href="/documents/([^"?#]+)\?q=', page.text)
    assert ids == [h["id"] for h in api["hits"]]
    assert page.headers["link"] == f'</api/v1/search?q={ARABIC}>; rel="alternate"; type="application/json"'.replace(
        ARABIC, "%D8%A7%D9%84%D8%A8%D9%88%D9%83%D9%85%D8%A7%D9%84"
    )
    assert "<mark>البوكمال</mark>" in page.text


def test_arabic_first_and_language_switch(client):
    page = client.get("/").text
    assert '<html lang="ar" dir="rtl">' in page and "بحث" in page
    english = client.get("/", params={"ui": "en", "q": ARABIC})
    assert '<html lang="en" dir="ltr">' in english.text and ">Search<" in english.text
    assert english.cookies.get("arshif_ui") == "en"
    assert '<li class="hit" lang="ar" dir="rtl">' in english.text  # Arabic articles stay RTL
    assert client.get("/").text.startswith('<!doctype html>\n<html lang="en"')  # the cookie remembers
    client.get("/", params={"ui": "ar"})
    english_article = client.get("/", params={"lang": "en"}).text
    assert '<li class="hit" lang="en" dir="ltr">' in english_article


def test_plain_form_filters_and_histogram_links(client):
    page = client.get("/", params={"q": ARABIC, "source": "okaz"}).text
    assert re.search(r'value="okaz" checked', page)
    assert page.count('<li class="hit"') == 2
    bars = re.findall(r'<a class="bar" href="([^"]+)"', page)
    assert bars
    query = parse_qs(urlsplit(bars[0].replace("&amp;", "&")).query)
    assert query["q"] == [ARABIC] and query["source"] == ["okaz"] and "date_from" in query and "date_to" in query


def test_blank_form_fields_mean_not_given(client):
    page = client.get("/", params={"q": ARABIC, "mode": "", "date_from": "", "date_to": ""})
    assert page.status_code == 200 and page.text.count('<li class="hit"') == 6


def test_pagination_links_keep_the_search(client):
    page = client.get("/", params={"size": 5}).text
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(nxt).query) == {"page": ["2"], "size": ["5"]}


def test_document_page_highlights_and_lists_near_duplicates(client):
    page = client.get("/documents/dup-0", params={"q": ARABIC})
    assert page.status_code == 200 and page.text.count("<mark>") >= 2
    assert 'id="similar"' in page.text and "/documents/dup-1" in page.text and "/documents/dup-2" in page.text
    assert page.headers["link"].startswith("</api/v1/documents/dup-0?q=")


def test_an_article_without_a_title_is_labelled_untitled(client):
    hits = client.get("/api/v1/search", params={"q": ARABIC}).json()["hits"]
    untitled = [hit["id"] for hit in hits if not hit["title"]]
    assert untitled  # samples/000_…: its first line is a sentence, not a title
    for ui, label in (("en", "Untitled"), ("ar", "بلا عنوان")):  # ends on Arabic: the cookie stays as found
        page = client.get("/", params={"q": ARABIC, "ui": ui}).text
        assert re.search(rf'href="/documents/{re.escape(untitled[0])}[^"]*">{label}</a>', page)
        document = client.get(f"/documents/{untitled[0]}").text
        assert f"<h1>{label}</h1>" in document and f"<title>{label} · " in document


def test_hostile_article_is_escaped_everywhere(client):
    for url in ("/?q=" + ARABIC, "/documents/gen-xss", "/documents/gen-xss?q=" + ARABIC):
        html = client.get(url).text
        assert "<script>window" not in html and "<img src=x" not in html
        assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
        assert "&lt;script&gt;" in html


def test_security_headers_on_pages_and_api(client):
    for url in ("/", "/api/v1/health", "/documents/dup-0"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert headers["x-content-type-options"] == "nosniff"
    assert "object-src 'none'" in client.get("/").headers["content-security-policy"]


def test_no_inline_script_or_style_in_pages(client):
    for url in ("/?q=" + ARABIC, "/documents/dup-0", "/saved-queries", "/documents/missing"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html


def test_page_errors_are_html_with_the_status(client):
    missing = client.get("/documents/missing")
    assert missing.status_code == 404 and "<html" in missing.text and "missing" in missing.text
    bad = client.get("/", params={"size": 500})
    assert bad.status_code == 422 and "size" in bad.text


def test_htmx_is_served_by_the_app_when_installed(client):
    if not client.app.state.htmx_available:
        pytest.skip("htmx not installed: run 'npm ci --prefix web/vendor'")
    script = client.get("/vendor/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]
    assert '<script src="/vendor/htmx.min.js" defer></script>' in client.get("/").text
