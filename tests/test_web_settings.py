"""Settings the web app adds are declared with help text and read from the
environment only when ``load_settings`` is called."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from search.config import Settings, load_settings
from web.deps import is_loopback


def test_every_setting_has_help_text():
    assert all(field.description for field in Settings.model_fields.values())


def test_web_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ARSHIF_HOST", "0.0.0.0")
    monkeypatch.setenv("ARSHIF_PORT", "8123")
    monkeypatch.setenv("ARSHIF_API_TOKEN", "s3cr3t-value")
    settings = load_settings(index=tmp_path)
    assert (settings.host, settings.port, settings.api_token.get_secret_value()) == ("0.0.0.0", 8123, "s3cr3t-value")
    assert "s3cr3t-value" not in repr(settings)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.1.2.3", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
        ("::", False),
    ],
)
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_without_an_index_fails_clearly(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no arshif index" in result.output


def test_serve_rejects_a_bad_port(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--index", str(tmp_path), "--port", "70000"])
    assert result.exit_code == 2
