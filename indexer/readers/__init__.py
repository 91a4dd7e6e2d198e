"""Readers: one module per archive format, each a function ``path -> records``.

``read(path)`` walks folders and picks the reader by file name; a file no
reader takes is reported as a rejection, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.readers import jsonl, text
from indexer.records import Location, RawRecord, Reject

Reader = Callable[[Path], Iterator[RawRecord | Reject]]

READERS: dict[str, Reader] = {
    "jsonl": jsonl.read,
    "txt": text.read,
}
SUFFIXES: dict[str, str] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "txt"}


def detect(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def files(path: Path) -> Iterator[Path]:
    """The files under ``path`` in a stable order (hidden files skipped)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield child
    else:
        yield path


def read(path: Path, format: str | None = None) -> Iterator[RawRecord | Reject]:
    if not path.exists():
        yield Reject(Location(str(path)), "no such file or directory")
        return
    for file in files(path):
        kind = format or detect(file)
        if kind is None:
            yield Reject(Location(str(file)), f"unknown format '{file.suffix}' (use --format {'|'.join(READERS)})")
            continue
        if kind not in READERS:
            yield Reject(Location(str(file)), f"unknown format '{kind}' (known: {', '.join(READERS)})")
            continue
        try:
            yield from READERS[kind](file)
        except OSError as error:
            yield Reject(Location(str(file)), f"cannot read: {error.strerror or error}")
