"""The Elasticsearch client is loaded only when that backend is chosen, and
its settings are documented."""

from __future__ import annotations

import subprocess
import sys

import pytest

from search.config import Settings, load_settings

pytestmark = pytest.mark.elasticsearch


def test_importing_arshif_does_not_load_the_elasticsearch_client(tmp_path) -> None:
    code = (
        "import sys, search, search.engine, search.backends, search.config, cli.main\n"
        "from search.backends import open_from_settings\n"
        "from search.config import load_settings\n"
        f"open_from_settings(load_settings(index={str(tmp_path / 'i')!r}), create=True).close()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('elasticsearch', 'elastic_transport'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_elasticsearch_setting_has_help_text() -> None:
    for name, field in Settings.model_fields.items():
        if name == "backend" or name.startswith("es_"):
            assert field.description, name


def test_environment_selects_the_backend(monkeypatch) -> None:
    monkeypatch.setenv("ARSHIF_BACKEND", "elasticsearch")
    monkeypatch.setenv("ARSHIF_ES_URL", "https://es.example.org:9200")
    monkeypatch.setenv("ARSHIF_ES_PASSWORD", "s3cret")
    settings = load_settings()
    assert (settings.backend, settings.es_url) == ("elasticsearch", "https://es.example.org:9200")
    assert "s3cret" not in repr(settings)
    assert load_settings(es_url="http://other:9200").es_url == "http://other:9200"
