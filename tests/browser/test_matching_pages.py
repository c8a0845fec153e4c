"""Matching in a real browser: the field suggestion fills the field on a click, and a demand's
page loads its 匹配结果 after the page, with the shared terms marked."""

from __future__ import annotations

import pytest

from tests.browser.conftest import document
from tests.browser.test_registration_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Market-pass-2026"


@pytest.fixture
def seller_name(seller_party):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("xinli", role="seller", party_identifier=seller_party.identifier, password=PASSWORD)
    return "xinli"


def test_a_suggested_field_fills_the_field_when_clicked(open_page, watch, seller_name):  # type: ignore[no-untyped-def]
    page = open_page()
    sign_in(page, seller_name, PASSWORD)
    page.goto("/market/achievements/new/")
    page.wait_for_load_state()
    page.fill("#id_title", "锂离子电池高镍正极材料制备技术")
    page.fill("#id_summary", "一种高镍三元正极材料，循环寿命长。")
    choice = page.locator('#field-suggestion button[data-value="05"]')
    choice.wait_for()
    assert page.locator("#field-suggestion mark").count() > 0
    choice.click()
    assert page.input_value("#id_tech_field") == "05"
    watch.assert_clean()


def test_a_demands_page_shows_its_matches_with_marked_terms(open_page, watch, seller_name, now):  # type: ignore[no-untyped-def]
    from tests.market.leads import achievement, demand

    achievement(now, transfer_modes="转让;合作开发", price="500000")
    need = demand(now)
    page = open_page()
    sign_in(page, seller_name, PASSWORD)
    page.goto(f"/market/demands/{need.pk}/")
    match = page.locator("#matches li.match").first
    match.wait_for()
    assert "高安全性锂电池隔膜制备技术" in match.inner_text()
    assert match.locator("mark").count() > 0 and match.locator(".fit-good").count() > 0
    document(page, "listing-matches")
    watch.assert_clean()
