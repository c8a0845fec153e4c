"""Where an action plan's actual figures come from: the registry snapshot or entered values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
from django.conf import settings

from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import Period
from techmarket.stats.targets import (
    EnteredActuals,
    Indicator,
    Plan,
    example_plans,
    load_plan,
    to_unit,
)

REGISTRY_MEASURES = {"count", "total_amount", "tech_amount"}


class PlanActuals:
    """Registry indicators read the snapshot month by month; entered ones the plan's entries."""

    def __init__(self, con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> None:
        self.con = con
        self.entered = EnteredActuals(plan.actuals)
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


def plans_dir() -> Path:
    return Path(settings.VAR_DIR) / "plans"


def save_plan(path: Path) -> Plan:
    """Check a plan file and keep a copy under var/plans/<code>.toml (replacing an older one)."""
    plan = load_plan(path)
    plans_dir().mkdir(parents=True, exist_ok=True)
    (plans_dir() / f"{plan.code}.toml").write_text(
        path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return plan


def find_plan(code_or_path: str) -> Plan:
    """A plan by code (imported ones first, then the shipped examples) or by file path."""
    path = Path(code_or_path)
    if path.suffix == ".toml" and path.exists():
        return load_plan(path)
    candidates = [plans_dir() / f"{code_or_path}.toml", *example_plans()]
    for candidate in candidates:
        if candidate.exists():
            plan = load_plan(candidate)
            if plan.code == code_or_path:
                return plan
    raise LookupError(code_or_path)
