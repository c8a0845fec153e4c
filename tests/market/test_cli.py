"""`techmarket market import|export` from the command line, with --json for scripts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.market.models import Achievement
from tests.market.builders import achievement_row, write_csv

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_import_prints_counts_as_json_and_a_second_run_changes_nothing(agencies, tmp_path):
    path = write_csv(tmp_path / "a.csv", [achievement_row()])
    first = invoke("market", "import", "achievements", path, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["created"] == 1
    second = json.loads(invoke("market", "import", "achievements", path, "--json").stdout)
    assert (second["created"], second["unchanged"]) == (0, 1)


def test_a_bad_file_exits_1_with_its_problems_and_writes_nothing(agencies, tmp_path):
    path = write_csv(tmp_path / "a.csv", [achievement_row(trl="0")])
    result = invoke("market", "import", "achievements", path, "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert [(p["row"], p["field"]) for p in body["problems"]] == [(1, "trl")]
    assert body["committed"] is False and Achievement.objects.count() == 0


def test_an_unknown_header_is_a_file_problem_with_exit_2(agencies, tmp_path):
    path = write_csv(tmp_path / "a.csv", [{**achievement_row(), "颜色": "红"}])
    result = invoke("market", "import", "achievements", path, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "unknown_headers"


def test_draft_imports_as_drafts_as_a_seller(seller, tmp_path):
    path = write_csv(tmp_path / "a.csv", [achievement_row()])
    result = invoke("market", "import", "achievements", path, "--draft", "--as", "seller")
    assert result.exit_code == 0, result.output
    assert Achievement.objects.get().status == "draft"


def test_export_to_standard_output_as_json_lines(agencies, tmp_path):
    invoke("market", "import", "achievements", write_csv(tmp_path / "a.csv", [achievement_row()]))
    result = invoke("market", "export", "achievements", "-")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.splitlines()[0])
    assert line["external_id"] == "CG-001" and line["status"] == "published"


def test_export_to_a_file_reports_json(agencies, tmp_path):
    invoke("market", "import", "achievements", write_csv(tmp_path / "a.csv", [achievement_row()]))
    out = tmp_path / "out.xlsx"
    result = invoke("market", "export", "achievements", out, "--json")
    assert json.loads(result.stdout) == {"rows": 1, "path": str(out), "format": "xlsx"}


def test_an_unknown_kind_is_refused(agencies, tmp_path):
    result = invoke("market", "export", "brokers", "-", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "unknown_listing_kind"
