"""Chinese working-day calendar: statutory holidays and make-up working days (调休).

Uses the ``chinesecalendar`` package; for years it does not cover, Monday–Friday is assumed.
Administrators' corrections (a newly announced holiday, a changed make-up day) win over both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar

_DAY = timedelta(days=1)


@cache
def covers(year: int) -> bool:
    """Whether the installed chinesecalendar knows the holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _package_workday(d: date) -> bool:
    """The package's answer (it scans its whole holiday table on each call, ~30 µs): asked once
    per day for the life of the process; a page counting fifty deadlines asks a thousand."""
    if covers(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


def _as_date(d: date) -> date:
    """Plain date (a datetime would never equal the dates in the override sets)."""
    return d.date() if isinstance(d, datetime) else d


_MOST_REMEMBERED = 10_000


class WorkingCalendar:
    """Working days in mainland China, with admin overrides taking precedence."""

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
    ) -> None:
        self.extra_holidays = frozenset(_as_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(_as_date(d) for d in extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            raise ValueError(f"dates both holiday and working day: {sorted(both)}")
        # Answers already counted: a queue page asks for fifty deadlines from the same day,
        # and a calendar lives a while (the pages keep one ten seconds), so most repeat.
        self._between: dict[tuple[date, date], int] = {}

    def is_working_day(self, d: date) -> bool:
        """Whether offices work on ``d``: overrides, then the package, then Monday–Friday."""
        d = _as_date(d)
        if d in self.extra_holidays:
            return False
        if d in self.extra_workdays:
            return True
        return _package_workday(d)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (not counted); n<0 goes backwards, n=0 is start."""
        d = _as_date(start)
        step = _DAY if n >= 0 else -_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        known = self._between.get((start, end))
        if known is not None:
            return known
        count = 0
        d = start
        while d < end:
            d += _DAY
            count += self.is_working_day(d)
        if len(self._between) >= _MOST_REMEMBERED:
            self._between.clear()
        self._between[(start, end)] = count
        return count


def holiday_name(d: date) -> tuple[str, str] | None:
    """The (Chinese, English) name of the holiday ``d`` belongs to in the package's table, as a
    day off or as its make-up working day (调休); None for an ordinary day or an uncovered year."""
    d = _as_date(d)
    if not covers(d.year):
        return None
    _, name = chinese_calendar.get_holiday_detail(d)
    for holiday in chinese_calendar.Holiday:
        if holiday.value == name:
            return holiday.chinese, holiday.value
    return None
