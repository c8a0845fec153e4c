"""The innovation-entity register in a real browser: the city's agency admin filters the
recognition list and exports it, opens an organisation, reads the expiring list and moves a
candidate on the cultivation board (htmx); the registrar reads the seller's certificate on the
contract page. No console error, no outside request on any of them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import document

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Entities-pass-2026"


@pytest.fixture
def register(agencies, seller, seller_party, now):  # type: ignore[no-untyped-def]
    """A few recognised firms of 天河 and 黄埔, one ending this autumn, a round of candidates
    in two districts, and a submitted contract of a recognised seller."""
    from techmarket.entities import services
    from techmarket.entities.selectors import add_months
    from techmarket.registry import services as registry
    from techmarket.registry.actors import system_actor
    from techmarket.registry.users import save_user
    from tests.domain.builders import valid_record
    from tests.entities.builders import firm, recognise

    save_user("gzadmin", role="agency_admin", agency_code="C440100", password=PASSWORD)
    save_user("gzregistrar", role="registrar", agency_code="C440100", password=PASSWORD)
    operator = system_actor()
    today = date.today()
    recognise(seller_party, date(today.year - 1, 11, 28))
    recognise(firm("广州天河光电科技有限公司"), date(today.year - 2, 12, 8))
    ending_soon = add_months(today, -34)  # its three years end in two months
    recognise(firm("广州黄埔生物医药有限公司", region="440112"), ending_soon)
    recognise(
        firm("广州天河众创空间管理有限公司"), date(2023, 6, 1), kind="maker_space", batch="2023省级"
    )
    for name, district, stage in (
        ("广州培育一号科技有限公司", "440106", "candidate"),
        ("广州培育二号科技有限公司", "440106", "applied"),
        ("广州培育三号科技有限公司", "440112", "candidate"),
    ):
        services.save_candidate(
            firm(name, region=district),
            kind="high_tech_enterprise",
            round_name=f"{today.year}年高企培育第一批",
            year=today.year,
            district=district,
            actor=operator,
            now=now,
            stage=stage,
        )
    contract = registry.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    registry.submit(contract.pk, actor=seller, now=now)
    return contract


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_an_agency_admin_reads_the_register_and_moves_a_candidate(open_page, watch, register):
    page = open_page()
    _sign_in(page, "gzadmin")
    page.click("nav.mainnav >> text=创新主体")
    page.wait_for_url("**/entities/")
    assert page.locator("#recognition-table tbody tr").count() == 4
    page.select_option("#f-kind", "high_tech_enterprise")
    page.select_option("#f-status", "recognised")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**kind=high_tech_enterprise**")
    assert page.locator("#recognition-table tbody tr").count() == 3
    document(page, "entity-recognitions")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.click("text=广州天河光电科技有限公司")
    page.locator("#recognitions .badge", has_text="有效").wait_for()
    document(page, "entity-organisation")

    page.click(".crumbs >> text=创新主体库")
    page.click(".entity-tabs >> text=到期提醒")
    page.fill("#f-months", "12")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**within_months=12**")
    assert page.locator("#expiring-table", has_text="广州黄埔生物医药有限公司").count() == 1
    document(page, "entity-expiring")

    page.click(".entity-tabs >> text=培育库")
    card = page.locator("#stage-candidate .candidate-card", has_text="广州培育一号科技有限公司")
    card.locator("button[data-move=applied]").click()
    page.locator("#stage-applied .candidate-card", has_text="广州培育一号科技有限公司").wait_for()
    assert page.locator("#stage-applied .count").inner_text() == "2"
    assert "100.0" in page.locator("#round-yield tbody tr", has_text="天河区").inner_text()
    document(page, "entity-cultivation-board")
    watch.assert_clean()


def test_the_registrar_sees_the_sellers_certificate_on_the_contract_page(
    open_page, watch, register
):
    page = open_page()
    _sign_in(page, "gzregistrar")
    page.goto(f"/contracts/{register.pk}/")
    panel = page.locator("#seller-recognitions")
    panel.wait_for()
    assert "高新技术企业" in panel.inner_text()
    document(page, "registrar-contract-recognitions")
    watch.assert_clean()
