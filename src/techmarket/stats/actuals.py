"""Where an action plan's actual figures come from: the registry snapshot, the innovation-entity
register (`entities.counts`) or entered values; an entered value wins over a count (see
`stats.targets`, "Entity indicators")."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import duckdb

from techmarket.entities import counts
from techmarket.stats.engine import Scope, compute
from techmarket.stats.entries import entered_entries
from techmarket.stats.periods import Period
from techmarket.stats.targets import (
    ActualEntry,
    EnteredActuals,
    FigureSource,
    Indicator,
    Plan,
    merge_actuals,
    to_unit,
)

REGISTRY_MEASURES = {"count", "total_amount", "tech_amount"}


class PlanActuals:
    """Registry indicators read the snapshot month by month; entered ones the entered values.

    Entered values are the database's (``targets actual set``), which take precedence over the
    plan file's ``[[actuals]]`` for the same period; ``entered`` replaces the database's (tests).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        plan: Plan,
        as_of: date,
        entered: Iterable[ActualEntry] | None = None,
    ) -> None:
        if entered is None:
            entered = entered_entries(plan.code)
        self.con = con
        self.entered = EnteredActuals(merge_actuals(plan.actuals, entered))
        self.as_of = as_of

    def monthly(self, indicator: Indicator, year: int) -> Mapping[int, Decimal]:
        if indicator.source_kind == "entities":
            return self._entities(indicator, year)
        if indicator.source_kind != "registry":
            return self.entered.monthly(indicator, year)
        measure = indicator.measure or "total_amount"
        if measure not in REGISTRY_MEASURES:
            raise ValueError(f"指标 {indicator.code} 的统计量 {measure} 无法从登记数据计算")
        scope = Scope(
            Period("year", date(year, 1, 1), date(year, 12, 31), str(year)),
            region=indicator.region or "000000",
            view=indicator.view or "registered",
            as_of=self.as_of,
        )
        months: dict[int, Decimal] = {}
        for row in compute(self.con, "monthly", scope).rows:
            value = row[measure]
            month = int(str(row["code"])[5:7])
            months[month] = (
                Decimal(value) if measure == "count" else to_unit(Decimal(value), indicator.unit)
            )
        return months

    def _entities(self, indicator: Indicator, year: int) -> dict[int, Decimal]:
        """Counted months, with entered values winning: month by month for a level, the whole
        year for a flow (so a quarter is never added to its own counted months)."""
        entered = self.entered.monthly(indicator, year)
        if entered and not indicator.is_level:
            return dict(entered)
        counted = {m: Decimal(v) for m, v in entity_months(indicator, year, self.as_of).items()}
        return counted | dict(entered)

    def source_of(self, indicator: Indicator, year: int, month: int) -> FigureSource:
        """Which source gave an indicator's figure for ``month`` of ``year``."""
        if indicator.source_kind == "registry":
            return "registry"
        entered = self.entered.monthly(indicator, year)
        if indicator.source_kind != "entities":
            return "entered"
        if indicator.is_level:
            return "entered" if month in entered else "entities"
        return "entered" if entered else "entities"


def month_ends(year: int, as_of: date) -> list[date]:
    """The month ends of ``year`` through as_of's month, that month at as_of itself."""
    last = 12 if as_of.year > year else as_of.month if as_of.year == year else 0
    days = [date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, last + 1)]
    if days and as_of.year == year:
        days[-1] = as_of
    return days


def entity_months(indicator: Indicator, year: int, as_of: date) -> dict[int, int]:
    """Month → count of an entity indicator: a level's count on each month end (the current
    month at as_of), a flow's people or completions in each month (through as_of)."""
    source = indicator.entity
    if source is None:
        return {}
    levels = source.levels or None
    if source.measure in ("trained_people", "training_completions"):
        if year > as_of.year:
            return {}
        return counts.trained_by_month(
            year, source.region, levels, distinct=source.distinct_people, through=as_of
        )
    days = month_ends(year, as_of)
    count = counts.organisations if source.measure == "organisations" else counts.residents
    return dict(enumerate(count(source.entity, days, source.region, levels), start=1))
