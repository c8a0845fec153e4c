"""Plan targets (e.g. a three-year action plan) and progress against them as of a date.

Plans are TOML data files (``stats/plans/*.toml``) so the bureau can add one without code. Each
indicator has yearly targets, a unit, a direction and a source: the registry (the stats engine
supplies monthly figures) or entered actuals (by month, quarter or year). ``progress`` answers the
bureau's mid-year question "时间过半、任务过半" and projects the year-end value from the region's
own seasonal pattern.

Choices, stated once:

* **Which months count.** The actual to date is the sum of months 1 … as_of's month as the caller
  supplies them; nothing is prorated. A month counts once as_of falls in it, with whatever figure
  the caller gives for it (the registry's month-to-date, or an entered value). For an exact cut-off
  evaluate at a month end. A quarterly entry is booked in the quarter's last month, so it counts
  from that month on (the figure is only known when the quarter closes).
* **Flows and levels.** Amounts that accumulate over the year (成交额, value added, people trained)
  are summed ("sum"). Shares (unit %) and stocks (enterprise counts, recognised centres) are levels:
  summing them is meaningless, so the latest month's value through as_of is the actual and is
  compared with the target directly ("latest"). Unit % is always a level; other units default to
  "sum" and a plan file says ``aggregation = "latest"`` for stocks.
* **Entered actuals.** A plan file may carry ``[[actuals]]``; values entered later (stored in
  the database, ``targets actual set``) take precedence over the file's for the same period. One
  indicator uses one granularity (month, quarter or year) per year, so a quarter is never added
  to its own months; where the database and the file differ in granularity for an indicator and
  year, the database's entries replace the file's for that year. A year's value is booked in
  December, like a quarter's in its last month.
* **Entity indicators.** ``source = { kind = "entities", entity = …, measure = … }`` counts from
  the innovation-entity register (``entities.counts``): organisations and residents are levels
  (the count at each month end, the current month at as_of), people trained and training
  completions are flows (per month). Entered values stay possible for them and win where both
  exist: for a level, an entered month replaces the computed value of that month; for a flow,
  entered values for a year replace the computed months of that year (a quarter is never added
  to computed months). ``Progress.source`` says which one the figure came from.
* **Direction.** "increase": higher is better. "decrease": the target is a ceiling, so the
  comparisons are mirrored (completion at or below the time share is good).
"""

from __future__ import annotations

import calendar
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol

from techmarket.domain import entities as entity_rules
from techmarket.stats.periods import PeriodError

Direction = Literal["increase", "decrease"]
SourceKind = Literal["registry", "entered", "entities"]
#: Where a progress figure came from: the registry, the entity register or entered values.
FigureSource = Literal["registry", "entities", "entered"]
Aggregation = Literal["sum", "latest"]
Granularity = Literal["month", "quarter", "year"]
Status = Literal["ahead", "on_track", "at_risk", "behind", "no_target", "no_data"]

