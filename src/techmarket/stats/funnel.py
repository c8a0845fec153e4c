"""The brokerage funnel: matches (leads proposed) → contacted → signed → registered contracts
and their 成交额 and 技术交易额, with conversion rates, by field, region, broker or month.

Each stage is counted in the period in which a lead reached it (its stage time), so a lead
proposed in December and signed in January counts as proposed in one year and signed in the
next; a rate within one period can therefore exceed 100% when earlier leads mature. Amounts are
those of the registered contracts the leads link, counted when the lead was linked. The leads
read are those the actor may read (market selectors): an agency's jurisdiction, a broker's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal, get_args

from django.utils import timezone

from techmarket.codes.lists import code_list
from techmarket.codes.regions import ROOT, full_name, get_region, parent_code
from techmarket.domain.lead_workflow import STAGES
from techmarket.domain.problems import DomainError
from techmarket.domain.workflow import Role
from techmarket.market.lead_selectors import funnel_facts
from techmarket.registry.actors import Actor
from techmarket.stats.access import AGENCY_ROLES, readable_region
from techmarket.stats.levels import LEVELS, MUNICIPALITIES
from techmarket.stats.periods import Period, PeriodError, parse_period, share_pct

FunnelBy = Literal["field", "region", "broker", "month"]
BY: tuple[str, ...] = get_args(FunnelBy)
ZERO = Decimal("0.00")
_MUNICIPAL = frozenset(code[:2] for code in MUNICIPALITIES)

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("key", "代码", "key"),
    ("name", "名称", "name"),
    ("proposed", "推荐对接", "matches (leads proposed)"),
    ("contacted", "已接洽", "contacted"),
    ("negotiating", "洽谈", "negotiating"),
    ("signed", "已签约", "signed"),
    ("registered", "登记合同数", "registered contracts"),
    ("total_amount", "成交额(元)", "contract value (yuan)"),
    ("tech_amount", "技术交易额(元)", "technology value (yuan)"),
    ("contact_rate", "接洽率(%)", "contacted / proposed %"),
    ("sign_rate", "签约率(%)", "signed / contacted %"),
    ("register_rate", "登记率(%)", "registered / signed %"),
    ("conversion", "总转化率(%)", "registered / proposed %"),
)


@dataclass
class FunnelRow:
    key: str
    name: str
    reached: dict[str, int] = field(default_factory=lambda: {str(s): 0 for s in STAGES})
    total_amount: Decimal = ZERO
    tech_amount: Decimal = ZERO

    def as_dict(self) -> dict[str, object]:
        r = self.reached
        return {
            "key": self.key,
            "name": self.name,
            **r,
            "total_amount": self.total_amount,
            "tech_amount": self.tech_amount,
            "contact_rate": share_pct(r["contacted"], r["proposed"]),
            "sign_rate": share_pct(r["signed"], r["contacted"]),
            "register_rate": share_pct(r["registered"], r["signed"]),
            "conversion": share_pct(r["registered"], r["proposed"]),
        }


@dataclass(frozen=True)
class FunnelReport:
    period: Period
    by: str
    level: str | None
    region: str | None
    rows: list[FunnelRow]
    total: FunnelRow

    def as_dict(self) -> dict[str, object]:
        return {
            "period": self.period.label,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "by": self.by,
            "level": self.level,
            "region": self.region,
            "columns": [{"key": k, "label": zh, "label_en": en} for k, zh, en in COLUMNS],
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def region_at_level(code: str, level: str) -> str:
    """The code a lead's region counts under at a level: its province, its prefecture-level
    city (a municipality's districts: the municipality; a county directly under its province:
    itself) or itself. A code recorded only above the level keeps its own code."""
    if not code or level == "county":
        return code
    if level == "province" or code.endswith("0000"):
        return code[:2] + "0000"
    if code[:2] in _MUNICIPAL:
        return code[:2] + "0000"
    region = get_region(code)
    if region is not None and region.level == "city":
        return code
    parent = parent_code(code)
    return parent if parent and not parent.endswith("0000") else code


def _local_bounds(period: Period) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _grouping(by: str, level: str) -> Callable[[dict[str, object], date], tuple[str, str]]:
    """(key, name) of a lead's stage reached on a date."""
    if by == "field":
        fields = code_list("tech_fields")
        return lambda fact, _: (
            str(fact["tech_field"]),
            fields.name_of(str(fact["tech_field"])) if fact["tech_field"] else "未填写",
        )
    if by == "region":

        def region(fact: dict[str, object], _: date) -> tuple[str, str]:
            key = region_at_level(str(fact["region_code"]), level)
            return key, full_name(key) if key else "未填写"

        return region
    if by == "broker":
        return lambda fact, _: (
            str(fact["broker_id"] or ""),
            str(fact["broker__name"] or "（无经纪人）"),
        )
    return lambda _, day: (f"{day:%Y-%m}", f"{day.year}年{day.month}月")


def _checked(by: str, level: str, period: str) -> Period:
    if by not in BY:
        raise DomainError(
            f"分组须为 {' | '.join(BY)}：{by}",
            f"group by one of {', '.join(BY)}, not {by!r}",
            code="unknown_funnel_grouping",
        )
    if level not in LEVELS:
        raise DomainError(
            f"地区层级须为 {' | '.join(LEVELS)}：{level}",
            f"the region level must be one of {', '.join(LEVELS)}: {level!r}",
            code="unknown_region_level",
        )
    try:
        return parse_period(period)
    except PeriodError as error:
        raise DomainError(error.message, error.message_en, code=error.code) from None


def _scope(actor: Actor, region: str | None) -> str | None:
    """The region asked for, checked against the jurisdiction of those who read statistics;
    brokers and organisations narrow their own leads with it."""
    if actor.role is Role.OPERATOR or actor.role in AGENCY_ROLES:
        scope = readable_region(actor, region)
        return None if scope == ROOT else scope
    return region or None


def funnel(
    actor: Actor,
    period: str,
    *,
    by: str = "field",
    level: str = "city",
    region: str | None = None,
) -> FunnelReport:
    """The funnel of the leads the actor may read, for a period (`2025`, `2025Q1`, `2025-03`
    …), grouped by technology field, region at a level, broker or month; rows in key order."""
    span = _checked(by, level, period)
    scope = _scope(actor, region)
    start, end = _local_bounds(span)
    group = _grouping(by, level)
    zone = timezone.get_current_timezone()
    rows: dict[str, FunnelRow] = {}
    total = FunnelRow("", "合计")
    for fact in funnel_facts(actor, start, end, region=scope):
        for stage in STAGES:
            reached = fact[f"{stage}_at"]
            if not isinstance(reached, datetime) or not start <= reached < end:
                continue
            key, name = group(fact, reached.astimezone(zone).date())
            row = rows.setdefault(key, FunnelRow(key, name))
            for target in (row, total):
                target.reached[str(stage)] += 1
                if stage == STAGES[-1]:
                    target.total_amount += fact["contract__total_amount"] or ZERO  # type: ignore[operator]
                    target.tech_amount += fact["contract__tech_amount"] or ZERO  # type: ignore[operator]
    ordered = [rows[key] for key in sorted(rows)]
    return FunnelReport(span, by, level if by == "region" else None, scope, ordered, total)
