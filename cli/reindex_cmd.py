"""``arshif reindex``: rebuild an Elasticsearch index in place, with no
downtime, after the analysis (or the mapping) changed."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import BackendOption, EsUrlOption, err, fail, open_backend, settings_for
from search.analysis import AnalysisConfig
from search.backend import BackendError
from search.index_meta import IndexMeta


def reindex(
    stemmer: Annotated[
        str | None, typer.Option(help="Arabic stemmer of the new index (lucene, snowball, none).")
    ] = None,
    keep_old: Annotated[bool, typer.Option(help="Keep the previous index version instead of deleting it.")] = False,
    backend_name: BackendOption = None,
    es_url: EsUrlOption = None,
) -> None:
    """Copy the articles into a new index version built with this arshif's
    analysis, then switch the alias to it in one step (searches never stop)."""
    settings = settings_for(None, backend_name, es_url)
    if settings.backend != "elasticsearch":
        fail("reindex works on the Elasticsearch backend; rebuild an embedded index with 'arshif index --rebuild PATH'")
    backend = open_backend(None, backend=backend_name, es_url=es_url)
    current = backend.meta
    analysis = AnalysisConfig() if stemmer is None else AnalysisConfig(stemmer=stemmer)
    meta = IndexMeta(analysis=analysis, embedder=current.embedder, dimension=current.dimension)
    try:
        before = backend.physical()
        after = backend.reindex(meta, keep_old=keep_old)
        count = backend.count()
    except BackendError as error:
        fail(str(error))
    err.print(
        f"'{settings.es_index}' now points at {after} ({count:,} articles, {meta.analysis.name}); "
        + (f"{before} kept" if keep_old else f"{before} deleted")
    )
