"""Contract rows as the tables show them: the row plus its working days to the deadline.

The queue shows fifty rows on every page a registrar opens all day; rendered through the
template engine they cost most of the page's time (docs/performance.md), so each row's HTML
is built here with `format_html` (every value escaped) and the template places the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from techmarket.codes.workdays import WorkingCalendar
from techmarket.registry.contract_list import ContractRow
from techmarket.registry.services import recent_working_calendar
from techmarket.web.templatetags.web_format import deadline, money, status_badge, tr


@dataclass(frozen=True)
class TableRow:
    row: ContractRow
    days_left: int | None  # working days to the deadline; negative when overdue


def table_rows(rows: Iterable[ContractRow], today: date) -> list[TableRow]:
    rows = list(rows)
    if not any(r.deadline for r in rows):
        return [TableRow(r, None) for r in rows]
    calendar = recent_working_calendar()
    return [TableRow(r, days_left(calendar, today, r.deadline)) for r in rows]


def days_left(calendar: WorkingCalendar, today: date, deadline: date | None) -> int | None:
    """Working days from today to the deadline: 0 on the day, negative once past."""
    return None if deadline is None else calendar.working_days_between(today, deadline)


def rows_html(rows: Iterable[TableRow], *, selectable: bool) -> SafeString:
    """The <tr> of each row: name and number, status, parties, value, signing date, deadline;
    with a check box for batch steps where the reader may take them."""
    select, large = tr("选择", "Select"), tr("重大", "large")
    return format_html_join(
        "\n",
        '<tr>{}<td><a href="/contracts/{}/" data-row-link>{}</a><br>'
        '<small class="mono">{}</small>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="num">{}</td><td class="nowrap">{}</td><td class="nowrap">{}</td></tr>',
        (
            (
                format_html(
                    '<td><input type="checkbox" name="ids" value="{}" aria-label="{} {}"></td>',
                    t.row.id,
                    select,
                    t.row.name,
                )
                if selectable
                else "",
                t.row.id,
                t.row.name,
                t.row.registration_number or f"#{t.row.id}",
                format_html(' <span class="tag">{}</span>', large) if t.row.is_large else "",
                status_badge(t.row.status),
                t.row.seller_name,
                t.row.buyer_name,
                money(t.row.tech_amount),
                t.row.signed_on.isoformat(),
                deadline(t.row.deadline, t.days_left),
            )
            for t in rows
        ),
    )
