"""Read the dates archives carry into ``datetime`` values in UTC.

Arabic news writes dates many ways: ISO 8601, ``29/06/2021`` (day first),
``2021.06.29 | 16:03``, month names of the Levantine/Iraqi series (كانون
الثاني، شباط ...) or the Egyptian/Gulf series (يناير، فبراير ...), often both
(``حزيران/يونيو``), Arabic-Indic digits, and relative forms (``منذ 3 ساعات``,
``أمس``) that only mean something next to the time the page was crawled.
A value without a time zone is taken as UTC: archives rarely say which zone
they meant, and guessing from a dateline would be worse than a fixed rule.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

_DIGITS = str.maketrans({chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)})

_MONTH_NAMES = {
    1: ("كانون الثاني", "يناير", "جانفي", "january", "jan"),
    2: ("شباط", "فبراير", "فيفري", "february", "feb"),
    3: ("آذار", "اذار", "مارس", "march", "mar"),
    4: ("نيسان", "أبريل", "ابريل", "إبريل", "افريل", "أفريل", "april", "apr"),
    5: ("أيار", "ايار", "مايو", "ماي", "may"),
    6: ("حزيران", "يونيو", "يونيه", "جوان", "june", "jun"),
    7: ("تموز", "يوليو", "يوليه", "جويلية", "july", "jul"),
    8: ("آب", "اب", "أغسطس", "اغسطس", "أوت", "august", "aug"),
    9: ("أيلول", "ايلول", "سبتمبر", "september", "sep", "sept"),
    10: ("تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر", "october", "oct"),
    11: ("تشرين الثاني", "نوفمبر", "نونبر", "november", "nov"),
    12: ("كانون الأول", "كانون الاول", "ديسمبر", "دجنبر", "december", "dec"),
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_WEEKDAYS = re.compile(
    r"\b(?:ال)?(?:سبت|أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة)\b|"
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b",
    re.IGNORECASE,
)
# "2021م": the Gregorian-era letter after a year.
_NOISE = re.compile(r"[|،,()\[\]]|\bالموافق\b|\bالساعة\b|\bat\b|(?<=\d{4})\s*م(?=\s|$)", re.IGNORECASE)
_TIME = r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<half>[صمap]\.?m?\.?)?)?"
_FORMS = [
    re.compile(rf"(?P<year>\d{{4}})[./-](?P<month>\d{{1,2}})[./-](?P<day>\d{{1,2}}){_TIME}", re.IGNORECASE),
    re.compile(rf"(?P<day>\d{{1,2}})[./-](?P<month>\d{{1,2}})[./-](?P<year>\d{{4}}){_TIME}", re.IGNORECASE),
    re.compile(
        rf"(?P<day>\d{{1,2}})\s+(?P<name>{_MONTH})(?:\s*[/-]\s*(?:{_MONTH}))?\s+(?P<year>\d{{4}}){_TIME}", re.IGNORECASE
    ),
    re.compile(rf"(?P<name>{_MONTH})\s+(?P<day>\d{{1,2}})\s+(?P<year>\d{{4}}){_TIME}", re.IGNORECASE),
]
_UNITS = {
    "ثانية": timedelta(seconds=1),
    "ثوان": timedelta(seconds=1),
    "ثواني": timedelta(seconds=1),
    "دقيقة": timedelta(minutes=1),
    "دقائق": timedelta(minutes=1),
    "ساعة": timedelta(hours=1),
    "ساعات": timedelta(hours=1),
    "يوم": timedelta(days=1),
    "أيام": timedelta(days=1),
    "ايام": timedelta(days=1),
    "أسبوع": timedelta(weeks=1),
    "اسبوع": timedelta(weeks=1),
    "أسابيع": timedelta(weeks=1),
    "اسابيع": timedelta(weeks=1),
    "شهر": timedelta(days=30),
    "أشهر": timedelta(days=30),
    "اشهر": timedelta(days=30),
    "شهور": timedelta(days=30),
}
_DUALS = {
    "ساعتين": timedelta(hours=2),
    "ساعتان": timedelta(hours=2),
    "يومين": timedelta(days=2),
    "يومان": timedelta(days=2),
    "دقيقتين": timedelta(minutes=2),
    "أسبوعين": timedelta(weeks=2),
    "اسبوعين": timedelta(weeks=2),
    "شهرين": timedelta(days=60),
}
_RELATIVE = re.compile(r"(?:منذ|قبل)\s+(?:(?P<count>\d+)\s+(?P<unit>\S+)|(?P<dual>\S+)|(?P<single>\S+))")
_DAYS_AGO = {"اليوم": 0, "الآن": 0, "الان": 0, "أمس": 1, "امس": 1, "البارحة": 1, "أول أمس": 2, "اول امس": 2}


def _aware(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(text: str) -> datetime | None:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _from_match(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    month = MONTHS[parts["name"].lower()] if parts.get("name") else int(parts["month"])
    hour = int(parts["hour"] or 0)
    half = (parts["half"] or "").lower()[:1]
    if half in ("م", "p") and hour < 12:
        hour += 12
    elif half in ("ص", "a") and hour == 12:
        hour = 0
    try:
        return datetime(
            int(parts["year"]),
            month,
            int(parts["day"]),
            hour,
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def _relative(text: str, anchor: datetime | None) -> datetime | None:
    if anchor is None:
        return None
    anchor = _aware(anchor)
    if text in _DAYS_AGO:
        return anchor - timedelta(days=_DAYS_AGO[text])
    match = _RELATIVE.fullmatch(text)
    if match is None:
        return None
    if match["count"]:
        unit = _UNITS.get(match["unit"])
        return anchor - int(match["count"]) * unit if unit else None
    word = match["dual"] or match["single"]
    if word in _DUALS:
        return anchor - _DUALS[word]
    unit = _UNITS.get(word)
    return anchor - unit if unit else None


def parse_date(value: Any, anchor: datetime | None = None) -> datetime | None:
    """The date ``value`` spells, in UTC; ``None`` when it is not one.

    The whole value must be a date (weekday names and separators aside), so a
    sentence that merely contains a number is never read as a date. ``anchor``
    (a crawl time) resolves relative forms.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.translate(_DIGITS).strip()
    if not text:
        return None
    found = _iso(text)
    if found is not None:
        return found
    text = " ".join(_NOISE.sub(" ", _WEEKDAYS.sub(" ", text)).split())
    for form in _FORMS:
        match = form.fullmatch(text)
        if match:
            return _from_match(match)
    return _relative(text, anchor)


def split_date_line(line: str, anchor: datetime | None = None, max_place_words: int = 4) -> tuple[datetime, str] | None:
    """A line that starts with a date, e.g. ``2021.06.29 | 16:03 دمشق``:
    the date and the rest (the dateline place), or ``None``."""
    words = line.split()
    if len(words) > 12:
        return None
    for cut in range(len(words), 0, -1):
        rest = words[cut:]
        if len(rest) > max_place_words or any(ch.isdigit() for ch in "".join(rest)):
            break
        found = parse_date(" ".join(words[:cut]), anchor)
        if found is not None:
            return found, " ".join(rest).strip(" |-،,")
    return None
