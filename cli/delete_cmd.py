"""``arshif delete``: remove articles by id."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import BackendOption, EsUrlOption, IndexOption, err, fail, open_backend, settings_for
from indexer.duplicates import FILE_NAME as DUPLICATES_FILE
from indexer.duplicates import DuplicateStore
from indexer.pipeline import IndexRun, RejectsFile
from search.backend import BackendError


def delete(
    ids: Annotated[list[str], typer.Argument(help="Ids of the articles to delete (see 'arshif search --json').")],
    index: IndexOption = None,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Delete articles from the index (and from duplicate detection)."""
    directory = settings_for(index, backend_name, es_url).index  # run state is local on either backend
    backend = open_backend(index, backend=backend_name, es_url=es_url)
    present = backend.ids()
    missing = [doc_id for doc_id in ids if doc_id not in present]
    found = [doc_id for doc_id in ids if doc_id in present]
    store = DuplicateStore(directory / DUPLICATES_FILE) if (directory / DUPLICATES_FILE).exists() else None
    run = IndexRun(backend=backend, rejects=RejectsFile(directory / "rejects.jsonl"), duplicates=store)
    try:
        run.delete(found)
        backend.close()
    except BackendError as error:
        fail(str(error))
    finally:
        if store is not None:
            store.close()
    err.print(f"deleted {len(found):,} article(s)", highlight=False)
    if missing:
        fail(f"no article with id {', '.join(missing)} in {directory}")
