"""An analyst reads the statistics in the browser: a chart and its table, another period and
table, a drill-down from the province to a city; no console error, no outside request."""

from __future__ import annotations

from datetime import date

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


def test_an_analyst_changes_the_table_and_period_and_drills_down(open_page, watch, published):
    page = open_page()
    page.goto("/login/")
    page.fill("#id_username", "province_analyst")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/overview/")  # an analyst's first page: the bureau overview
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
