"""An analyst reads the statistics in the browser: a chart and its table, another period and
table, a drill-down from the province to a city; no console error, no outside request."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.browser.conftest import document

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Analyst-pass-2026"


@pytest.fixture
def published(agencies, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user
    from techmarket.stats.refresher import refresh
    from techmarket.synth.contracts import generate
    from tests.stats.helpers import import_registered

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
    save_user("province_analyst", role="analyst", agency_code="P440000", password=PASSWORD)


def _signed_in(open_page):  # type: ignore[no-untyped-def]
    page = open_page()
    page.goto("/login/")
    page.fill("#id_username", "province_analyst")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/overview/")  # an analyst's first page: the bureau overview
    return page


def _show(page, **choices: str) -> None:  # type: ignore[no-untyped-def]
    for field, value in choices.items():
        page.select_option(f"#s-{field}", value)
    page.click("text=查看")
    for field, value in choices.items():
        page.wait_for_url(f"**{field}={value}**")


def test_an_analyst_changes_the_table_and_period_and_drills_down(open_page, watch, published):
    page = _signed_in(open_page)
    document(page, "bureau-overview")
    page.click("nav.mainnav >> text=统计分析")
    page.fill("#s-period", "2025")
    page.select_option("#s-table", "by_field")
    page.click("text=查看")
    page.locator(".chart canvas").first.wait_for()
    assert "period=2025" in page.url and "table=by_field" in page.url
    assert page.locator("#stats-table tbody tr").count() > 0
    document(page, "statistics")
    page.click(".subregions >> text=广州市")
    page.wait_for_url("**region=440100**")
    assert "广州市" in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    watch.assert_clean()


def test_an_analyst_ranks_changes_the_view_reads_flows_and_agencies_and_exports_what_the_cli_says(
    open_page, watch, published
):
    import io

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from techmarket.cli.main import app

    page = _signed_in(open_page)
    page.goto("/stats/?table=by_type&period=2025&region=440100")
    _show(page, view="output")  # 输出口径: where the sellers are
    _show(page, table="by_region")
    _show(page, level="county")  # every county of Guangzhou ranked, as the press does
    assert page.locator("#stats-table tbody tr").count() > 0
    document(page, "statistics-ranking")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    cli = CliRunner().invoke(
        app,
        [
            *("stats", "table", "by_region", "--period", "2025", "--region", "440100"),
            *("--view", "output", "--level", "county", "--json", "--as", "province_analyst"),
        ],
    )
    assert cli.exit_code == 0, cli.output
    import json

    rows = json.loads(cli.output)["rows"]
    assert rows
    for row in rows:  # each county's turnover, to the fen, is in the workbook
        assert any(str(c) == row["name"] for c in cells)
        assert any(isinstance(c, (int, float)) and f"{c:.2f}" == row["total_amount"] for c in cells)
    _show(page, table="flow_matrix")  # the flows between regions, drawn by the server
    page.locator("figure.sankey-figure svg path").first.wait_for()
    document(page, "statistics-flows")
    page.click("nav.mainnav >> text=计划目标")  # progress bars, verdicts, the projection
    page.wait_for_url("**/targets/**")
    page.fill("#t-as-of", "2020-06-30")
    page.click("text=查看")
    page.locator(".chart canvas").first.wait_for()
    assert page.locator("#targets-table progress").count() > 0
    document(page, "targets")
    page.click("nav.mainnav >> text=机构服务")
    page.wait_for_url("**/stats/agencies/**")
    assert page.locator("table").count() > 0
    watch.assert_clean()  # before the refusal below, which the browser logs as a 403
    refused = page.goto("/stats/?table=overview&period=2025&region=110000")  # Beijing's
    assert refused is not None and refused.status == 403
    assert "管辖范围" in page.locator("main").inner_text()
