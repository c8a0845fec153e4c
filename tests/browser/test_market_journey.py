"""A listing in a real browser: a seller drafts an achievement, a mistake is caught beside its
field as it is typed and fixed, the draft is submitted; the district's registrar publishes it;
it is in the hall for everyone. Two people, two browser sessions, one live server."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import document
from tests.browser.test_registration_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Market-pass-2026"
TITLE = "高安全性锂电池陶瓷涂覆隔膜制备技术"


@pytest.fixture
def people(seller_party):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("xinli", role="seller", party_identifier=seller_party.identifier, password=PASSWORD)
    save_user("tianhe", role="registrar", agency_code="D440106", password=PASSWORD)
    return "xinli", "tianhe"


def badge(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".object-head .badge").inner_text()


def test_an_achievement_goes_from_a_sellers_form_to_the_hall(open_page, watch, people):  # type: ignore[no-untyped-def]
    seller_name, registrar_name = people
    seller = open_page()
    sign_in(seller, seller_name, PASSWORD)
    seller.click("nav.mainnav >> text=成果与需求")
    seller.click("text=发布科技成果")
    seller.wait_for_load_state()  # the live check (htmx) listens once deferred scripts ran
    assert seller.input_value("#id_holder_name") == "广州新锂科技有限公司"  # filled in

    seller.fill("#id_title", TITLE)
    seller.fill("#id_external_id", "CG-2026-001")
    seller.fill(
        "#id_summary", "陶瓷涂覆隔膜的制备方法，150℃热收缩率低于2%，适用于动力电池和储能电池。"
    )
    seller.select_option("#id_tech_field", "05")
    seller.select_option("#id_maturity", "pilot_tested")
    seller.check("input[name=transfer_modes][value=license]")
    seller.fill("#id_price", "面议")
    # A region cut short: the parser's message appears beside the field as it is typed.
    seller.fill("#id_region", "4401")
    seller.locator("#id_region").blur()
    message = seller.locator("#msg-region .error-text")
    message.wait_for()
    assert "6 位行政区划代码" in message.inner_text()
    document(seller, "listing-form-live-check")
    seller.fill("#id_region", "440106")
    seller.locator("#id_region").blur()
    seller.locator("#msg-region .error-text").wait_for(state="detached")

    seller.click("text=保存草稿")
    seller.wait_for_url(re.compile(r"/market/achievements/\d+/$"))
    listing_url = seller.url
    assert badge(seller) == "草稿"
    seller.click("button[data-action=submit]")
    seller.wait_for_url(listing_url)
    assert badge(seller) == "待审核"

    # The 天河 registrar finds it in the review queue and publishes it.
    registrar = open_page()
    sign_in(registrar, registrar_name, PASSWORD)
    registrar.click("nav.mainnav >> text=成果需求审核")
    document(registrar, "listing-review-queue")
    registrar.click(f"text={TITLE}")
    registrar.click("button[data-action=publish]")
    registrar.wait_for_url("**/market/review/")
    assert TITLE not in registrar.locator("main").inner_text()

    # It is in the hall for everyone; the seller opens it from there.
    seller.click("nav.mainnav >> text=供需大厅")
    seller.fill("#f-q", "涂覆隔膜")
    seller.click("#filters button[type=submit]")
    seller.locator(f"#listing-table >> text={TITLE}").wait_for()
    document(seller, "market-hall")
    seller.click(f"text={TITLE}")
    assert badge(seller) == "已发布"
    assert "广东省广州市天河区" in seller.locator("#show-region").inner_text()
    document(seller, "listing-detail")
    watch.assert_clean()
