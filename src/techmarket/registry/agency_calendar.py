"""The working-day calendar as an agency admin sees and corrects it.

There is one calendar for the whole platform (every agency's deadlines count with it), so a
correction is not one agency's business: only the admin of a top-level agency (one with no
parent, the province's centre) may add or remove a day. Every agency admin may read it.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from techmarket.codes.workdays import covers, holiday_name
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.registry import calendar
from techmarket.registry.actors import Actor
from techmarket.registry.agency_admin import administered_agency, record
from techmarket.registry.models import CalendarOverride
from techmarket.registry.services import working_calendar


def may_change_calendar(actor: Actor) -> bool:
    """Whether the actor may correct the shared calendar (see the module's docstring)."""
    return administered_agency(actor).parent_id is None


def _ensure_may_change(actor: Actor) -> None:
    if not may_change_calendar(actor):
        raise PermissionDenied(
            "工作日历全平台共用，只有最上级登记机构的管理员可以修改",
            "the working-day calendar is shared by every agency; only an administrator of "
            "the top-level agency may change it",
            code="calendar_top_agency_only",
        )


@dataclass(frozen=True)
class Day:
    """One day as deadlines count it, and what decides that."""

    day: date
    working: bool
    source: str  # "override", "chinesecalendar" or "weekday"
    note: str
    holiday: tuple[str, str] | None

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def special(self) -> bool:
        """A day off on a weekday or a working weekend day (调休)."""
        return self.working == self.weekend


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[Day | None]]  # Monday first; None pads the first and last weeks

    @property
    def special_days(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d is not None and d.special]


@dataclass(frozen=True)
class Year:
    year: int
    covered_by_package: bool
    months: list[Month]
    overrides: list[CalendarOverride]


def year_view(actor: Actor, year: int) -> Year:
    """Twelve month grids of ``year``: the package's holidays and make-up days, and the
    overrides that win over them."""
    administered_agency(actor)
    overrides = {o.day: o for o in calendar.list_days(year)}
    effective = working_calendar()
    months = []
    for number in range(1, 13):
        weeks = [
            [
                _day(d, effective.is_working_day(d), overrides.get(d))
                if d.month == number
                else None
                for d in week
            ]
            for week in month_calendar.Calendar().monthdatescalendar(year, number)
        ]
        months.append(Month(number, weeks))
    return Year(year, covers(year), months, list(overrides.values()))


def _day(d: date, working: bool, override: CalendarOverride | None) -> Day:
    if override is not None:
        source, note = "override", override.note
    else:
        source, note = calendar.rule_source(d), ""
    return Day(d, working, source, note, holiday_name(d))


def set_day(actor: Actor, day: date, *, working: bool, note: str, now: datetime) -> int:
    """Make ``day`` a working day or a day off; returns how many open deadlines were counted
    across it (they are not recounted)."""
    _ensure_may_change(actor)
    with transaction.atomic():
        before = calendar.find_day(day)
        saved = calendar.set_day(day, working=working, note=note)
        payload = {"day": day.isoformat(), "working": _yes(working), "note": saved.note}
        if before is not None:
            payload["working_was"] = _yes(before.is_working_day)
            payload["note_was"] = before.note
        record(actor, "calendar_set", now, payload)
    return calendar.deadlines_spanning([day])


def remove_day(actor: Actor, day: date, *, now: datetime) -> int:
    """Remove the override of ``day`` (the package or Monday–Friday decides again); returns
    the open deadlines counted across it."""
    _ensure_may_change(actor)
    with transaction.atomic():
        before = calendar.find_day(day)
        if before is None:
            raise NotFound(
                f"{day} 没有人工设定", f"{day} has no entry", code="calendar_day_not_found"
            )
        calendar.remove_day(day)
        record(
            actor,
            "calendar_remove",
            now,
            {
                "day": day.isoformat(),
                "working_was": _yes(before.is_working_day),
                "note_was": before.note,
            },
        )
    return calendar.deadlines_spanning([day])


def _yes(working: bool) -> str:
    return "1" if working else "0"
