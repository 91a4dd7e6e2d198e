"""docs/cli.md is generated from the CLI and the settings; it must be current."""

from conftest import ROOT

from cli.reference import reference
from search.config import Settings


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is stale: run 'python -m cli.reference > docs/cli.md'"
    )


def test_every_setting_is_documented_in_the_reference():
    text = reference()
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"`ARSHIF_{name.upper()}`" in text
