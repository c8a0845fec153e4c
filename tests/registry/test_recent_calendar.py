"""Pages read the working calendar at most every few seconds; a change here shows at once."""

from __future__ import annotations

from datetime import date

import pytest

from techmarket.registry import calendar, services

pytestmark = pytest.mark.django_db
NATIONAL_DAY_WEEK = date(2031, 10, 6)  # a Monday, beyond the package's years


def test_pages_read_the_calendar_once_then_reuse_it(django_assert_num_queries):
    with django_assert_num_queries(1):
        first = services.recent_working_calendar()
    with django_assert_num_queries(0):
        assert services.recent_working_calendar() is first


def test_a_day_set_or_removed_here_is_seen_by_the_next_page_at_once():
    assert services.recent_working_calendar().is_working_day(NATIONAL_DAY_WEEK)
    calendar.set_day(NATIONAL_DAY_WEEK, working=False, note="国庆调休")
    assert not services.recent_working_calendar().is_working_day(NATIONAL_DAY_WEEK)
    calendar.remove_day(NATIONAL_DAY_WEEK)
    assert services.recent_working_calendar().is_working_day(NATIONAL_DAY_WEEK)


def test_a_calendar_read_long_ago_is_read_again(monkeypatch, django_assert_num_queries):
    services.recent_working_calendar()
    later = services.time.monotonic() + services.RECENT_CALENDAR_SECONDS + 1
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    with django_assert_num_queries(1):
        services.recent_working_calendar()
