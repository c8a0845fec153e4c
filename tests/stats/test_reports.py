"""Reports a person would hand to a director: a workbook and a PDF, from the command line."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.exports.model import Column, TableResult
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
    headers = [c.value for c in sheet[2]]
    assert headers[-3:] == ["合同数环比（%）", "成交额环比（%）", "技术交易额环比（%）"]
    assert sheet.cell(3, len(headers)).number_format == "0.00"
    assert any("环比" in str(row[0].value) for row in book["说明"].iter_rows())


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
        "count_pop_pct",
        "total_amount_pop_pct",
        "tech_amount_pop_pct",
    } <= set(row)
    assert isinstance(row["total_amount"], str) and row["total_amount"].count(".") == 1


def test_all_cities_of_china_rank_with_municipalities_as_cities(registry):
    def table(*args):
        base = ["stats", "table", *args, "--period", "2025", "--view", "absorbed", "--json"]
        done = runner.invoke(app, [*base, "--region", "000000"])
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)

    cities = table("by_region", "--level", "city")
    total = table("overview")["rows"][0]["total_amount"]
    assert cities["level"] == "city" and len(cities["rows"]) > 1
    assert sum(Decimal(r["total_amount"]) for r in cities["rows"]) == Decimal(total)
    assert [r["rank"] for r in cities["rows"]] == list(range(1, len(cities["rows"]) + 1))
    municipal = [r["code"] for r in cities["rows"] if r["code"][:2] in ("11", "12", "31", "50")]
    assert all(code.endswith("0000") for code in municipal)
    assert all(not r["code"].endswith("0000") or r["code"] in municipal for r in cities["rows"])


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


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_half_year_pdf_shows_turnover_pop_growth(registry, tmp_path):
    import subprocess

    out = tmp_path / "report.pdf"
    done = runner.invoke(
        app, ["stats", "report", "--period", "2025H1", "--region", "440100", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())  # headers wrap inside their cells
    assert "成交额环比（%）" in flat and "合同数环比" not in flat


def test_gdp_entered_on_the_command_line_gives_the_overview_its_share_of_gdp(registry):
    from decimal import ROUND_HALF_UP, Decimal

    done = runner.invoke(
        app, ["stats", "gdp", "set", "440100", "2025", "3.5", "--source", "测试", "--json"]
    )
    assert done.exit_code == 0, done.output
    listed = json.loads(runner.invoke(app, ["stats", "gdp", "list", "--json"]).stdout)
    assert [(v["region"], v["year"], v["value"], v["unit"]) for v in listed["values"]] == [
        ("440100", 2025, "3.5", "亿元")
    ]
    done = runner.invoke(
        app, ["stats", "table", "overview", "--period", "2025", "--region", "440100", "--json"]
    )
    [row] = json.loads(done.stdout)["rows"]
    total = sum(Decimal(r["total_amount"]) for r in registry if r["registered_on"] >= "2025")
    share = (total / Decimal(350_000_000) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (row["gdp"], row["total_amount_gdp_pct"]) == ("350000000.00", f"{share:.2f}")


@pytest.mark.parametrize(
    ("args", "exit_code", "says"),
    [
        (["449999", "2020", "1"], 4, "(unknown_region)"),
        (["440100", "2020", "--", "-1"], 1, "须为正数"),
        (["440100", "2020", "--", "-1"], 1, "(figure_not_positive)"),
        (["440100", "1900", "1"], 1, "(year_out_of_range)"),
        (["440100", "20x0", "1"], 2, "year"),
    ],
)
def test_a_bad_gdp_entry_is_a_readable_error(registry, args, exit_code, says):
    done = runner.invoke(app, ["stats", "gdp", "set", *args])
    assert done.exit_code == exit_code, done.output
    assert says in done.output and "Traceback" not in done.output


@pytest.mark.parametrize(
    ("args", "exit_code", "code"),
    [
        (["table", "no_such_table", "--period", "2025"], 4, "unknown_table"),
        (["table", "by_region", "--period", "2025Q5"], 1, "bad_period"),
        (["table", "by_region", "--period", "2025", "--view", "sideways"], 1, "bad_scope"),
        (
            ["table", "by_region", "--period", "2025", "--region", "440000", "--level", "province"],
            1,
            "level_not_below_region",
        ),
        (["table", "by_region", "--period", "2025", "--level", "town"], 1, "unknown_region_level"),
        (
            ["table", "by_type", "--period", "2025", "--level", "city"],
            1,
            "level_only_for_by_region",
        ),
    ],
)
def test_a_bad_table_request_names_its_code(registry, args, exit_code, code):
    done = runner.invoke(app, ["stats", *args, "--json"])
    assert done.exit_code == exit_code, done.output
    error = json.loads(done.stdout)["error"]
    assert error["code"] == code
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in error["message_en"]), "English apart"


def _rows(name: str, keys: dict[str, list[object]]) -> TableResult:
    columns = [Column("name", "名称", "name", "text")] + [
        Column(key, key, key, "pct") for key in keys
    ]
    count = len(next(iter(keys.values())))
    rows = [{"name": f"r{i}"} | {k: v[i] for k, v in keys.items()} for i in range(count)]
    return TableResult(name, "表", "table", "2025", "440100", "registered", columns, rows)


def test_the_pdf_keeps_turnover_pop_only_where_it_says_something_new():
    from techmarket.exports.pdf import report_html

    d = Decimal
    half_year = _rows(
        "by_type",
        {
            "total_amount_yoy_pct": [d("1.00"), d("2.00")],
            "total_amount_pop_pct": [d("1.00"), d("3.00")],
            "count_pop_pct": [d("5.00"), d("6.00")],
        },
    )
    whole_year = _rows(
        "by_field",
        {
            "total_amount_yoy_pct": [d("1.00"), None],
            "total_amount_pop_pct": [d("1.00"), None],
        },
    )
    html = report_html([half_year], title="t")
    assert "total_amount_pop_pct" in html and "count_pop_pct" not in html
    assert "total_amount_pop_pct" not in report_html([whole_year], title="t")


def test_the_pdf_leaves_out_gdp_columns_nobody_filled():
    from techmarket.exports.pdf import report_html

    empty = _rows("overview", {"gdp": [None], "total_amount_gdp_pct": [None]})
    filled = _rows("overview", {"gdp": [Decimal(10**12)], "total_amount_gdp_pct": [Decimal(1)]})
    assert "total_amount_gdp_pct" not in report_html([empty], title="t")
    assert "total_amount_gdp_pct" in report_html([filled], title="t")


def test_the_terminal_table_shows_the_pop_columns(registry, tmp_path):
    from rich.console import Console

    from techmarket.exports.text import render_table
    from techmarket.stats.engine import Scope, compute
    from techmarket.stats.periods import parse_period
    from techmarket.stats.snapshot import Snapshot

    with Snapshot(tmp_path / "text.duckdb") as snapshot:
        snapshot.refresh()
        result = compute(snapshot.con, "by_type", Scope(parse_period("2025H1"), "440100"))
    console = Console(width=400, record=True)
    console.print(render_table(result))
    text = console.export_text()
    assert "成交额环比（%）" in text and "本期间的环比基期为 2024H2" in text


def _table_as(user: str, *region: str):
    args = ["stats", "table", "overview", "--period", "2025", "--as", user, "--json", *region]
    return runner.invoke(app, args)


def test_an_analyst_reads_their_own_region_by_default_and_a_district_within_it(registry, analyst):
    own = json.loads(_table_as("analyst").stdout)
    assert own["region"] == "440000" and own["rows"][0]["count"] > 0
    assert own["snapshot"]["behind"] == 0 and own["snapshot"]["as_of_seq"] > 0
    district = json.loads(_table_as("analyst", "--region", "440106").stdout)
    assert district["region"] == "440106"


def test_an_analyst_cannot_read_another_province_nor_a_seller_any_statistics(
    registry, analyst, seller
):
    other = _table_as("analyst", "--region", "110000")
    assert other.exit_code == 3
    assert json.loads(other.stdout)["error"]["code"] == "region_not_in_jurisdiction"
    selling = _table_as("seller")
    assert selling.exit_code == 3
    assert json.loads(selling.stdout)["error"]["code"] == "statistics_not_for_role"
