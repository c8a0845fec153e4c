"""Entered actuals of plan indicators (those whose source is "entered"), kept with their history.

A value is entered for a month (2020-06), a quarter (2020-Q2) or a year (2020); entering a period
again supersedes the earlier value, and withdrawing one keeps it in the history. These values take
precedence over a plan file's ``[[actuals]]`` for the same period (``targets.merge_actuals``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from techmarket.domain.problems import DomainError, NotFound
from techmarket.stats import history
from techmarket.stats.models import EnteredActual
from techmarket.stats.periods import PeriodError
from techmarket.stats.targets import ActualEntry, Indicator, Plan, parse_entry_period

GRANULARITY_ZH = {"month": "按月", "quarter": "按季度", "year": "按年"}


def entered_indicator(plan: Plan, code: str) -> Indicator:
    """The plan's indicator ``code``, refused when the registry computes it (entered and entity
    indicators take entered values)."""
    # Entity indicators count from the register, and an entered figure wins where both exist.
    entered = [ind.code for ind in plan.indicators if ind.source_kind != "registry"]
    try:
        indicator = plan.indicator(code)
    except KeyError:
        listing = ", ".join(entered) or "—"
        raise NotFound(
            f"计划 {plan.code} 没有指标 {code}；可录入的指标：{listing}",
            f"plan {plan.code} has no indicator {code}; indicators to enter: {listing}",
            code="indicator_not_in_plan",
            plan=plan.code,
            indicator=code,
        ) from None
    if indicator.source_kind == "registry":
        raise DomainError(
            f"指标 {code}（{indicator.name}）由登记数据计算，不能录入；可录入的指标："
            f"{', '.join(entered) or '—'}",
            f"indicator {code} ({indicator.name}) is computed from the registry and cannot be "
            f"entered; indicators to enter: {', '.join(entered) or '—'}",
            code="indicator_not_entered",
            plan=plan.code,
            indicator=code,
        )
    return indicator


def _entry(indicator: str, period: str) -> ActualEntry:
    """The canonical period of an entry (value left 0), or a readable refusal."""
    try:
        year, month, granularity = parse_entry_period(period)
    except PeriodError as error:
        raise DomainError(error.message, error.message_en, code=error.code, period=period) from None
    return ActualEntry(indicator, year, month, Decimal(0), granularity)


def _refuse_mixed_granularity(plan: Plan, new: ActualEntry) -> None:
    """One granularity per indicator and year, or a quarter would be added to its own months."""
    others = [
        a.period
        for a in (*plan.actuals, *entered_entries(plan.code))
        if a.indicator == new.indicator and a.year == new.year and a.granularity != new.granularity
    ]
    if others:
        periods = "、".join(sorted(set(others)))
        raise DomainError(
            f"指标 {new.indicator} 的 {new.year} 年已有其他粒度的实际值（{periods}），不能再"
            f"{GRANULARITY_ZH[new.granularity]}录入；同一年只用一种粒度，以免重复计数",
            f"{new.indicator} already has {new.year} values of another granularity ({periods}); "
            "use one granularity per year so nothing is counted twice",
            code="mixed_granularity",
            indicator=new.indicator,
            year=new.year,
            periods=sorted(set(others)),
        )


def set_actual(
    plan: Plan,
    indicator: str,
    period: str,
    value: str | Decimal,
    *,
    user: str,
    now: datetime,
    note: str = "",
) -> tuple[EnteredActual, bool]:
    """Enter an actual; the value in force for that period, if any, is superseded (kept)."""
    unit = entered_indicator(plan, indicator).unit
    entry = _entry(indicator, period)
    number = history.entered_number(value, f"实际值（{unit}）", f"value ({unit})")
    with transaction.atomic():  # the granularity check sees what the write replaces
        _refuse_mixed_granularity(plan, entry)
        return history.replace(
            EnteredActual,
            {"plan_code": plan.code, "indicator": indicator, "period": entry.period},
            {"value": number, "note": note},
            user=user,
            now=now,
        )


def remove_actual(
    plan: Plan, indicator: str, period: str, *, user: str, now: datetime
) -> EnteredActual:
    """Withdraw the value in force for a period (it stays in the history)."""
    entered_indicator(plan, indicator)
    entry = _entry(indicator, period)
    return history.withdraw(
        EnteredActual,
        {"plan_code": plan.code, "indicator": indicator, "period": entry.period},
        user=user,
        now=now,
    )


def actual_rows(plan_code: str, *, include_history: bool = False) -> list[EnteredActual]:
    """Entered actuals of a plan, in force only unless the history is asked for."""
    rows = EnteredActual.objects.filter(plan_code=plan_code)
    if not include_history:
        rows = rows.filter(superseded_at__isnull=True)
    return list(rows)


def entered_entries(plan_code: str) -> list[ActualEntry]:
    """The values in force as entries for progress (booked at the period's last month)."""
    out = []
    for row in actual_rows(plan_code):
        year, month, granularity = parse_entry_period(row.period)
        out.append(ActualEntry(row.indicator, year, month, row.value, granularity))
    return out
