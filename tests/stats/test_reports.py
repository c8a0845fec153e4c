"""Reports a person would hand to a director: a workbook and a PDF, from the command line."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.registry.actors import system_actor
from techmarket.registry.importer import import_records
from techmarket.synth.contracts import generate

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def registry(agencies, tmp_path, monkeypatch):
    monkeypatch.setenv("TECHMARKET_STATS_PATH", str(tmp_path / "stats.duckdb"))
    rows = list(
        generate(
            120,
            years=[2024, 2025],
            region="440100",
            seed=4,
            as_registered=True,
            agency_code="C440100",
            today=date(2026, 1, 1),
        )
    )
    assert import_records(
        list(enumerate(rows, 1)),
        agency=agencies["city"],
        actor=system_actor(agencies["city"]),
        now=timezone.now(),
        as_registered=True,
    ).ok
    return rows


def test_the_workbook_has_a_sheet_per_table_with_chinese_headers_and_notes(registry, tmp_path):
    import openpyxl

    out = tmp_path / "report.xlsx"
    done = runner.invoke(
        app, ["stats", "report", "--period", "2025", "--region", "440100", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out)
    assert "按合同类型" in book.sheetnames and book.sheetnames[-1] == "说明"
    sheet = book["按合同类型"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][:3] == ["代码", "名称", "合同数（项）"]
    assert sheet.cell(3, 4).number_format == "#,##0.00"


def test_table_json_rows_carry_the_documented_keys(registry):
    done = runner.invoke(
        app,
        [
            "stats",
            "table",
            "by_field",
            "--period",
            "2025H1",
            "--region",
            "440100",
            "--view",
            "output",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    row = json.loads(done.stdout)["rows"][0]
    assert {
        "code",
        "name",
        "count",
        "total_amount",
        "tech_amount",
        "share_pct",
        "rank",
        "count_yoy_pct",
        "total_amount_yoy_pct",
        "tech_amount_yoy_pct",
    } <= set(row)
    assert isinstance(row["total_amount"], str) and row["total_amount"].count(".") == 1


def test_a_bad_period_is_a_readable_error(registry):
    done = runner.invoke(app, ["stats", "table", "overview", "--period", "2024Q5"])
    assert done.exit_code != 0
    assert "2024Q5" in done.output and "Traceback" not in done.output


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_report_is_readable_chinese_text(registry, tmp_path):
    import subprocess

    out = tmp_path / "report.pdf"
    done = runner.invoke(
        app, ["stats", "report", "--period", "2025", "--region", "440100", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "广东省广州市技术市场统计" in text and "按合同类型" in text and "技术开发" in text
