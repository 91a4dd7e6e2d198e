"""One test per input format, on fixtures written here; each ends in a real index."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from indexer_fixtures import all_articles, run_index, write_jsonl
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.readers import read
from indexer.records import RawRecord, Reject

BODY = "اجتمع قادة الميليشيات الإيرانية في مدينة البوكمال لبحث الضربة الجوية التي استهدفت مواقعهم على الحدود."
BODY2 = "قررت الحكومة رفع أسعار الوقود اعتبارا من الشهر المقبل بعد دراسة أعدتها وزارة الطاقة خلال العام."


def page(title: str, body: str, date: str = "2021-06-29T16:03:00+03:00") -> str:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.split(".") if sentence.strip())
    filler = "<p>" + " ".join([body] * 3) + "</p>"
    return (
        f'<html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="author" content="سامر العلي"><meta property="article:published_time" content="{date}">'
        f"</head><body><nav><ul><li><a href='/'>الرئيسية</a></li><li><a href='/s'>سياسة</a></li></ul></nav>"
        f"<article><h1>{title}</h1>{paragraphs}{filler}</article>"
        f"<aside class='related'><h3>اقرأ أيضاً</h3><ul><li><a href='/x'>خبر آخر لا علاقة له</a></li></ul></aside>"
        f"<footer>شارك على فيسبوك</footer></body></html>"
    )


def test_jsonl_aliases_and_overrides(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"headline": "عنوان", "content": BODY, "published_at": "29/06/2021", "link": "https://x.sy/1", "site": "X"},
            {"head_line": "عنوان 2", "article_text": BODY2, "newspaper": "Y"},
        ],
    )
    run_index(tmp_path / "idx", [path], field_overrides={"body": "article_text"})
    articles = all_articles(tmp_path / "idx")
    # with body=article_text, the first record has no body and is rejected
    assert [a.title for a in articles.values()] == ["عنوان 2"]
    rejects = [orjson.loads(line) for line in (tmp_path / "idx" / "rejects.jsonl").read_bytes().splitlines()]
    assert rejects[0]["line"] == 1 and "no body" in rejects[0]["reason"]

    run_index(tmp_path / "idx2", [path])
    by_title = {a.title: a for a in all_articles(tmp_path / "idx2").values()}
    first = by_title["عنوان"]
    assert first.url == "https://x.sy/1" and first.source == "X" and first.lang == "ar"
    assert first.date == datetime(2021, 6, 29, tzinfo=UTC)


def test_json_array_records_are_numbered(tmp_path):
    path = tmp_path / "day.json"
    path.write_bytes(orjson.dumps([{"title": "a", "body": BODY}, "not an object", {"title": "b", "body": BODY2}]))
    items = list(read(path))
    assert [type(i) for i in items] == [RawRecord, Reject, RawRecord]
    assert items[1].location.line == 2 and str(items[1].location) == f"{path}:2"


def test_csv_and_tsv_report_bad_rows_with_line_numbers(tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(f'title,body,date\nأ,"{BODY}",2021-06-29\nب,too,many,cells\nج,"{BODY2}",\n', encoding="utf-8")
    items = list(read(csv_path))
    assert [type(i) for i in items] == [RawRecord, Reject, RawRecord]
    assert items[1].location.line == 3 and "4 cells" in items[1].reason
    assert items[2].location.line == 4 and items[2].fields["body"] == BODY2

    tsv_path = tmp_path / "b.tsv"
    tsv_path.write_text(f"headline\ttext\nعنوان\t{BODY}\n", encoding="utf-8")
    run_index(tmp_path / "idx", [tsv_path])
    assert [a.title for a in all_articles(tmp_path / "idx").values()] == ["عنوان"]


def test_html_page_main_text_metadata_and_no_furniture(tmp_path):
    path = tmp_path / "news.html"
    path.write_text(page("اجتماع في البوكمال", BODY), encoding="utf-8")
    run_index(tmp_path / "idx", [path])
    (article,) = all_articles(tmp_path / "idx").values()
    assert article.title == "اجتماع في البوكمال"
    assert "استهدفت مواقعهم" in article.body
    for furniture in ("الرئيسية", "خبر آخر لا علاقة له", "شارك على فيسبوك", "اقرأ أيضاً"):
        assert furniture not in article.body
    assert article.author == "سامر العلي"
    assert article.date == datetime(2021, 6, 29, 13, 3, tzinfo=UTC)


def test_cp1256_html_page_with_declared_charset(tmp_path):
    path = tmp_path / "old.htm"
    path.write_bytes(page("خبر قديم", BODY2).replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256"))
    (item,) = list(read(path))
    assert isinstance(item, RawRecord) and "وزارة الطاقة" in item.fields["body"]


def _warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, (title, body) in enumerate([("خبر أول", BODY), ("خبر ثان", BODY2)], start=1):
            payload = page(title, body, date="").replace('content=""', 'content="x"').encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://news.example/{number}",
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2015-08-01T10:00:00Z"},
            )
            writer.write_record(record)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/a.png", "response", payload=io.BytesIO(b"\x89PNG"), http_headers=image
            )
        )


def test_warc_html_responses_become_articles_with_url_and_crawl_date(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path)
    run_index(tmp_path / "idx", [path])
    articles = sorted(all_articles(tmp_path / "idx").values(), key=lambda a: a.url)
    assert [a.url for a in articles] == ["https://news.example/1", "https://news.example/2"]
    assert articles[0].title == "خبر أول" and "البوكمال" in articles[0].body
    assert articles[1].date == datetime(2015, 8, 1, 10, 0, tzinfo=UTC)


def test_zip_of_html_pages_has_member_locations(tmp_path):
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("2021/a.html", page("خبر أ", BODY))
        archive.writestr("2021/b.htm", page("خبر ب", BODY2))
        archive.writestr("2021/broken.html", "<html><body></body></html>")
    items = list(read(path))
    assert sorted(i.fields["title"] for i in items if isinstance(i, RawRecord)) == ["خبر أ", "خبر ب"]
    (reject,) = [i for i in items if isinstance(i, Reject)]
    assert reject.location.path == f"{path}!2021/broken.html"
    run_index(tmp_path / "idx", [path])
    assert len(all_articles(tmp_path / "idx")) == 2


@pytest.mark.parametrize(
    ("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)]
)
def test_compressed_jsonl(tmp_path, suffix, compress):
    data = orjson.dumps({"title": "t", "body": BODY}) + b"\n{broken\n"
    path = tmp_path / f"dump.jsonl{suffix}"
    path.write_bytes(compress(data))
    items = list(read(path))
    assert isinstance(items[0], RawRecord) and items[0].fields["body"] == BODY
    assert isinstance(items[1], Reject) and str(items[1].location) == f"{path}:2"


def test_folder_walk_reads_each_file_by_its_format(tmp_path, samples):
    folder = tmp_path / "archive"
    (folder / "sub").mkdir(parents=True)
    for seed in samples.glob("*.txt"):
        (folder / "sub" / seed.name).write_bytes(seed.read_bytes())
    write_jsonl(folder / "more.jsonl", [{"title": "jsonl", "body": BODY}])
    (folder / "notes.docx").write_bytes(b"PK")
    (folder / ".hidden.jsonl").write_bytes(b"{}")
    summary = run_index(tmp_path / "idx", [folder])
    assert summary.read == 3 and summary.rejected == 1  # the .docx
    articles = all_articles(tmp_path / "idx")
    scraped = next(a for a in articles.values() if a.dateline)
    assert scraped.title == "ميليشيات إيران تجتمع في البوكمال لبحث القصف الأميركي على مواقعها"
    assert scraped.dateline == "دمشق" and scraped.date == datetime(2021, 6, 29, 16, 3, tzinfo=UTC)
    assert scraped.source == "sub"
    clean = next(a for a in articles.values() if a.body.startswith("أفاد موقع"))
    assert clean.body == next(samples.glob("000_*.txt")).read_text(encoding="utf-8").strip()


def test_format_override(tmp_path):
    path = tmp_path / "export.dat"
    write_jsonl(path, [{"title": "t", "body": BODY}])
    assert isinstance(next(iter(read(path))), Reject)
    assert isinstance(next(iter(read(path, "jsonl"))), RawRecord)


def test_arc_file_html_response(tmp_path):
    html = page("خبر من أرشيف قديم", BODY).encode("cp1256")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\n\r\n" + html.replace(
        b'charset="utf-8"', b""
    )
    description = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    data = b"filedesc://old.arc 0.0.0.0 20150801100000 text/plain %d\n" % len(description) + description + b"\n"
    data += b"http://news.example/old 1.2.3.4 20150801100000 text/html %d\n" % len(http) + http + b"\n"
    path = tmp_path / "old.arc"
    path.write_bytes(data)
    (item,) = list(read(path))
    assert isinstance(item, RawRecord)
    assert item.fields["url"] == "http://news.example/old"
    assert item.fields["title"] == "خبر من أرشيف قديم" and "استهدفت مواقعهم" in item.fields["body"]


def test_broken_files_are_reported_and_the_folder_goes_on(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_fake.zip").write_bytes(b"not a zip")
    (folder / "b_truncated.jsonl.gz").write_bytes(gzip.compress(orjson.dumps({"body": BODY}) * 50)[:40])
    (folder / "c_empty.jsonl").write_bytes(b"")
    (folder / "d_random.txt").write_bytes(bytes(range(256)) * 8)
    write_jsonl(folder / "e_good.jsonl", [{"title": "t", "body": BODY}])
    items = list(read(folder))
    reasons = {Path(i.location.path).name: i.reason for i in items if isinstance(i, Reject)}
    assert "not a zip file" in reasons["a_fake.zip"]
    assert "cannot read" in reasons["b_truncated.jsonl.gz"]
    assert reasons["c_empty.jsonl"] == "no records found (read as jsonl)"
    assert "undecodable" in reasons["d_random.txt"] or "mojibake" in reasons["d_random.txt"]
    assert [i.fields["title"] for i in items if isinstance(i, RawRecord)] == ["t"]
