"""Where an action plan's actual figures come from: the registry snapshot or entered values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import duckdb

from techmarket.stats.engine import Scope, compute
from techmarket.stats.entries import entered_entries
from techmarket.stats.periods import Period
from techmarket.stats.targets import (
    ActualEntry,
    EnteredActuals,
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
