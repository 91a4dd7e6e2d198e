"""Values that cross module boundaries: articles in, search requests and results out.

These are the results contract every backend honours and the JSON the CLI and
the web API print.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Article(BaseModel):
    """One news article as the indexer hands it to a backend."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str = ""
    body: str
    date: datetime | None = None
    source: str = ""
    url: str = ""
    lang: str = "ar"
    author: str = ""
    dateline: str = Field("", description="place named in the date line, e.g. دمشق")
    urls: list[str] = Field(default_factory=list, description="other URLs of exact duplicates")
    cluster: str = Field("", description="near-duplicate cluster id ('' = none)")
    duplicate_sources: list[str] = Field(default_factory=list, description="sources of exact duplicates merged in")
    content_hash: str = ""


class Mode(str, Enum):
    bm25 = "bm25"
    semantic = "semantic"
    hybrid = "hybrid"


class Filters(BaseModel):
    """Restrictions applied to every result list before ranking/fusion."""

    model_config = ConfigDict(frozen=True)

    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    exclude_langs: tuple[str, ...] = ()
    date_from: datetime | None = Field(None, description="inclusive")
    date_to: datetime | None = Field(None, description="exclusive")
    indexed_after: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self == Filters()


class SearchRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    query: str
    filters: Filters = Filters()
    mode: Mode | None = Field(None, description="None: hybrid when the index has vectors, else bm25")
    limit: int = Field(10, ge=0, le=10_000)
    offset: int = Field(0, ge=0)
    snippets: bool = True
    explain: bool = False
    facets: bool = False


class Explanation(BaseModel):
    bm25_rank: int | None = None
    bm25_score: float | None = None
    vector_rank: int | None = None
    vector_similarity: float | None = None
    fused_score: float | None = None


class Hit(BaseModel):
    id: str
    title: str
    date: datetime | None
    source: str
    url: str
    lang: str = "ar"
    score: float
    snippets: list[str] = Field(default_factory=list)
    cluster: str = ""
    explain: Explanation | None = None


class FacetValue(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    total: int = Field(0, description="articles in the result set the facets count")
    source: list[FacetValue] = Field(default_factory=list)
    lang: list[FacetValue] = Field(default_factory=list)
    date_histogram: list[FacetValue] = Field(default_factory=list)


class SearchResponse(BaseModel):
    query: str
    mode: Mode
    total: int
    took_ms: float
    hits: list[Hit]
    facets: Facets | None = None
    warnings: list[str] = Field(default_factory=list)


class IndexStats(BaseModel):
    documents: int
    sources: dict[str, int]
    date_min: datetime | None
    date_max: datetime | None
    size_bytes: int
    analysis: str
    embedder: str | None
    path: str
