"""Each encoding Arabic archives use is detected and decoded; mojibake is rejected."""

from pathlib import Path

import pytest

from indexer.readers import read
from indexer.records import RawRecord, Reject

TITLE = "ميليشيات إيران تجتمع في البوكمال"
BODY = "اجتمع قادة الميليشيات الإيرانية وآخرون من ميليشيا الحشد الشعبي العراقية في مدينة البوكمال بمحافظة دير الزور."


def _one(path: Path) -> RawRecord | Reject:
    items = list(read(path))
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1256", b""), ("iso8859_6", b"")],
)
def test_text_file_in_each_encoding(tmp_path, encoding, prefix):
    path = tmp_path / "page.txt"
    path.write_bytes(prefix + f"{TITLE}\n\n{BODY}\n".encode(encoding))
    record = _one(path)
    assert isinstance(record, RawRecord)
    assert record.fields["title"] == TITLE
    assert record.fields["body"] == BODY


def test_cp1256_jsonl_is_decoded(tmp_path):
    path = tmp_path / "old.jsonl"
    path.write_bytes(f'{{"title": "{TITLE}", "body": "{BODY}"}}\n'.encode("cp1256"))
    record = _one(path)
    assert isinstance(record, RawRecord) and record.fields["body"] == BODY


def test_utf16_csv_is_decoded(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(f"title,body\n{TITLE},{BODY}\n".encode("utf-16"))
    record = _one(path)
    assert isinstance(record, RawRecord) and record.fields["title"] == TITLE


def test_mojibake_is_rejected_with_that_reason(tmp_path):
    garbled = f"{TITLE}\n\n{BODY}".encode().decode("latin-1")  # UTF-8 read as Latin-1, saved again
    path = tmp_path / "garbled.txt"
    path.write_text(garbled, encoding="utf-8")
    reject = _one(path)
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("mojibake")
    assert reject.location.path == str(path)
