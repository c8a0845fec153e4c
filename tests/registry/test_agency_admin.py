"""The agency administrator's services: who may, what they reach, and the trail they leave."""

from __future__ import annotations

from datetime import date

import pytest

from techmarket.accounts.services import parse_deadlines
from techmarket.codes.workdays import holiday_name
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied, ValidationFailed
from techmarket.registry import agency_calendar, agency_users, audit
from techmarket.registry.agency_admin import preview_number, save_settings
from techmarket.registry.numbers import issue

pytestmark = pytest.mark.django_db

PASSWORD = "Stationery-lamp-2026"


def test_a_registrar_is_refused_with_a_stable_code(registrar, now):
    with pytest.raises(PermissionDenied) as refused:
        agency_users.agency_members(registrar)
    assert refused.value.code == "agency_admin_only" and refused.value.message_en
    with pytest.raises(PermissionDenied):
        save_settings(
            registrar,
            number_format="{year}{region}{serial:06d}",
            review_limit_days="",
            large_review_limit_days="",
            large_threshold="",
            now=now,
        )


def test_a_city_admin_reaches_its_own_people_not_the_districts_below(
    agency_admin, other_district_registrar, registrar, now
):
    assert [p.user.username for p in agency_users.agency_members(agency_admin)] == [
        "agency_admin",
        "registrar",
    ]
    with pytest.raises(NotFound) as missing:
        agency_users.set_active(agency_admin, "other_district_registrar", active=False, now=now)
    assert missing.value.code == "member_not_found"


def test_every_change_is_in_the_verified_audit_chain(agency_admin, province_admin, registrar, now):
    agency_users.add_member(
        agency_admin, username="newcomer", role="registrar", password=PASSWORD, now=now
    )
    agency_users.set_active(agency_admin, "newcomer", active=False, now=now)
    agency_users.reset_password(agency_admin, "registrar", password=PASSWORD, now=now)
    save_settings(
        agency_admin,
        number_format="{agency}{year:04d}{serial:06d}",
        review_limit_days="12",
        large_review_limit_days="",
        large_threshold="",
        now=now,
    )
    agency_calendar.set_day(province_admin, date(2030, 1, 2), working=False, note="通知", now=now)
    agency_calendar.remove_day(province_admin, date(2030, 1, 2), now=now)
    report = audit.verify()
    assert report.ok and report.events == 6


def test_unchanged_settings_write_no_event(agency_admin, now):
    changed = save_settings(
        agency_admin,
        number_format="{year:04d}{region}{serial:06d}",
        review_limit_days="",
        large_review_limit_days="",
        large_threshold="",
        now=now,
    )
    assert changed == {} and audit.verify().events == 0


def test_limits_report_every_field_at_once():
    with pytest.raises(ValidationFailed) as failed:
        parse_deadlines("0", "400", "-5")
    assert [(p.field, p.code) for p in failed.value.problems] == [
        ("review_limit_days", "limit_days_invalid"),
        ("large_review_limit_days", "limit_days_invalid"),
        ("large_threshold", "large_threshold_out_of_range"),
    ]


def test_the_preview_continues_the_agencys_serial(agency_admin, agencies):
    issue(agencies["city"], 2025)
    preview = preview_number(agency_admin, "{agency}/{year}/{serial:04d}", date(2025, 3, 1))
    assert (preview.number, preview.serial_limit) == ("C440100/2025/0002", 9999)


def test_a_format_that_cannot_write_a_number_is_refused(agency_admin):
    with pytest.raises(DomainError) as refused:
        preview_number(agency_admin, "{year}{region:d}{serial}", date(2025, 3, 1))
    assert refused.value.code == "number_format_unusable"


def test_an_admin_cannot_reset_their_own_password(agency_admin, now):
    with pytest.raises(DomainError) as refused:
        agency_users.reset_password(agency_admin, "agency_admin", password=PASSWORD, now=now)
    assert refused.value.code == "reset_own_password"


def test_package_days_carry_their_holidays_name():
    assert holiday_name(date(2025, 10, 1)) == ("国庆节", "National Day")
    assert holiday_name(date(2025, 9, 28)) == ("国庆节", "National Day")  # make-up day
    assert holiday_name(date(2025, 9, 24)) is None
