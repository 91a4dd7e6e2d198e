"""Settings, declared once as data with help text; read from ``ARSHIF_*``
environment variables when ``load_settings()`` is called, never at import."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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


def load_settings(**overrides: object) -> Settings:
    """Environment first, then explicit overrides that are not None (CLI flags)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