UNITS = ("亿元", "万元", "元", "项", "家", "人", "个", "%")
_YUAN_PER_UNIT = {"亿元": Decimal(10) ** 8, "万元": Decimal(10) ** 4, "元": Decimal(1)}
VIEWS = ("registered", "output", "absorbed")
#: What an entity indicator counts; the first two are levels, the others flows.
ENTITY_MEASURES = ("organisations", "residents", "trained_people", "training_completions")
ENTITY_LEVEL_MEASURES = ("organisations", "residents")
#: The entity named by the training measures (transfer professionals: market broker profiles).
TRAINED_ENTITY = "trained_person"

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
#: Percentage points either side of the time share that still count as "on track".
ON_TRACK_BAND = Decimal(5)
#: A projection within this share of the target is "at risk" rather than "behind".
AT_RISK_SHARE = Decimal("0.9")
#: The date from which the mid-year idiom applies (half the time has passed).
MID_YEAR = (6, 30)
#: English month names, fixed (calendar.month_name follows the process locale).
_MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _round2(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def to_unit(value_in_yuan: Decimal | int, unit: str) -> Decimal:
    """Registry amounts are yuan; plan money indicators are in 亿元 or 万元 (exact, unrounded)."""
    if unit not in _YUAN_PER_UNIT:
        raise ValueError(f"不是货币单位 / not a money unit: {unit!r} (亿元, 万元, 元)")
    return Decimal(value_in_yuan) / _YUAN_PER_UNIT[unit]


# -- plans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntitySource:
    """What an entity indicator counts: a kind of recognition (or trained_person), its levels
    (empty: any), the region, the measure and the statuses counted (in force: recognised)."""

    entity: str
    measure: str
    region: str
    levels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("recognised",)

    @property
    def distinct_people(self) -> bool:
        return self.measure == "trained_people"


@dataclass(frozen=True)
class Indicator:
    """One plan indicator with its yearly targets (Decimal, in ``unit``)."""

    code: str
    name: str
    unit: str
    direction: Direction
    responsible: tuple[str, ...]
    source_kind: SourceKind
    measure: str | None
    view: str | None
    region: str | None
    targets: Mapping[int, Decimal] = field(hash=False)
    aggregation: Aggregation = "sum"
    entity: EntitySource | None = None

    @property
    def is_level(self) -> bool:
        return self.aggregation == "latest"


@dataclass(frozen=True)
class ActualEntry:
    """An entered actual, booked at one month: a quarter's at its last month, a year's at December."""

    indicator: str
    year: int
    month: int
    value: Decimal
    granularity: Granularity = "month"

    @property
    def period(self) -> str:
        """The period as entered: ``2020-06``, ``2020-Q2`` or ``2020``."""
        if self.granularity == "year":
            return f"{self.year:04d}"
        if self.granularity == "quarter":
            return f"{self.year:04d}-Q{self.month // 3}"
        return f"{self.year:04d}-{self.month:02d}"


ENTRY_PERIOD_FORMS = "YYYY-MM（月）、YYYY-Qn（季度）、YYYY（年）"
ENTRY_PERIOD_FORMS_EN = "YYYY-MM (month), YYYY-Qn (quarter), YYYY (year)"
_ENTRY_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_ENTRY_QUARTER = re.compile(r"(\d{4})-?Q(\d)")
_ENTRY_YEAR = re.compile(r"(\d{4})")


def parse_entry_period(text: str) -> tuple[int, int, Granularity]:
    """(year, booked month, granularity) of an entered actual's period; `PeriodError` (a
    ValueError) if malformed."""
    t = text.strip().upper()
    if m := _ENTRY_MONTH.fullmatch(t):
        year, month, granularity = int(m[1]), int(m[2]), "month"
        ok = 1 <= month <= 12
    elif m := _ENTRY_QUARTER.fullmatch(t):
        year, month, granularity = int(m[1]), 3 * int(m[2]), "quarter"
        ok = 1 <= int(m[2]) <= 4
    elif m := _ENTRY_YEAR.fullmatch(t):
        year, month, granularity = int(m[1]), 12, "year"
        ok = True
    else:
        ok = False
    if not ok or year < 1000:
        raise PeriodError(
            f"无法识别的期间 {text!r}；可用格式：{ENTRY_PERIOD_FORMS}",
            f"unrecognised period {text!r}; accepted forms: {ENTRY_PERIOD_FORMS_EN}",
        )
    return year, month, granularity  # type: ignore[return-value]


def merge_actuals(
    from_file: Iterable[ActualEntry], entered: Iterable[ActualEntry]
) -> list[ActualEntry]:
    """A plan file's actuals overridden by entered ones (see the module notes for the rule)."""
    stored = list(entered)
    by_year: dict[tuple[str, int], set[str]] = {}
    for e in stored:
        by_year.setdefault((e.indicator, e.year), set()).add(e.granularity)
    taken = {(e.indicator, e.year, e.month) for e in stored}
    kept = [
        e
        for e in from_file
        if (e.indicator, e.year, e.month) not in taken
        and by_year.get((e.indicator, e.year), {e.granularity}) == {e.granularity}
    ]
    return kept + stored


@dataclass(frozen=True)
class Plan:
    """A plan with its indicators; ``actuals`` are entered figures shipped in the file."""

    code: str
    name: str
    region: str
    indicators: tuple[Indicator, ...]
    source_note: str = ""
    actuals: tuple[ActualEntry, ...] = ()

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


class PlanError(ValueError):
    """A plan file that breaks the rules, said in Chinese and in English apart (`str` joins them).

    `code` names the kind of defect for front ends: `plan_not_toml`, `plan_incomplete`,
    `plan_invalid_field`, `plan_duplicate`.
    """

    def __init__(self, message: str, message_en: str, code: str = "plan_invalid_field") -> None:
        super().__init__(f"{message} / {message_en}")
        self.message = message
        self.message_en = message_en
        self.code = code


# Where in the plan a defect is: (Chinese, English), e.g. ("指标 x", "indicator x").
Where = tuple[str, str]


def _err(where: Where, field_name: str, why: str, why_en: str) -> PlanError:
    return PlanError(
        f"{where[0]} 的 {field_name} 字段{why}", f"field {field_name!r} of {where[1]}: {why_en}"
    )


def _text(raw: Mapping[str, Any], key: str, where: Where, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _err(where, key, "缺失或为空", "missing or empty text")
    return value.strip()


def _number(value: object, where: Where, field_name: str) -> Decimal:
    """Exact Decimal from a TOML string or integer; floats are refused as inexact."""
    if isinstance(value, (bool, float)):
        raise _err(
            where,
            field_name,
            f'请写成字符串以保持精确，如 "13.5"：{value!r}',
            f'write {value!r} as a string, e.g. "13.5"',
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    raise _err(where, field_name, f"不是数值：{value!r}", f"not a number: {value!r}")


def _region(value: object, where: Where, field_name: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{6}", value):
        raise _err(
            where,
            field_name,
            f"须为6位行政区划代码：{value!r}",
            f"must be a 6-digit GB/T 2260 code: {value!r}",
        )
    return value


def _targets(raw: object, where: Where) -> dict[int, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise _err(where, "targets", "缺少年度目标", "no yearly targets")
    out: dict[int, Decimal] = {}
    for key, value in raw.items():
        if not re.fullmatch(r"\d{4}", str(key)):
            raise _err(
                where, "targets", f"年份须为四位数：{key!r}", f"year must have 4 digits: {key!r}"
            )
        number = _number(value, where, f"targets.{key}")
        if number <= 0:
            raise _err(
                where,
                f"targets.{key}",
                f"目标须为正数：{value!r}",
                f"target must be positive: {value!r}",
            )
        out[int(key)] = number
    return dict(sorted(out.items()))


def _indicator(raw: object, index: int, plan_region: str) -> Indicator:
    if not isinstance(raw, Mapping):
        raise PlanError(f"第 {index} 个指标不是表", f"indicator #{index} is not a table")
    code = raw.get("code")
    where = (
        (f"指标 {code}", f"indicator {code}")
        if code
        else (
            f"第 {index} 个指标",
            f"indicator #{index}",
        )
    )
    code = _text(raw, "code", where)
    name = _text(raw, "name", where)
    unit = raw.get("unit")
    if unit not in UNITS:
        raise _err(
            where,
            "unit",
            f"无效单位 {unit!r}；可用：{'、'.join(UNITS)}",
            f"invalid unit {unit!r}; accepted: {', '.join(UNITS)}",
        )
    direction = raw.get("direction", "increase")
    if direction not in ("increase", "decrease"):
        raise _err(
            where,
            "direction",
            f"须为 increase 或 decrease：{direction!r}",
            f"must be increase or decrease: {direction!r}",
        )
    responsible = raw.get("responsible", [])
    if not isinstance(responsible, list) or not all(isinstance(r, str) and r for r in responsible):
        raise _err(where, "responsible", "须为单位名称列表", "must be a list of unit names")
    source = raw.get("source")
    if not isinstance(source, Mapping) or source.get("kind") not in SOURCE_KINDS:
        raise _err(
            where,
            "source",
            '须为 {kind = "registry" | "entered" | "entities"}',
            "kind must be registry, entered or entities",
        )
    entity = _entity_source(source, where, plan_region) if source["kind"] == "entities" else None
    stock = unit == "%" or (entity is not None and entity.measure in ENTITY_LEVEL_MEASURES)
    aggregation = raw.get("aggregation", "latest" if stock else "sum")
    if aggregation not in ("sum", "latest"):
        raise _err(
            where,
            "aggregation",
            f"须为 sum 或 latest：{aggregation!r}",
            f"must be sum or latest: {aggregation!r}",
        )
    if unit == "%" and aggregation != "latest":
        raise _err(where, "aggregation", "百分比不能累加", "a percentage cannot be summed")
    if entity is not None:
        _check_entity_fit(entity, unit, aggregation, where)
    measure = view = region = None
    if source["kind"] == "registry":
        measure = _text(source, "measure", where)
        view = source.get("view", "registered")
        if view not in VIEWS:
            raise _err(
                where,
                "source.view",
                f"须为 {'、'.join(VIEWS)} 之一：{view!r}",
                f"must be one of {', '.join(VIEWS)}: {view!r}",
            )
        region = _region(source.get("region", plan_region), where, "source.region")
    return Indicator(
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        responsible=tuple(responsible),
        source_kind=source["kind"],
        measure=measure,
        view=view,
        region=region,
        targets=MappingProxyType(_targets(raw.get("targets"), where)),
        aggregation=aggregation,
        entity=entity,
    )


SOURCE_KINDS = ("registry", "entered", "entities")


def _names(values: Iterable[str]) -> tuple[str, str]:
    values = list(values)
    return "、".join(values), ", ".join(values)


def _entity_source(source: Mapping[str, Any], where: Where, plan_region: str) -> EntitySource:
    """An entity source checked field by field: kind of recognition, measure, levels, region."""
    measure = source.get("measure", "organisations")
    if measure not in ENTITY_MEASURES:
        zh, en = _names(ENTITY_MEASURES)
        raise _err(
            where,
            "source.measure",
            f"须为 {zh} 之一：{measure!r}",
            f"must be one of {en}: {measure!r}",
        )
    training = measure not in ENTITY_LEVEL_MEASURES
    entity = source.get("entity", TRAINED_ENTITY if training else None)
    if training and entity != TRAINED_ENTITY:
        raise _err(
            where,
            "source.entity",
            f"培训人数按 {TRAINED_ENTITY} 统计：{entity!r}",
            f"training measures count {TRAINED_ENTITY}: {entity!r}",
        )
    kind = entity_rules.kind_of(entity) if isinstance(entity, str) else None
    if not training and kind is None:
        zh, en = _names(entity_rules.KINDS)
        raise _err(
            where,
            "source.entity",
            f"未知的认定类别 {entity!r}；可用：{zh}",
            f"unknown recognition kind {entity!r}; known: {en}",
        )
    if measure == "residents" and kind is not None and not kind.counts_residents:
        zh, en = _names(k.code for k in entity_rules.KINDS.values() if k.counts_residents)
        raise _err(
            where,
            "source.entity",
            f"{kind.zh}没有在孵企业；在孵企业按 {zh} 统计",
            f"a {kind.en} keeps no residents; residents count for {en}",
        )
    known_levels = entity_rules.TRAINING_LEVELS if training else entity_rules.LEVELS
    levels = source.get("levels", [])
    if not isinstance(levels, list) or any(level not in known_levels for level in levels):
        zh, en = _names(known_levels)
        raise _err(
            where,
            "source.levels",
            f"须为级别列表（{zh}），省略则不限：{levels!r}",
            f"must be a list of levels ({en}), or left out for any: {levels!r}",
        )
    statuses = source.get("statuses", ["recognised"])
    if statuses != ["recognised"] or (training and "statuses" in source):
        raise _err(
            where,
            "source.statuses",
            f'只统计有效（["recognised"]）的认定，培训人数不按状态：{statuses!r}',
            f'only recognitions in force (["recognised"]) are counted, and training measures '
            f"take no statuses: {statuses!r}",
        )
    unknown = sorted(set(source) - {"kind", "entity", "measure", "levels", "region", "statuses"})
    if unknown:
        raise _err(
            where,
            f"source.{unknown[0]}",
            "不是创新主体来源的字段（entity、measure、levels、region、statuses）",
            "is no field of an entities source (entity, measure, levels, region, statuses)",
        )
    return EntitySource(
        entity=str(entity),
        measure=measure,
        region=_region(source.get("region", plan_region), where, "source.region"),
        levels=tuple(sorted(levels)),
        statuses=("recognised",),
    )


def _check_entity_fit(entity: EntitySource, unit: str, aggregation: str, where: Where) -> None:
    """Counts are whole organisations or people; stocks are levels and flows are summed."""
    if unit not in ("家", "个", "人", "项"):
        raise _err(
            where,
            "unit",
            f"创新主体指标为计数，单位须为 家、个、人 或 项：{unit!r}",
            f"an entity indicator is a count: unit 家, 个, 人 or 项, not {unit!r}",
        )
    wanted = "latest" if entity.measure in ENTITY_LEVEL_MEASURES else "sum"
    if aggregation != wanted:
        raise _err(
            where,
            "aggregation",
            f"{entity.measure} 为{'存量，取最新值' if wanted == 'latest' else '流量，按月累加'}，"
            f'须为 "{wanted}"：{aggregation!r}',
            f"{entity.measure} is a {'stock (latest value)' if wanted == 'latest' else 'flow'}"
            f': aggregation must be "{wanted}", not {aggregation!r}',
        )


def _actual(raw: object, index: int, indicators: Mapping[str, Indicator]) -> ActualEntry:
    where = (f"第 {index} 条实际值", f"actuals #{index}")
    if not isinstance(raw, Mapping):
        raise PlanError(f"{where[0]}不是表", f"{where[1]} is not a table")
    code = raw.get("indicator")
    ind = indicators.get(code) if isinstance(code, str) else None
    if ind is None:
        raise _err(where, "indicator", f"未知指标 {code!r}", f"unknown indicator {code!r}")
    if ind.source_kind == "registry":
        raise _err(
            where,
            "indicator",
            f"{code} 取自登记库，不能录入",
            f"{code} comes from the registry",
        )
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999:
        raise _err(where, "year", f"须为四位年份：{year!r}", f"must be a 4-digit year: {year!r}")
    month, quarter = raw.get("month"), raw.get("quarter")
    if (month is None) == (quarter is None):
        raise _err(
            where, "month", "须且仅须给出 month 或 quarter", "give exactly one of month, quarter"
        )
    if quarter is not None:
        if quarter not in (1, 2, 3, 4) or isinstance(quarter, bool):
            raise _err(where, "quarter", f"须为 1–4：{quarter!r}", f"must be 1–4: {quarter!r}")
        month = 3 * quarter
    elif month not in range(1, 13) or isinstance(month, bool):
        raise _err(where, "month", f"须为 1–12：{month!r}", f"must be 1–12: {month!r}")
    granularity: Granularity = "month" if quarter is None else "quarter"
    return ActualEntry(code, year, month, _number(raw.get("value"), where, "value"), granularity)


def load_plan(path_or_text: Path | str) -> Plan:
    """Read a plan from a path, or from TOML text (a str containing a newline).

    Raises ValueError in Chinese and English naming the indicator and field at fault.
    """
    if isinstance(path_or_text, Path) or "\n" not in path_or_text:
        return parse_plan(Path(path_or_text).read_text(encoding="utf-8"))
    return parse_plan(path_or_text)


def parse_plan(text: str) -> Plan:
    """A plan from its TOML text; `PlanError` (a ValueError) naming what is wrong.

    Parsed once per text (a Plan is frozen): the bureau's first page lists the plans on
    every visit."""
    return _parse_plan(text)


@functools.lru_cache(maxsize=64)
def _parse_plan(text: str) -> Plan:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(
            f"计划文件不是有效的 TOML：{exc}",
            f"the plan file is not valid TOML: {exc}",
            "plan_not_toml",
        ) from None
    head = doc.get("plan")
    if not isinstance(head, Mapping):
        raise PlanError("缺少 [plan] 表", "missing [plan] table", "plan_incomplete")
    where = ("[plan]", "[plan]")
    region = _region(head.get("region"), where, "region")
    raw_indicators = doc.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise PlanError("缺少 [[indicators]]", "the plan has no [[indicators]]", "plan_incomplete")
    indicators = tuple(_indicator(raw, i, region) for i, raw in enumerate(raw_indicators, 1))
    by_code = {ind.code: ind for ind in indicators}
    if len(by_code) != len(indicators):
        dupes = sorted(
            {i.code for i in indicators if sum(j.code == i.code for j in indicators) > 1}
        )
        raise PlanError(
            f"指标代码重复：{'、'.join(dupes)}",
            f"duplicate indicator codes: {', '.join(dupes)}",
            "plan_duplicate",
        )
    actuals = tuple(_actual(raw, i, by_code) for i, raw in enumerate(doc.get("actuals", []), 1))
    seen: set[tuple[str, int, int]] = set()
    for a in actuals:
        if (a.indicator, a.year, a.month) in seen:
            raise PlanError(
                f"实际值重复：{a.indicator} {a.year}-{a.month:02d}",
                f"duplicate actual for {a.indicator} {a.year}-{a.month:02d}",
                "plan_duplicate",
            )
        seen.add((a.indicator, a.year, a.month))
    return Plan(
        code=_text(head, "code", where),
        name=_text(head, "name", where),
        region=region,
        indicators=indicators,
        source_note=_text(head, "source_note", where, required=False),
        actuals=actuals,
    )


def example_plans() -> list[Path]:
    """The plan files shipped with the package, sorted by name."""
    folder = resources.files("techmarket.stats").joinpath("plans")
    return sorted(Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml"))


# -- actuals ------------------------------------------------------------------------------


class Actuals(Protocol):
    """Monthly figures for an indicator, in its unit; supplied by the caller."""

    def monthly(self, indicator: Indicator, year: int) -> Mapping[int, Decimal]:
        """Month → value: for a flow the month's own amount, for a level the value at month end."""
        ...


def figure_source(actuals: Actuals, indicator: Indicator, year: int, month: int) -> FigureSource:
    """Where the figure of a month came from; actuals that know (``source_of``) say so, others
    follow the indicator's source (an entity indicator without them: entered values)."""
    source_of = getattr(actuals, "source_of", None)
    if source_of is not None:
        return source_of(indicator, year, month)
    return "registry" if indicator.source_kind == "registry" else "entered"


class EnteredActuals:
    """Actuals from stored entries (a plan file's ``[[actuals]]`` or the database)."""

    def __init__(self, entries: Iterable[ActualEntry]) -> None:
        self._by_key: dict[tuple[str, int], dict[int, Decimal]] = {}
        for e in entries:
            months = self._by_key.setdefault((e.indicator, e.year), {})
            if e.month in months:
                raise ValueError(
                    f"实际值重复 / duplicate actual for {e.indicator} {e.year}-{e.month:02d}"
                )
            months[e.month] = e.value

    def monthly(self, indicator: Indicator, year: int) -> Mapping[int, Decimal]:
        return dict(self._by_key.get((indicator.code, year), {}))


# -- progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where one indicator stands on ``as_of`` against its target for that year."""

    indicator: Indicator
    year: int
    as_of: date
    target: Decimal | None
    actual: Decimal
    completion_pct: Decimal | None
    elapsed_pct: Decimal
    verdict: str
    projected: Decimal | None
    projection_method: str
    status: Status
    history_years_used: tuple[int, ...] = ()
    source: FigureSource = "entered"


def _elapsed_fraction(as_of: date) -> Decimal:
    """Days of the year through as_of (1 January counts as one) ÷ days in the year."""
    days_in_year = 366 if calendar.isleap(as_of.year) else 365
    return Decimal(as_of.timetuple().tm_yday) / days_in_year


def elapsed_pct(as_of: date) -> Decimal:
    """Share of the year gone by the end of as_of, in percent (2 places; leap years count 366)."""
    return _round2(_elapsed_fraction(as_of) * _HUNDRED)


def _pct(value: Decimal) -> str:
    return f"{_round2(value)}%"


def _seasonal_share(
    indicator: Indicator, actuals: Actuals, year: int, month: int, history_years: int
) -> tuple[Decimal | None, tuple[int, ...]]:
    """Mean share of months 1..month in the full year, over earlier years that have data."""
    shares: list[Decimal] = []
    used: list[int] = []
    for y in range(year - 1, year - history_years - 1, -1):
        data = actuals.monthly(indicator, y)
        total = sum((data.get(m, Decimal(0)) for m in range(1, 13)), Decimal(0))
        if total <= 0:
            continue
        shares.append(
            sum((data.get(m, Decimal(0)) for m in range(1, month + 1)), Decimal(0)) / total
        )
        used.append(y)
    if not shares:
        return None, ()
    mean = sum(shares, Decimal(0)) / len(shares)
    return (mean, tuple(sorted(used))) if mean > 0 else (None, ())


def _project_flow(
    indicator: Indicator, actuals: Actuals, as_of: date, actual: Decimal, history_years: int
) -> tuple[Decimal, str, tuple[int, ...]]:
    share, used = _seasonal_share(indicator, actuals, as_of.year, as_of.month, history_years)
    if share is not None:
        years = "、".join(str(y) for y in used)
        years_en = ", ".join(str(y) for y in used)
        months_zh = "1 月" if as_of.month == 1 else f"1—{as_of.month} 月"
        months_en = "January" + ("" if as_of.month == 1 else f"–{_MONTHS_EN[as_of.month]}")
        return (
            actual / share,
            f"按本地区季节规律推算：{years} 年 {months_zh}占全年的平均比重为 {_pct(share * 100)}，"
            f"全年预计 = 累计值 ÷ 该比重 / Seasonal pattern of the region: {months_en} made up "
            f"{_pct(share * 100)} of the full year on average in {years_en}; projected year-end = "
            f"actual to date ÷ that share.",
            used,
        )
    fraction = _elapsed_fraction(as_of)
    return (
        actual / fraction,
        f"无可用往年数据，按时间进度线性推算：全年预计 = 累计值 ÷ 时间进度 {_pct(fraction * 100)} / "
        f"No usable earlier years' data: linear projection, actual to date ÷ elapsed share of the year "
        f"{_pct(fraction * 100)}.",
        (),
    )


def _status(
    indicator: Indicator, completion: Decimal, pace: Decimal, projected: Decimal, target: Decimal
) -> Status:
    """Compare completion with the pace it should have (time share; 100 for a level).

    Increase: ahead ≥ pace + 5, on_track ≥ pace − 5, at_risk if projected ≥ 90 % of target.
    Decrease (a ceiling), mirrored: ahead ≤ pace − 5, on_track ≤ pace + 5, at_risk if
    projected ≤ 110 % of target, otherwise behind.
    """
    if indicator.direction == "increase":
        if completion >= pace + ON_TRACK_BAND:
            return "ahead"
        if completion >= pace - ON_TRACK_BAND:
            return "on_track"
        return "at_risk" if projected >= AT_RISK_SHARE * target else "behind"
    if completion <= pace - ON_TRACK_BAND:
        return "ahead"
    if completion <= pace + ON_TRACK_BAND:
        return "on_track"
    return "at_risk" if projected <= (2 - AT_RISK_SHARE) * target else "behind"


def _flow_verdict(indicator: Indicator, as_of: date, completion: Decimal, elapsed: Decimal) -> str:
    """The mid-year idiom; comparisons use the exact percentages, the text the rounded ones."""
    pace = (
        f"完成进度 {_round2(completion)}%，时间进度 {_round2(elapsed)}% / "
        f"completion {_round2(completion)}%, time elapsed {_round2(elapsed)}%"
    )
    if indicator.direction == "decrease":
        within = completion <= elapsed
        return (
            f"上限型指标，累计{'未超过' if within else '已超过'}时间进度 / ceiling indicator, "
            f"use {'within' if within else 'ahead of'} the time share: {pace}"
        )
    if (as_of.month, as_of.day) >= MID_YEAR:
        if completion >= 50:
            return f"时间过半、任务过半（达到）/ half the time, half the task: met — {pace}"
        return f"时间过半、任务未过半（未达到）/ half the time, half the task: not met — {pace}"
    keeping_up = completion >= elapsed
    return (
        f"时间未过半，完成进度{'不低于' if keeping_up else '低于'}时间进度 / before mid-year, "
        f"completion {'keeps pace with' if keeping_up else 'lags'} time — {pace}"
    )


def _level_verdict(indicator: Indicator, month: int, actual: Decimal, target: Decimal) -> str:
    met = actual >= target if indicator.direction == "increase" else actual <= target
    return (
        f"水平指标：{month} 月最新值 {actual}{indicator.unit}，目标 {target}{indicator.unit}，"
        f"{'已达到' if met else '尚未达到'} / level indicator: latest value {actual} {indicator.unit} "
        f"(month {month}) against target {target} {indicator.unit}: {'met' if met else 'not yet met'}"
    )


def _level_progress(
    indicator: Indicator, as_of: date, data: Mapping[int, Decimal], target: Decimal | None
) -> Progress:
    elapsed = elapsed_pct(as_of)
    months = [m for m in data if 1 <= m <= as_of.month]
    method = (
        "水平指标取截至当月的最新值，不累加，全年预计即该值 / Level indicator: the latest value "
        "through as_of is the actual and the projection; values are not summed."
    )
    if not months:
        verdict = "截至当月无数据 / no value reported yet this year"
        return Progress(
            indicator,
            as_of.year,
            as_of,
            target,
            Decimal(0),
            None,
            elapsed,
            verdict,
            None,
            method,
            "no_data",
        )
    latest = max(months)
    actual = data[latest]
    if target is None:
        return Progress(
            indicator,
            as_of.year,
            as_of,
            None,
            actual,
            None,
            elapsed,
            f"{as_of.year} 年无目标 / no target for {as_of.year}",
            actual,
            method,
            "no_target",
        )
    completion = actual / target * _HUNDRED
    status = _status(indicator, completion, _HUNDRED, actual, target)
    return Progress(
        indicator,
        as_of.year,
        as_of,
        target,
        actual,
        _round2(completion),
        elapsed,
        _level_verdict(indicator, latest, actual, target),
        actual,
        method,
        status,
    )


def _flow_progress(
    indicator: Indicator, as_of: date, actuals: Actuals, target: Decimal | None, history_years: int
) -> Progress:
    data = actuals.monthly(indicator, as_of.year)
    actual = sum((data.get(m, Decimal(0)) for m in range(1, as_of.month + 1)), Decimal(0))
    elapsed = _elapsed_fraction(as_of) * _HUNDRED
    projected, method, used = _project_flow(indicator, actuals, as_of, actual, history_years)
    if target is None:
        return Progress(
            indicator,
            as_of.year,
            as_of,
            None,
            actual,
            None,
            _round2(elapsed),
            f"{as_of.year} 年无目标 / no target for {as_of.year}",
            _round2(projected),
            method,
            "no_target",
            used,
        )
    # Bands and verdict compare exact percentages: 499.99 of 1000 is not "half", though it
    # displays as 50.00 %.
    completion = actual / target * _HUNDRED
    return Progress(
        indicator,
        as_of.year,
        as_of,
        target,
        actual,
        _round2(completion),
        _round2(elapsed),
        _flow_verdict(indicator, as_of, completion, elapsed),
        _round2(projected),
        method,
        _status(indicator, completion, elapsed, projected, target),
        used,
    )


def progress(
    plan: Plan, *, as_of: date, actuals: Actuals, history_years: int = 3
) -> list[Progress]:
    """Progress of every indicator of ``plan`` in as_of's year, in plan order."""
    if history_years < 0:
        raise ValueError("history_years must be ≥ 0")
    out: list[Progress] = []
    for ind in plan.indicators:
        target = ind.targets.get(as_of.year)
        if ind.is_level:
            data = actuals.monthly(ind, as_of.year)
            found = _level_progress(ind, as_of, data, target)
            months = [m for m in data if 1 <= m <= as_of.month]
            month = max(months) if months else as_of.month
        else:
            found = _flow_progress(ind, as_of, actuals, target, history_years)
            month = as_of.month
        out.append(replace(found, source=figure_source(actuals, ind, as_of.year, month)))
    return out
