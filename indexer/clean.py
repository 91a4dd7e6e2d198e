"""Clean text scraped from news pages: drop the page's furniture, keep the article.

Scrapers that save a page's visible text keep lines that belong to the page,
not the article: icons, live-coverage tags, font-size buttons (``+A``, ``حجم
الخط``, ``-A``), image file names, share buttons, and "read also" blocks of
other headlines. They also keep the headline and a date line
(``2021.06.29 | 16:03 دمشق``) above the text. ``clean_lines`` removes the
furniture from any body; ``split_page`` additionally takes the headline as
title and the date line as date and dateline. Text without any of these
passes through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from indexer.dates import split_date_line

BOILERPLATE = frozenset(
    {
        "icon",
        "التغطية الحية",
        "تغطية حية",
        "عاجل",
        "+a",
        "-a",
        "a+",
        "a-",
        "حجم الخط",
        "تكبير الخط",
        "تصغير الخط",
        "شارك",
        "مشاركة",
        "شارك الخبر",
        "طباعة",
        "share",
        "print",
        "tweet",
        "تغريد",
        "facebook",
        "twitter",
        "whatsapp",
        "telegram",
    }
)
_IMAGE = re.compile(r"\S+\.(?:jpe?g|png|gif|webp|svg|bmp)(?:\?\S*)?", re.IGNORECASE)
_READ_ALSO = re.compile(
    r"^(?:ا|إ|أ)قر(?:أ|ا)\s+(?:أ|ا)يضا[ًٌ]?\s*[:：]?$|^(?:مواضيع|أخبار|اخبار) (?:ذات صلة|متعلقة)\s*[:：]?$", re.IGNORECASE
)
_SENTENCE_END = (".", "،", ":", "؛", "…", "!")
READ_ALSO_MAX_LINES = 10
HEADLINE_MAX_WORDS = 30
HEADER_LINES = 12


# Lower-casing never shortens a line: a longer one cannot be in BOILERPLATE,
# and most lines are paragraphs, not worth lower-casing.
_LONGEST = max(map(len, BOILERPLATE))


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return (len(stripped) <= _LONGEST and stripped.lower() in BOILERPLATE) or bool(_IMAGE.fullmatch(stripped))


def _is_headline_like(line: str) -> bool:
    """Short, and not ending like a sentence: a headline or a link title."""
    stripped = line.strip()
    return 0 < len(stripped.split()) <= HEADLINE_MAX_WORDS and not stripped.endswith(_SENTENCE_END)


def clean_lines(text: str) -> str:
    """``text`` without boilerplate lines and "read also" blocks.

    A "read also" block is its heading and the headline-like lines right after
    it. When nothing is removed the text is returned as it was.
    """
    lines = text.split("\n")
    kept: list[str] = []
    skipping = 0
    for line in lines:
        stripped = line.strip()
        if skipping:
            if stripped and _is_headline_like(stripped):
                skipping -= 1
                continue
            if not stripped and kept and kept[-1].strip() == "":
                continue
            skipping = 0
        if _READ_ALSO.match(stripped):
            skipping = READ_ALSO_MAX_LINES
            continue
        if is_boilerplate(stripped):
            continue
        kept.append(line)
    if len(kept) == len(lines):
        return text
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


@dataclass(frozen=True)
class Page:
    title: str
    body: str
    date: datetime | None = None
    dateline: str = ""


def split_page(text: str, anchor: datetime | None = None) -> Page:
    """Headline, date line and body of a scraped page's text.

    The headline is the first line if it is headline-like and more text
    follows; the date line is the first line near the top that starts with a
    date. Anything else stays in the body, in its order.
    """
    lines = clean_lines(text.strip()).split("\n")
    title = ""
    date: datetime | None = None
    dateline = ""
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) > 1 and _is_headline_like(lines[content[0]]):
        title = lines[content[0]].strip()
        lines[content[0]] = ""
    for i in content[:HEADER_LINES]:
        found = split_date_line(lines[i].strip(), anchor) if lines[i].strip() else None
        if found is not None:
            date, dateline = found
            lines[i] = ""
            break
    body = "\n".join(lines).strip()
    body = re.sub(r"\n{3,}", "\n\n", body) if body != text.strip() else body
    return Page(title=title, body=body, date=date, dateline=dateline)
