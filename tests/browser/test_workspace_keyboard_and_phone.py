"""The registrar's queue by keyboard alone, and the pages on a phone's screen."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import document
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Registrar-pass-2026"


@pytest.fixture
def queue(seller, agencies, now):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("registrar", role="registrar", agency_code="C440100", password=PASSWORD)
    return [
        submitted(seller, agencies["city"], now, external_id=f"K-{i}", name=f"键盘测试合同{i}")
        for i in range(3)
    ]


def sign_in(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", "registrar")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")  # the form submits from the keyboard
    page.wait_for_url("**/home/")


def test_the_queue_is_worked_with_j_k_and_enter(open_page, watch, queue):
    page = open_page()
    sign_in(page)
    page.goto("/contracts/?queue=1")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    current = page.locator("table[data-keynav] tbody tr.current")
    assert current.count() == 1
    name = current.locator("a[data-row-link]").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contracts/\d+/$"))
    assert page.locator("h1").inner_text() == name
    # The primary step is reachable with Tab and taken with Enter; focus is visible.
    accept = page.locator("button[data-action=accept]")
    accept.focus()
    outline = accept.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.locator(".object-head .badge.status-accepted").wait_for()
    watch.assert_clean()


def test_the_pages_fit_a_phone_without_sideways_scrolling(open_page, watch, queue):
    page = open_page(width=390, height=844)
    sign_in(page)
    for url in ("/home/", "/contracts/?queue=1", f"/contracts/{queue[0].pk}/"):
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px: {_widest(page)}"
    document(page, "phone-contract")
    watch.assert_clean()


def _widest(page):  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
