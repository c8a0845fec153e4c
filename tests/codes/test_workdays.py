"""Working-day calendar around Chinese holidays and make-up working days."""

from datetime import date, datetime

import pytest

from techmarket.codes.workdays import WorkingCalendar, covers

calendar = WorkingCalendar()


def test_national_day_2024_is_a_holiday_week():
    for day in range(1, 8):
        assert not calendar.is_working_day(date(2024, 10, day))
    assert calendar.is_working_day(date(2024, 10, 8))


def test_make_up_weekend_days_are_working_days():
    assert calendar.is_working_day(date(2024, 9, 29))  # Sunday
    assert calendar.is_working_day(date(2024, 10, 12))  # Saturday
    assert not calendar.is_working_day(date(2024, 10, 13))  # ordinary Sunday


def test_spring_festival_2025_is_a_holiday_with_make_up_days():
    assert not calendar.is_working_day(date(2025, 1, 28))
    assert not calendar.is_working_day(date(2025, 2, 4))
    assert calendar.is_working_day(date(2025, 1, 26))  # Sunday, make-up day
    assert calendar.is_working_day(date(2025, 2, 8))  # Saturday, make-up day
    assert calendar.is_working_day(date(2025, 2, 5))


def test_adding_working_days_skips_the_national_day_holiday():
    # Mon 30 Sep is the last working day before the holiday; Tue 8 Oct the first after it
    assert calendar.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert calendar.add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)
    # from Sat 28 Sep: 29 Sep, 30 Sep, 8, 9, 10, 11 Oct and the make-up Saturday 12 Oct
    assert calendar.add_working_days(date(2024, 9, 28), 5) == date(2024, 10, 10)
    assert calendar.add_working_days(date(2024, 9, 28), 7) == date(2024, 10, 12)


def test_adding_zero_working_days_returns_the_start_even_on_a_holiday():
    assert calendar.add_working_days(date(2024, 10, 3), 0) == date(2024, 10, 3)


def test_negative_working_days_count_backwards():
    assert calendar.add_working_days(date(2024, 10, 8), -1) == date(2024, 9, 30)


def test_working_days_between_counts_the_end_but_not_the_start():
    assert calendar.working_days_between(date(2024, 9, 30), date(2024, 10, 8)) == 1
    assert calendar.working_days_between(date(2024, 9, 28), date(2024, 10, 12)) == 7
    assert calendar.working_days_between(date(2024, 10, 8), date(2024, 10, 8)) == 0
    assert calendar.working_days_between(date(2024, 10, 8), date(2024, 9, 30)) == -1


def test_adding_and_counting_agree_over_a_year():
    start = date(2024, 12, 31)
    end = calendar.add_working_days(start, 250)
    assert calendar.working_days_between(start, end) == 250


def test_admin_corrections_win_over_the_package():
    corrected = WorkingCalendar(
        extra_holidays=[date(2024, 10, 8)], extra_workdays=[date(2024, 10, 7)]
    )
    assert not corrected.is_working_day(date(2024, 10, 8))
    assert corrected.is_working_day(date(2024, 10, 7))
    assert corrected.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 7)
    assert corrected.add_working_days(date(2024, 9, 30), 2) == date(2024, 10, 9)


def test_a_date_cannot_be_both_holiday_and_working_day():
    with pytest.raises(ValueError):
        WorkingCalendar(extra_holidays=[date(2024, 1, 2)], extra_workdays=[date(2024, 1, 2)])


def test_datetimes_are_treated_as_their_date():
    corrected = WorkingCalendar(extra_holidays=[datetime(2024, 10, 9, 9, 30)])
    assert not corrected.is_working_day(datetime(2024, 10, 9, 15, 0))


def test_years_outside_the_package_fall_back_to_monday_to_friday():
    assert covers(2024)
    assert not covers(1990)
    assert calendar.is_working_day(date(1990, 10, 1))  # a Monday, no holiday data
    assert not calendar.is_working_day(date(1990, 10, 6))  # a Saturday


def test_admin_holidays_apply_in_uncovered_years():
    corrected = WorkingCalendar(extra_holidays=[date(1990, 10, 1)])
    assert not corrected.is_working_day(date(1990, 10, 1))
