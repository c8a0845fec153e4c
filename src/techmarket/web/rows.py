"""Contract rows as the tables show them: the row plus its working days to the deadline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from techmarket.codes.workdays import WorkingCalendar
from techmarket.registry.contract_list import ContractRow
from techmarket.registry.services import working_calendar


@dataclass(frozen=True)
class TableRow:
    row: ContractRow
    days_left: int | None  # working days to the deadline; negative when overdue


def table_rows(rows: Iterable[ContractRow], today: date) -> list[TableRow]:
    rows = list(rows)
    if not any(r.deadline for r in rows):
        return [TableRow(r, None) for r in rows]
    calendar = working_calendar()
    return [TableRow(r, days_left(calendar, today, r.deadline)) for r in rows]


def days_left(calendar: WorkingCalendar, today: date, deadline: date | None) -> int | None:
    """Working days from today to the deadline: 0 on the day, negative once past."""
    return None if deadline is None else calendar.working_days_between(today, deadline)
