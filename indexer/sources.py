"""Where records come from: files on disk, compressed files, ``.zip`` members.

A ``Source`` is a name for locations (``archive.zip!2015/a.html``) and a way to
open its bytes, already decompressed. Readers only see sources, so every
format works the same inside a zip, a ``.gz`` or a folder. A ``Meter`` counts
the bytes read from disk, which gives the progress bar its ETA.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from indexer.decode import detect

# The reader that opens a source closes it (``with source.open() as ...``).
COMPRESSORS: dict[str, Callable[[BinaryIO], BinaryIO]] = {
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw),  # type: ignore[dict-item]
    ".bz2": lambda raw: bz2.BZ2File(raw),  # type: ignore[dict-item]
    ".xz": lambda raw: lzma.LZMAFile(raw),  # type: ignore[dict-item]  # noqa: SIM115
}


@dataclass
class Meter:
    """Bytes read from disk so far, of how many in all."""

    done: int = 0
    total: int = 0


class _MeteredFile(io.FileIO):
    def __init__(self, path: Path, meter: Meter) -> None:
        super().__init__(path, "rb")
        self.meter = meter

    def readinto(self, buffer):  # type: ignore[no-untyped-def]
        count = super().readinto(buffer)
        self.meter.done += count or 0
        return count


@dataclass(frozen=True)
class Source:
    """A named stream of (decompressed) bytes."""

    name: str
    opener: Callable[[], BinaryIO] = field(repr=False)
    suffixes: tuple[str, ...] = ()

    def open(self) -> BinaryIO:
        return self.opener()

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            return handle.read()

    @property
    def parent_name(self) -> str:
        """The folder the file (or zip member) sits in: a default source name."""
        parts = self.name.rsplit("!", 1)[-1].split("/")
        return parts[-2] if len(parts) > 1 else ""


def _suffixes(name: str) -> tuple[str, ...]:
    """Lower-case suffixes of a file name (``_wrap`` passes the name without
    its compression suffix, so ``a.warc.gz`` is read as ``.warc``)."""
    return tuple(s.lower() for s in Path(name).suffixes)


def _compression(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in COMPRESSORS else None


def _wrap(name: str, opener: Callable[[], BinaryIO]) -> Source:
    compression = _compression(name)
    if compression is None:
        return Source(name, opener, _suffixes(name))
    inner = name[: -len(compression)]
    decompress = COMPRESSORS[compression]
    return Source(name, lambda: decompress(opener()), _suffixes(inner))


def walk(path: Path) -> Iterator[Path]:
    """The files under ``path`` in a stable order (hidden files skipped)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                yield child
    else:
        yield path


def total_bytes(paths: list[Path]) -> int:
    return sum(file.stat().st_size for path in paths if path.exists() for file in walk(path))


def _zip_members(path: Path, meter: Meter) -> Iterator[Source]:
    with zipfile.ZipFile(io.BufferedReader(_MeteredFile(path, meter))) as archive:
        for info in archive.infolist():
            if info.is_dir() or any(part.startswith(".") for part in info.filename.split("/")):
                continue
            yield _wrap(f"{path}!{info.filename}", lambda info=info: archive.open(info))  # type: ignore[misc]


def sources(file: Path, meter: Meter) -> Iterator[Source]:
    """The sources in one file: itself (decompressed if need be) or its zip members.

    Zip members are yielded while the archive is open; a reader consumes each
    before the next is made.
    """
    if file.suffix.lower() == ".zip":
        yield from _zip_members(file, meter)
    else:
        yield _wrap(str(file), lambda: io.BufferedReader(_MeteredFile(file, meter)))


SAMPLE_BYTES = 1 << 16


def encoding_of(handle: io.BufferedIOBase | BinaryIO) -> str:
    """The encoding of a buffered stream, judged from its first bytes (not consumed)."""
    sample = handle.peek(SAMPLE_BYTES)[:SAMPLE_BYTES] if hasattr(handle, "peek") else b""
    return detect(sample)


def open_text(source: Source, newline: str | None = None) -> TextIO:
    """``source`` as text in its detected encoding (``DecodeError`` if none fits)."""
    handle = io.BufferedReader(source.open(), SAMPLE_BYTES)  # type: ignore[arg-type]
    return io.TextIOWrapper(handle, encoding=encoding_of(handle), newline=newline)
