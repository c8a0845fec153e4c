"""An agency administrator in a real browser: adds a registrar who then signs in, watches the
next registration number change as they type a format, is told beside the field what is
wrong with a bad one, and deactivates the registrar, who can no longer sign in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import document
from tests.browser.test_registration_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PASSWORD = "Admin-pass-2026-city"
NEW_PASSWORD = "Registrar-new-2026"


@pytest.fixture
def city_admin(agencies):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("city_admin", role="agency_admin", agency_code="C440100", password=ADMIN_PASSWORD)
    return "city_admin"


def test_an_agency_admin_adds_a_registrar_sets_the_number_format_and_deactivates(
    open_page, watch, city_admin
):  # type: ignore[no-untyped-def]
    admin = open_page()
    sign_in(admin, city_admin, ADMIN_PASSWORD)
    admin.click("nav.mainnav >> text=机构管理")
    admin.wait_for_url("**/agency/users/")

    # A new registrar, with an initial password.
    admin.click("text=添加用户")
    admin.fill("#id_username", "newcomer")
    admin.select_option("#id_role", "registrar")
    admin.fill("#id_email", "newcomer@example.cn")
    admin.fill("#id_password", NEW_PASSWORD)
    admin.fill("#id_password2", NEW_PASSWORD)
    admin.click("main form button[type=submit]")
    admin.wait_for_url("**/agency/users/")
    assert "newcomer@example.cn" in admin.locator("#members").inner_text()
    document(admin, "agency-users")

    # The registrar signs in with it.
    registrar = open_page()
    sign_in(registrar, "newcomer", NEW_PASSWORD)

    # The number format: the preview follows the typing; a bad format is explained beside it.
    admin.click("nav.tabs >> text=编号与时限")
    admin.wait_for_load_state()  # htmx listens once the page's deferred scripts have run
    year = timezone.localdate().year
    assert admin.locator("#next-number").inner_text() == f"{year}440100000001"
    admin.fill("#id_number_format", "{agency}-{year}-{serial:05d}")
    admin.locator(f"#next-number >> text=C440100-{year}-00001").wait_for()
    admin.fill("#id_number_format", "{year}{serial}")
    message = admin.locator("#msg-number_format .error-text")
    message.wait_for()
    assert "{region} 或 {agency}" in message.inner_text()
    admin.fill("#id_number_format", "{agency}-{year}-{serial:05d}")
    admin.locator(f"#next-number >> text=C440100-{year}-00001").wait_for()
    admin.fill("#id_review_limit_days", "10")
    document(admin, "agency-settings")
    admin.click("main form button[type=submit]")
    admin.locator(".flash >> text=已保存本机构设置").wait_for()
    assert admin.input_value("#id_review_limit_days") == "10"

    # The calendar is shown, read only for a city agency.
    admin.click("nav.tabs >> text=工作日历")
    admin.locator("table.cal-month").first.wait_for()
    assert admin.locator("table.cal-month").count() == 12
    document(admin, "agency-calendar")

    # Deactivated, the registrar cannot sign in again.
    admin.click("nav.tabs >> text=用户")
    admin.click("#members >> text=newcomer")
    admin.click("#deactivate")
    assert admin.locator("#member-status").inner_text() == "已停用"
    other = open_page()
    other.goto("/login/")
    other.fill("#id_username", "newcomer")
    other.fill("#id_password", NEW_PASSWORD)
    other.click("main form button[type=submit]")
    assert "/login/" in other.url
    watch.assert_clean()
