import pytest

from indexer.fields import canonical_url, content_id, to_article, url_id
from indexer.records import Location, RawRecord


@pytest.mark.parametrize(
    "variant",
    [
        "https://News.Example.com/2015/08/خبر-عاجل/",
        "http://news.example.com:80/2015/08/%D8%AE%D8%A8%D8%B1-%D8%B9%D8%A7%D8%AC%D9%84",
        "https://news.example.com/2015/08/خبر-عاجل?utm_source=tw&fbclid=x#comments",
    ],
)
def test_one_url_spelled_many_ways_gets_one_id(variant):
    assert url_id(variant) == url_id("http://news.example.com/2015/08/خبر-عاجل")


def test_query_parameters_that_name_another_page_are_kept():
    assert canonical_url("https://x.sa/article.php?id=7&utm_medium=rss") == "http://x.sa/article.php?id=7"
    assert url_id("https://x.sa/article.php?id=7") != url_id("https://x.sa/article.php?id=8")


def test_id_precedence_given_then_url_then_content():
    def article(**fields):
        return to_article(RawRecord(Location("f", 1), {"body": "نص الخبر", "title": "عنوان"} | fields))

    assert article(id="given", url="https://a.example/1").id == "given"
    assert article(url="https://a.example/1").id == url_id("https://a.example/1")
    assert article().id == content_id("عنوان", "نص الخبر")
    assert article(body="نَصُّ الخبر").id == article().id  # normalized content


def test_fields_are_picked_by_preference_skipping_empty_ones():
    def article(fields, overrides=None):
        return to_article(RawRecord(Location("f", 1), fields), overrides)

    for fields in ({"text": "نص ثان", "body": "نص الخبر"}, {"body": "نص الخبر", "text": "نص ثان"}):
        both = article(fields | {"headline": "عنوان", "title": ""})
        assert both.body == "نص الخبر" and both.title == "عنوان"  # body before text; an empty title is absent
    assert article({"body": None, "text": "نص ثان"}).body == "نص ثان"
    # one record field may fill two article fields; an override replaces a field's names
    shared = article({"body": "نص", "link": "https://x.sy/1", "title": "ع"}, {"id": "link"})
    assert shared.id == "https://x.sy/1" and shared.url == "https://x.sy/1"
    assert article({"content": "نص", "body": "غيره"}, {"body": "content"}).body == "نص"
