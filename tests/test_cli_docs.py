"""docs/cli.md is generated from the command line's help; this fails when they drift."""

from pathlib import Path

from techmarket.cli.docs import render

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_matches_the_help_text():
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python -m techmarket.cli.docs > docs/cli.md`"
    )
