"""Snippets highlighted by Elasticsearch on the original text, in our snippet
format (``search.highlight``): HTML-escaped text, matches in ``<mark>``, and
an ellipsis where a window does not reach the start or end of the article.

Words are highlighted through the stemmed ``body`` field, phrases through
``body.exact``; fragments of both are merged in text order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from search.highlight import ELLIPSIS, WINDOW_CHARS

_TAGS = re.compile(r"</?mark>")
FIELDS = ("body.exact", "body")


def request(query: dict[str, Any], ids: Sequence[str], count: int) -> dict[str, Any]:
    """Search body: the articles ``ids`` with their highlighted fragments."""
    return {
        "query": {"bool": {"should": [query], "filter": [{"ids": {"values": list(ids)}}]}},
        "size": len(ids),
        "_source": ["body"],
        "highlight": {
            "type": "unified",
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fragment_size": WINDOW_CHARS,
            "number_of_fragments": count,
            "require_field_match": True,
            "fields": {name: {} for name in FIELDS},
        },
    }


def to_snippets(body: str, fragments: list[str], count: int) -> list[str]:
    """Fragments placed in the article, deduplicated, in text order, with
    ellipses; the lead of the article when nothing was highlighted."""
    placed: dict[int, str] = {}
    for fragment in fragments:
        plain = html.unescape(_TAGS.sub("", fragment)).strip()
        start = body.find(plain)
        if start < 0 or any(abs(start - other) < len(plain) for other in placed):
            continue
        end = start + len(plain)
        prefix = ELLIPSIS if start > 0 else ""
        suffix = ELLIPSIS if end < len(body.rstrip()) else ""
        placed[start] = prefix + fragment.strip() + suffix
    if not placed:
        lead = body.strip()[:WINDOW_CHARS]
        return [html.escape(lead) + (ELLIPSIS if len(body.strip()) > len(lead) else "")] if lead else []
    return [placed[start] for start in sorted(placed)[:count]]


def snippets_from_hits(hits: list[dict[str, Any]], count: int) -> dict[str, list[str]]:
    out = {}
    for hit in hits:
        body = hit.get("_source", {}).get("body", "")
        highlight = hit.get("highlight", {})
        fragments = [f for name in FIELDS for f in highlight.get(name, [])]
        out[hit["_id"]] = to_snippets(body, fragments, count)
    return out
