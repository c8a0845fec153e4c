"""/agency/: an agency administrator manages the agency's people, the working-day calendar and
the number format and deadlines in the browser; nobody else reaches these pages, and an
administrator of another agency cannot touch this one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.registry.models import AuditEvent, CalendarOverride

pytestmark = pytest.mark.django_db

PASSWORD = "Stationery-lamp-2026"


def signed_in(client, actor):
    client.force_login(get_user_model().objects.get(username=actor.username))
    return client


def user(username: str):
    return get_user_model().objects.get(username=username)


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


@pytest.fixture
def admin_client(client, agency_admin):
    return signed_in(client, agency_admin)


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["agency_users", "agency_user_new", "agency_calendar", "agency_settings"]
)
def test_a_registrar_is_refused_every_agency_page(client, registrar, name):
    response = signed_in(client, registrar).get(reverse(f"web:{name}"))
    assert response.status_code == 403
    assert "机构管理员" in response.content.decode()


def test_only_an_agency_admin_sees_the_agency_link(client, agency_admin, registrar):
    link = reverse("web:agency_users")
    assert link in signed_in(client, agency_admin).get(reverse("web:home")).content.decode()
    client.logout()
    assert link not in signed_in(client, registrar).get(reverse("web:home")).content.decode()


def test_an_admin_of_another_agency_can_neither_see_nor_touch_this_agencys_people(
    client, other_agency_admin, registrar
):
    signed_in(client, other_agency_admin)
    listed = client.get(reverse("web:agency_users")).content.decode()
    assert "黄埔区" in listed and ">registrar<" not in listed
    assert client.get(reverse("web:agency_user", args=["registrar"])).status_code == 404
    response = client.post(reverse("web:agency_user_active", args=["registrar"]), {"active": "0"})
    assert response.status_code == 404 and user("registrar").is_active
    response = client.post(
        reverse("web:agency_user_password", args=["registrar"]),
        {"password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 404 and not user("registrar").check_password(PASSWORD)


# --- people ----------------------------------------------------------------------------------


def test_the_people_list_shows_role_email_status_and_last_sign_in(admin_client, registrar):
    text = admin_client.get(reverse("web:agency_users")).content.decode()
    assert "广州市技术合同登记处" in text
    assert ">registrar<" in text and ">agency_admin<" in text and "登记员" in text
    assert "最近登录" in text


def test_the_admin_adds_a_registrar_with_an_initial_password(admin_client):
    response = admin_client.post(
        reverse("web:agency_user_new"),
        {
            "username": "newcomer",
            "role": "registrar",
            "email": "newcomer@example.cn",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    newcomer = user("newcomer")
    assert newcomer.check_password(PASSWORD) and newcomer.email == "newcomer@example.cn"
    assert newcomer.profile.role == "registrar" and newcomer.profile.agency.code == "C440100"
    event = last_event()
    assert (event.actor, event.action, event.contract_id) == ("agency_admin", "user_add", None)
    assert event.payload["user"] == "newcomer" and event.payload["agency"] == "C440100"


def test_a_weak_password_is_refused_beside_its_field_and_the_username_kept(admin_client):
    response = admin_client.post(
        reverse("web:agency_user_new"),
        {"username": "newcomer", "role": "registrar", "password": "12345", "password2": "12345"},
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert 'id="msg-password"><span class="error-text">' in text and "密码" in text
    assert 'value="newcomer"' in text
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_taken_username_is_refused_beside_the_username(admin_client, other_district_registrar):
    response = admin_client.post(
        reverse("web:agency_user_new"),
        {
            "username": "other_district_registrar",
            "role": "registrar",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert 'id="msg-username"><span class="error-text">' in response.content.decode()
    assert user("other_district_registrar").profile.agency.code == "D440112"


def test_an_analyst_role_cannot_be_handed_out(admin_client):
    response = admin_client.post(
        reverse("web:agency_user_new"),
        {"username": "counter", "role": "analyst", "password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 422
    assert not get_user_model().objects.filter(username="counter").exists()


def test_the_admin_deactivates_and_reactivates_a_registrar(admin_client, registrar):
    url = reverse("web:agency_user_active", args=["registrar"])
    assert admin_client.post(url, {"active": "0"}).status_code == 302
    assert not user("registrar").is_active
    assert last_event().action == "user_deactivate"
    page = admin_client.get(reverse("web:agency_users")).content.decode()
    assert "已停用" in page  # still listed: never deleted
    assert admin_client.post(url, {"active": "1"}).status_code == 302
    assert user("registrar").is_active and last_event().action == "user_reactivate"


def test_the_admin_cannot_deactivate_themself(admin_client, agency_admin):
    response = admin_client.post(
        reverse("web:agency_user_active", args=["agency_admin"]), {"active": "0"}
    )
    assert response.status_code == 422 and user("agency_admin").is_active


def test_the_admin_sets_a_new_password_for_a_registrar(admin_client, registrar):
    response = admin_client.post(
        reverse("web:agency_user_password", args=["registrar"]),
        {"password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and user("registrar").check_password(PASSWORD)
    event = last_event()
    assert event.action == "password_reset" and PASSWORD not in str(event.payload)


def test_a_weak_new_password_is_shown_beside_the_field(admin_client, registrar):
    response = admin_client.post(
        reverse("web:agency_user_password", args=["registrar"]),
        {"password": "password", "password2": "password"},
    )
    assert response.status_code == 422
    assert 'id="msg-password"><span class="error-text">' in response.content.decode()


def test_a_back_office_account_of_the_agency_is_out_of_reach(admin_client, registrar):
    get_user_model().objects.filter(username="registrar").update(is_staff=True)
    response = admin_client.post(
        reverse("web:agency_user_password", args=["registrar"]),
        {"password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 403 and not user("registrar").check_password(PASSWORD)


# --- working-day calendar --------------------------------------------------------------------


def test_the_year_view_shows_package_holidays_and_make_up_days(admin_client):
    text = admin_client.get(reverse("web:agency_calendar"), {"year": 2025}).content.decode()
    # National Day 2025: 10-01 off (a Wednesday); Sunday 09-28 a make-up working day.
    assert 'class=" cal-off" data-day="2025-10-01"' in text
    assert 'class="cal-weekend cal-work" data-day="2025-09-28"' in text
    assert "国庆节" in text


def test_a_city_admin_reads_the_shared_calendar_but_may_not_change_it(admin_client):
    text = admin_client.get(reverse("web:agency_calendar")).content.decode()
    assert "只有最上级登记机构的管理员可以修改" in text
    response = admin_client.post(
        reverse("web:agency_calendar_set"), {"day": "2030-10-08", "working": "0", "note": "x"}
    )
    assert response.status_code == 403 and not CalendarOverride.objects.exists()


def test_the_province_admin_adds_and_removes_a_day(client, province_admin):
    signed_in(client, province_admin)
    response = client.post(
        reverse("web:agency_calendar_set"),
        {"day": "2030-10-08", "working": "0", "note": "国办发明电〔2030〕1号"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2030")
    entry = CalendarOverride.objects.get()
    assert (entry.day, entry.is_working_day) == (date(2030, 10, 8), False)
    assert last_event().action == "calendar_set" and last_event().actor == "province_admin"
    page = client.get(response["Location"]).content.decode()
    assert "国办发明电〔2030〕1号" in page and 'data-day="2030-10-08"' in page
    response = client.post(reverse("web:agency_calendar_remove"), {"day": "2030-10-08"})
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    assert last_event().action == "calendar_remove"
    assert last_event().payload["note_was"] == "国办发明电〔2030〕1号"


def test_a_day_without_a_reason_is_refused_beside_the_reason(client, province_admin):
    response = signed_in(client, province_admin).post(
        reverse("web:agency_calendar_set"), {"day": "2030-10-08", "working": "1", "note": ""}
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert 'id="msg-note"><span class="error-text">须说明依据' in text
    assert 'value="2030-10-08"' in text and not CalendarOverride.objects.exists()


# --- number format and deadlines -------------------------------------------------------------


def settings_form(**changes: str) -> dict[str, str]:
    return {
        "number_format": "{year:04d}{region}{serial:06d}",
        "review_limit_days": "",
        "large_review_limit_days": "",
        "large_threshold": "",
        **changes,
    }


def test_the_settings_page_previews_the_next_number(admin_client):
    text = admin_client.get(reverse("web:agency_settings")).content.decode()
    assert f"{timezone.localdate().year}440100000001" in text
    preview = admin_client.get(
        reverse("web:agency_settings_preview"),
        {"number_format": "{agency}-{year}-{serial:05d}"},
    ).content.decode()
    assert f"C440100-{timezone.localdate().year}-00001" in preview


def test_the_preview_says_what_is_wrong_with_a_format(admin_client):
    preview = admin_client.get(
        reverse("web:agency_settings_preview"), {"number_format": "{year}{serial}"}
    ).content.decode()
    assert "error-text" in preview and "{region} 或 {agency}" in preview


def test_the_admin_saves_the_number_format_limits_and_threshold(admin_client):
    response = admin_client.post(
        reverse("web:agency_settings"),
        settings_form(
            number_format="{agency}{year:04d}{serial:06d}",
            review_limit_days="10",
            large_review_limit_days="20",
            large_threshold="3000000",
        ),
    )
    assert response.status_code == 302
    city = Agency.objects.get(code="C440100")
    assert city.number_format == "{agency}{year:04d}{serial:06d}"
    assert (city.review_limit_days, city.large_review_limit_days) == (10, 20)
    assert city.large_threshold == Decimal("3000000.00")
    event = last_event()
    assert event.action == "agency_settings" and event.actor == "agency_admin"
    assert event.payload["number_format_was"] == "{year:04d}{region}{serial:06d}"
    assert (
        event.payload["review_limit_days"] == "10" and event.payload["review_limit_days_was"] == ""
    )


def test_an_invalid_number_format_shows_the_services_message_beside_it(admin_client):
    response = admin_client.post(
        reverse("web:agency_settings"),
        settings_form(number_format="{year}{serial}", review_limit_days="abc"),
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "登记编号格式必须包含 {region} 或 {agency}" in text
    assert 'id="msg-review_limit_days"><span class="error-text">审查时限应为' in text
    assert 'value="{year}{serial}"' in text  # what was typed is kept
    assert 'class="error-summary"' in text and 'href="#id_number_format"' in text
    city = Agency.objects.get(code="C440100")
    assert city.number_format == "{year:04d}{region}{serial:06d}" and city.review_limit_days is None


def test_a_format_that_would_repeat_another_agencys_numbers_is_refused(admin_client, agencies):
    from techmarket.accounts.services import save_agency

    save_agency(
        "C440100B",
        name="广州第二登记处",
        region="440100",
        number_format="{year}{region}{serial:07d}",
    )
    response = admin_client.post(
        reverse("web:agency_settings"), settings_form(number_format="{year}{region}{serial:07d}")
    )
    assert response.status_code == 422 and "登记编号会重复" in response.content.decode()


def test_settings_of_the_agency_are_refused_to_a_registrar(client, registrar):
    response = signed_in(client, registrar).post(
        reverse("web:agency_settings"), settings_form(review_limit_days="3")
    )
    assert response.status_code == 403
    assert Agency.objects.get(code="C440100").review_limit_days is None


def test_the_pages_speak_english_when_asked(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, words in (
        ("agency_users", "Add a person"),
        ("agency_calendar", "Working days"),
        ("agency_settings", "Number format"),
    ):
        assert words in admin_client.get(reverse(f"web:{name}")).content.decode()
    response = admin_client.post(
        reverse("web:agency_settings"), settings_form(number_format="{year}{serial}")
    )
    assert "the number format must contain {region} or {agency}" in response.content.decode()
