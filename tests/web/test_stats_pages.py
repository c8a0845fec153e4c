"""The statistics page: the engine's own figures, a chart where one helps, the workbook of
exactly what is on screen, and a region out of reach refused."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from techmarket.exports.charts import chart_option
from techmarket.stats.queries import parse_scope, read_tables
from techmarket.stats.refresher import refresh
from techmarket.synth.contracts import generate
from tests.stats.helpers import import_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(agencies, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """120 registered Guangzhou contracts of 2024–2025, and the snapshot published."""
    monkeypatch.setenv("TECHMARKET_STATS_PATH", str(tmp_path / "stats.duckdb"))
    rows = generate(
        120,
        years=[2024, 2025],
        region="440100",
        seed=4,
        as_registered=True,
        agency_code="C440100",
        today=date(2026, 1, 1),
    )
    import_registered(agencies["city"], rows)
    refresh()


def test_the_page_shows_the_engines_figures_with_a_chart(browser_as, analyst, figures):
    page = browser_as(analyst).get("/stats/?table=by_type&period=2025&region=440100&unit=yuan")
    html = page.content.decode()
    expected = read_tables(analyst, ["by_type"], parse_scope("2025", "440100", "registered"))
    row = expected.tables[0].rows[0]
    assert f"{row['total_amount']:,.2f}" in html
    assert 'data-chart="chart-option"' in html and "echarts.common.min.js" in html


def test_a_table_without_a_chart_loads_no_chart_library(browser_as, analyst, figures):
    html = browser_as(analyst).get("/stats/?table=overview&period=2025").content.decode()
    assert "echarts" not in html


def test_the_workbook_holds_the_same_figures_as_the_command_line(browser_as, analyst, figures):
    response = browser_as(analyst).get(
        "/stats/?table=by_type&period=2025&region=440100&format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    expected = read_tables(analyst, ["by_type"], parse_scope("2025", "440100", "registered"))
    total = expected.tables[0].rows[0]["total_amount"]
    assert any(
        Decimal(str(v)) == total for line in values[2:] for v in line if isinstance(v, float)
    )


def test_another_regions_figures_are_refused(browser_as, analyst, figures):
    response = browser_as(analyst).get("/stats/?region=110000")
    assert response.status_code == 403


def test_a_seller_reads_no_statistics(browser_as, seller, figures):
    assert browser_as(seller).get("/stats/").status_code == 403


def test_a_bad_period_is_explained(browser_as, analyst, figures):
    response = browser_as(analyst).get("/stats/?period=2025H3")
    assert response.status_code == 422 and "error-summary" in response.content.decode()


def test_the_chart_names_what_when_where_and_which_view(analyst, figures):
    result = read_tables(analyst, ["by_field"], parse_scope("2025", "440100", "output")).tables[0]
    option = chart_option(result, "广州市")
    assert option["title"]["text"].startswith("2025 按技术领域")
    assert "广州市" in option["title"]["subtext"] and "输出口径" in option["title"]["subtext"]


def test_the_targets_page_shows_each_indicators_progress_and_verdict(browser_as, analyst, figures):
    from techmarket.stats.plan_store import list_plans

    plan = next(i.plan for i in list_plans() if i.plan.region.startswith("44"))
    page = browser_as(analyst).get(f"/targets/?plan={plan.code}&as_of=2020-06-30")
    html = page.content.decode()
    assert page.status_code == 200 and plan.name in html
    assert html.count("<tr>") >= 2 and "<progress" in html


def test_the_targets_page_explains_a_bad_date(browser_as, analyst, figures):
    assert browser_as(analyst).get("/targets/?as_of=30-06-2020").status_code == 422


def test_the_bureau_page_shows_the_year_the_plan_the_areas_and_the_backlog(
    browser_as, analyst, seller, agencies, figures, now
):
    from tests.registry.flow import submitted

    submitted(seller, agencies["city"], now)
    page = browser_as(analyst).get("/overview/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "广州市技术合同登记处" in html  # the agency with an open application
    assert "技术市场概览" in html and 'href="/stats/?table=overview' in html


def test_an_analyst_lands_on_the_overview(browser_as, analyst, figures):
    assert browser_as(analyst).get("/home/")["Location"] == "/overview/"


def test_the_pdf_export_prints_the_table_on_screen(browser_as, analyst, figures):
    from tests.pdf_text import pdf_text

    response = browser_as(analyst).get("/stats/?table=by_type&period=2025&region=440100&format=pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert "按合同类型" in text and "技术开发" in text


def test_the_agency_page_ranks_the_agencies_as_the_command_line_does(
    browser_as, analyst, seller, registrar, agencies, now
):
    from techmarket.stats.agency_quality import agency_quality
    from tests.registry.flow import registered

    registered(seller, registrar, agencies["city"], now)
    html = browser_as(analyst).get("/stats/agencies/?period=2025").content.decode()
    ranked = agency_quality(analyst, "2025", today=now.date())
    assert ranked and ranked[0].name in html
    assert browser_as(seller).get("/stats/agencies/").status_code == 403


def test_the_region_ranking_takes_a_level_and_explains_a_wrong_one(browser_as, analyst, figures):
    client = browser_as(analyst)
    counties = client.get("/stats/?table=by_region&period=2025&region=440000&level=county")
    assert counties.status_code == 200 and "广州市" in counties.content.decode()
    wrong = client.get("/stats/?table=by_region&period=2025&region=440000&level=province")
    assert wrong.status_code == 422


def test_the_monthly_chart_draws_year_on_year_and_month_on_month_growth(analyst, figures):
    scope = parse_scope("2025", "440100", "registered")
    result = read_tables(analyst, ["monthly"], scope).tables[0]
    option = chart_option(result, "广州市")
    growth = {s["name"]: s for s in option["series"] if s.get("yAxisIndex") == 1}
    assert set(growth) == {"同比 %", "环比 %"}
    january = result.rows[0]
    assert growth["同比 %"]["data"][0] == float(january["total_amount_yoy_pct"])


def test_amount_headers_name_the_unit_shown_once(browser_as, analyst, figures):
    html = browser_as(analyst).get("/stats/?table=by_type&period=2025&unit=wan").content.decode()
    assert "成交额（万元）" in html and "（元）（万元）" not in html


def test_the_flows_between_regions_are_drawn_as_a_sankey_diagram_without_a_script(
    browser_as, analyst, figures
):
    page = browser_as(analyst).get(
        "/stats/?table=flow_matrix&period=2025&region=440100&view=output&unit=yuan"
    )
    html = page.content.decode()
    expected = read_tables(analyst, ["flow_matrix"], parse_scope("2025", "440100", "output"))
    largest = expected.tables[0].rows[0]
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "卖方所在地" in html
    assert f"{largest['seller_place_name']} → {largest['buyer_place_name']}" in html
    assert f"{largest['total_amount']:,.2f}" in html  # the table below holds the figure
    assert "echarts" not in html  # drawn by the server


def test_the_bureau_page_says_where_the_region_ranks_among_its_peers(
    browser_as, analyst, figures, monkeypatch
):
    from django.utils import timezone

    from techmarket.stats.queries import rank_among_peers

    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2025, 12, 31))
    expected = rank_among_peers(analyst, "440000", "2025YTD12")
    assert (expected.level, expected.rank, expected.peers) == ("province", 1, 1)
    html = browser_as(analyst).get("/overview/").content.decode()
    assert "成交额全国省份排名" in html and f"共 {expected.peers}" in html


def test_the_targets_page_charts_the_projection_and_exports_the_command_lines_figures(
    browser_as, analyst, figures
):
    import json

    from typer.testing import CliRunner

    from techmarket.cli.main import app
    from techmarket.stats.plan_store import list_plans

    plan = next(i.plan for i in list_plans() if i.plan.region.startswith("44"))
    client = browser_as(analyst)
    html = client.get(f"/targets/?plan={plan.code}&as_of=2020-06-30").content.decode()
    assert 'data-chart="progress-chart"' in html and "echarts.common.min.js" in html
    assert '"markLine"' in html  # the target at 100 %
    response = client.get(f"/targets/?plan={plan.code}&as_of=2020-06-30&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    cli = CliRunner().invoke(
        app,
        ["targets", "progress", plan.code, "--as-of", "2020-06-30", "--json", "--as", "analyst"],
    )
    assert cli.exit_code == 0, cli.output
    for row in json.loads(cli.output)["indicators"]:
        assert row["name"] in cells
        if row["actual"] is not None:
            assert any(isinstance(c, int | float) and f"{c:.2f}" == row["actual"] for c in cells), (
                row
            )
    pdf = client.get(f"/targets/?plan={plan.code}&as_of=2020-06-30&format=pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_long_ranking_shows_its_first_rows_and_its_largest_bars_and_exports_them_all(
    browser_as, analyst, figures, monkeypatch
):
    from techmarket.exports import charts
    from techmarket.web import stats_pages

    monkeypatch.setattr(stats_pages, "ROWS_ON_SCREEN", 3)
    monkeypatch.setattr(charts, "MOST_BARS", 2)
    query = "/stats/?table=by_region&period=2025&region=440100&view=output&unit=yuan"
    html = browser_as(analyst).get(query).content.decode()
    expected = read_tables(analyst, ["by_region"], parse_scope("2025", "440100", "output"))
    rows = expected.tables[0].rows
    assert len(rows) > 3
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 3 and f"共 {len(rows)}" in html
    option = chart_option(expected.tables[0], "广州市")
    largest = sorted(rows, key=lambda r: -r["total_amount"])[:2]
    axis = option["xAxis"] if "data" in option["xAxis"] else option["yAxis"]
    assert set(axis["data"]) == {r["name"] for r in largest}
    sheet = load_workbook(
        io.BytesIO(b"".join(browser_as(analyst).get(query + "&format=xlsx").streaming_content))
    ).active
    assert sheet.max_row - 2 >= len(rows)  # the title and header rows, then every region
