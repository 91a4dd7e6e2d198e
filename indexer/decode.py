"""Bytes -> text for archives in the encodings Arabic sites used, and a check
that the result is text rather than mojibake.

Order: a byte-order mark decides; then an encoding the document declares;
then strict UTF-8 (by far the most common, and strict decoding almost never
succeeds on other encodings); then charset-normalizer, restricted to the
encodings Arabic archives actually use so that it cannot pick an East Asian
code page for Arabic bytes.
"""

from __future__ import annotations

import codecs
import re

CANDIDATES = ["cp1256", "iso8859_6", "utf_16", "utf_32", "cp1252", "latin_1"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# UTF-8 Arabic read as Latin-1/cp1252 turns into "Ø§Ù..." runs; failed decodes
# leave U+FFFD and C1 control characters.
_MOJIBAKE = re.compile("[\u00d8\u00d9\u00c3\u00c2\u00da\u00db\ufffd\u0080-\u009f]")
MOJIBAKE_RATIO = 0.05


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we accept."""


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def detect(data: bytes, declared: str | None = None) -> str:
    """The encoding of ``data`` (a sample is enough), as a Python codec name."""
    found = bom_encoding(data)
    if found:
        return found
    if declared:
        try:
            codecs.lookup(declared)
            data.decode(declared)
            return declared
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start > len(data) - 4 and error.reason == "unexpected end of data":
            return "utf-8"  # a sample cut inside a character
    from charset_normalizer import from_bytes  # here: its import is 40-70 ms of every command's start

    best = from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, UTF-16, Windows-1256 or ISO-8859-6")
    return best.encoding


def decode(data: bytes, declared: str | None = None) -> str:
    """Text of ``data``; raises ``DecodeError`` for undecodable bytes or mojibake."""
    encoding = detect(data, declared)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"undecodable bytes at byte {error.start} (read as {encoding})") from error
    check_text(text)
    return text


def mojibake_ratio(text: str) -> float:
    found = len(_MOJIBAKE.findall(text))
    if not found:  # nearly every text: no need to count its letters
        return 0.0
    return found / (len(text) - text.count(" ") - text.count("\n"))


def check_text(text: str) -> None:
    """Raise ``DecodeError`` when ``text`` looks like wrongly decoded bytes."""
    ratio = mojibake_ratio(text)
    if ratio > MOJIBAKE_RATIO:
        raise DecodeError(f"mojibake: {ratio:.0%} of characters are typical of wrongly decoded text")
