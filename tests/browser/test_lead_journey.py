"""A lead in a real browser: a broker proposes a published achievement to a published demand,
follows it through contact, negotiation and signing, links the registered contract by its
number and finds it under 已登记 on the board; an analyst then reads it in the funnel."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import document

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Leads-pass-2026"


@pytest.fixture
def people(agencies, seller, registrar, now):  # type: ignore[no-untyped-def]
    """The broker 陈经纪 and an analyst of the province; a published achievement held by the
    contract's seller, a published demand of its buyer, and that registered contract."""
    from techmarket.market.broker_services import save_broker
    from techmarket.registry.actors import system_actor
    from techmarket.registry.users import save_user
    from tests.market.leads import achievement, demand
    from tests.registry.flow import registered

    save_user("chen", role="broker", password=PASSWORD)
    save_broker(
        actor=system_actor(),
        now=now,
        username="chen",
        name="陈经纪",
        fields=["05"],
        regions=["440100"],
        certificate_number="JJR-2024-0001",
    )
    save_user("tongji", role="analyst", agency_code="P440000", password=PASSWORD)
    found = achievement(now)
    needed = demand(now)
    contract = registered(seller, registrar, agencies["city"], now)
    return found, needed, contract


def sign_in(page, username: str, lands: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lands)


def badge_is(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(".object-head .badge", has_text=text).wait_for()


def test_a_broker_follows_a_lead_to_a_registered_contract_and_the_funnel_counts_it(  # type: ignore[no-untyped-def]
    open_page, watch, people
):
    found, needed, contract = people
    broker = open_page()
    sign_in(broker, "chen", "**/market/leads/")  # a broker lands on the lead board
    assert "线索看板" in broker.locator("h1").inner_text()

    # From the achievement in the hall, propose it to the demand found by text.
    broker.click("nav.mainnav >> text=供需大厅")
    broker.click(f"text={found.title}")
    broker.click("#propose-lead")
    broker.fill("#f-q", "隔膜")
    broker.click("#candidate-search button[type=submit]")
    broker.check(f"#other-{needed.pk}")
    broker.fill("#id_note", "隔膜热收缩指标与需求一致")
    broker.click("#propose-submit")
    broker.wait_for_url(re.compile(r"/market/leads/\d+/$"))
    lead_url = broker.url
    badge_is(broker, "已推荐")

    for action, stage in (("contact", "已接洽"), ("negotiate", "洽谈中"), ("sign", "已签约")):
        broker.click(f"button[data-action={action}]")
        badge_is(broker, stage)

    broker.click("summary[data-action=register]")
    broker.fill("#id_registration_number", contract.registration_number)
    broker.click("button[data-confirm-action=register]")
    badge_is(broker, "已登记")
    assert broker.url == lead_url
    assert contract.registration_number in broker.locator("#contract").inner_text()
    assert f"{contract.total_amount:,.2f}" in broker.locator("#contract-total").inner_text()
    document(broker, "lead-page")

    broker.click("nav.mainnav >> text=线索看板")
    registered_column = broker.locator("#stage-registered")
    assert registered_column.locator(".count").inner_text() == "1"
    assert found.title in registered_column.inner_text()
    document(broker, "lead-board")

    # The analyst of the province reads one registered contract and its amount.
    analyst = open_page()
    sign_in(analyst, "tongji", "**/overview/")
    analyst.click("nav.mainnav >> text=转化漏斗")
    total = analyst.locator("#funnel-total")
    assert total.locator("[data-col=registered]").inner_text() == "1"
    assert total.locator("[data-col=total_amount]").inner_text() == (
        f"{contract.total_amount:,.2f}"
    )
    document(analyst, "lead-funnel")
    watch.assert_clean()
