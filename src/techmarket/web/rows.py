"""Contract rows as the tables show them: the row plus its working days to the deadline.

The queue shows fifty rows on every page a registrar opens all day; rendered through the
template engine they cost most of the page's time (docs/performance.md), so each row's HTML
is built here (every value escaped) and the template places the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from techmarket.codes.workdays import WorkingCalendar
from techmarket.domain.risk_signals import severity
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


def _signal_tag(label: str, score: int | None) -> str:
    """A contract's highest risk-signal score as a tag, coloured by severity."""
    if score is None:
        return ""
    return f' <span class="tag signal {severity(score)}" title="{label}">{label} {score}</span>'


def rows_html(rows: Iterable[TableRow], *, selectable: bool) -> SafeString:
    """The <tr> of each row: name and number, status, parties, value, signing date, deadline;
    with a check box for batch steps where the reader may take them.

    Each text is escaped once with the standard library's `html.escape`; Django's
    `format_html` escaped the twenty values of a row through its lazy-string wrappers at about
    ten times the cost (a thousand calls a page: measured, 4 of the queue page's 24 ms).
    """
    select = escape(tr("选择", "Select"))
    large = f' <span class="tag">{escape(tr("重大", "large"))}</span>'
    signal = escape(tr("风险信号", "risk signal"))
    badges: dict[str, str] = {}
    html = []
    for item in rows:
        row = item.row
        name = escape(row.name)
        check = (
            f'<td><input type="checkbox" name="ids" value="{row.id}" '
            f'aria-label="{select} {name}"></td>'
            if selectable
            else ""
        )
        if row.status not in badges:
            badges[row.status] = status_badge(row.status)
        html.append(
            f'<tr>{check}<td><a href="/contracts/{row.id}/" data-row-link>{name}</a><br>'
            f'<small class="mono">{escape(row.registration_number or f"#{row.id}")}</small>'
            f"{large if row.is_large else ''}{_signal_tag(signal, row.risk_score)}</td>"
            f"<td>{badges[row.status]}</td>"
            f"<td>{escape(row.seller_name)}</td><td>{escape(row.buyer_name)}</td>"
            f'<td class="num">{escape(money(row.tech_amount))}</td>'
            f'<td class="nowrap">{row.signed_on.isoformat()}</td>'
            f'<td class="nowrap">{deadline(row.deadline, item.days_left)}</td></tr>'
        )
    return mark_safe("\n".join(html))
