"""Computing the standard tables from the snapshot: exact sums, growth, shares and ranks.

Sums are DECIMAL in DuckDB and Decimal in Python, so totals are exact; growth and shares are
computed from exact values and rounded once, for display (2 places, half up).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import duckdb

from techmarket.codes.regions import ROOT, full_name, is_within
from techmarket.exports.model import Column, TableResult
from techmarket.stats.levels import (
    LEVEL_NAMES,
    check_level,
    level_key_sql,
    level_note,
    municipal_fold,
)
from techmarket.stats.periods import Period, growth_pct, share_pct
from techmarket.stats.snapshot import contract_labels, region_rows
from techmarket.stats.tables import (
    ALL_TABLE_NAMES,
    TABLES,
    VIEWS,
    TableSpec,
    place_name,
    table_title,
)

MEASURE_COLUMNS = [
    Column("count", "合同数（项）", "contracts", "count"),
    Column("total_amount", "成交额（元）", "turnover (yuan)", "amount"),
    Column("tech_amount", "技术交易额（元）", "technology value (yuan)", "amount"),
    Column("avg_amount", "平均成交额（元）", "average turnover (yuan)", "amount"),
]
GROWTH_COLUMNS = [
    Column("count_yoy_pct", "合同数同比（%）", "count YoY %", "pct"),
    Column("total_amount_yoy_pct", "成交额同比（%）", "turnover YoY %", "pct"),
    Column("tech_amount_yoy_pct", "技术交易额同比（%）", "tech value YoY %", "pct"),
]
POP_COLUMNS = [
    Column("count_pop_pct", "合同数环比（%）", "count PoP %", "pct"),
    Column("total_amount_pop_pct", "成交额环比（%）", "turnover PoP %", "pct"),
    Column("tech_amount_pop_pct", "技术交易额环比（%）", "tech value PoP %", "pct"),
]
GDP_COLUMNS = [
    Column("gdp", "地区生产总值（元）", "GDP (yuan)", "amount"),
    Column("total_amount_gdp_pct", "成交额占 GDP 比重（%）", "turnover / GDP %", "pct"),
]
SHARE_COLUMNS = [
    Column("share_pct", "成交额占比（%）", "share of turnover %", "pct"),
    Column("rank", "位次", "rank", "rank"),
]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scope:
    """Which contracts a table covers: a period, a region in one regional view, as of a date."""

    period: Period
    region: str = "000000"
    view: str = "registered"
    as_of: date | None = None  # cancellations after this date do not remove a contract
    level: str | None = None  # by_region: every region at this level within; None: the children

    def __post_init__(self) -> None:
        if not (len(self.region) == 6 and self.region.isdecimal()):
            raise ValueError(f"地区代码须为 6 位数字：{self.region}")
        if self.view not in VIEWS:
            raise ValueError(f"口径须为 {' | '.join(VIEWS)}：{self.view}")
        check_level(self.region, self.level)  # a LevelError (a ValueError) with its own code


@functools.cache
def _current_region_codes() -> tuple[int, ...]:
    """Every code a snapshot's `*_current` column can hold (each code's current successor)."""
    return tuple(sorted({int(current) for _, current, _, _ in region_rows()}))


@functools.cache
def _within_sql(region: str, column: str) -> str:
    """`column` (a current region code) lies in `region`, by `codes.regions.is_within`.

    The one containment rule, compiled to SQL: the codes within the region, as one integer range
    when no code outside it falls between them (prefix containment always gives one), else as a
    list; a range lets DuckDB skip row groups by their min/max.
    """
    if region == ROOT:
        return "TRUE"
    codes = _current_region_codes()
    inside = [i for i, code in enumerate(codes) if is_within(f"{code:06d}", region)]
    if not inside:
        return "FALSE"
    first, last = inside[0], inside[-1]
    if last - first + 1 == len(inside):
        return f"{column} BETWEEN {codes[first]} AND {codes[last]}"
    return f"{column} IN ({', '.join(str(codes[i]) for i in inside)})"


def _region_filter(region: str, side: str) -> str:
    """Contracts whose region on one side lies in the region (the snapshot's current codes)."""
    return _within_sql(region, f"{side}_current")


def _side(view: str) -> str:
    return {"registered": "agency", "output": "seller", "absorbed": "buyer"}[view]


def _child_sql(region: str, side: str, level: str | None = None) -> str:
    """The group key one level below the region (provinces of China, cities of a province…),
    or at the level asked for (every city of China…; see `stats.levels`)."""
    if level is not None:
        return level_key_sql(level, side)
    if region == "000000":
        return f"{side}_province"
    if region.endswith("0000"):
        return f"COALESCE({side}_city, {side}_current)"
    return f"{side}_current"


def _flow_sql(region: str, view: str) -> str:
    """Where the other party is, relative to the region (output: the buyer; else the seller)."""
    other = "seller" if view == "absorbed" else "buyer"
    province = region[:2] + "0000"
    return (
        f"CASE WHEN {other}_country IN ('HKG', 'MAC', 'TWN') THEN 'hmt' "
        f"WHEN {other}_country <> 'CHN' THEN 'abroad' "
        f"WHEN {_region_filter(region, other)} THEN 'in_region' "
        f"WHEN {_region_filter(province, other)} THEN 'in_province' ELSE 'other_provinces' END"
    )


def _where(scope: Scope, period: Period) -> tuple[str, list[object]]:
    """The filter for contracts in scope: registered in the period, in the region, not cancelled."""
    as_of = scope.as_of or date.today()
    sql = (
        "registered_on BETWEEN ? AND ? "
        "AND (cancelled_on IS NULL OR cancelled_on > ?) "
        f"AND {_region_filter(scope.region, _side(scope.view))}"
    )
    return sql, [period.start, period.end, as_of]


Grouped = dict[str, tuple[int, Decimal, Decimal, str]]
Figures = tuple[int, Decimal, Decimal]  # count, 成交额, 技术交易额
YI = Decimal(10) ** 8  # yuan per 亿元


def _grouped(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, scope: Scope
) -> tuple[Grouped, Grouped, Grouped | None]:
    """The table's groups for the period, last year's same period (同比) and the previous one (环比).

    Plain scans: each prunes to its own dates (the snapshot is sorted by registration date),
    which measured faster than one scan with an OR of the windows. A year's previous period is
    the year before, so 同比 and 环比 share one scan; year to date has no previous period (None).
    """
    current = _scan(con, spec, scope)
    if not spec.growth:
        return current, {}, None
    last_year = scope.period.same_period_last_year()
    same_period = _scan(con, spec, replace(scope, period=last_year))
    previous = scope.period.previous()
    if previous is None:
        return current, same_period, None
    if previous == last_year:
        return current, same_period, same_period
    return current, same_period, _scan(con, spec, replace(scope, period=previous))


def _scan(con: duckdb.DuckDBPyConnection, spec: TableSpec, scope: Scope) -> Grouped:
    where, params = _where(scope, scope.period)
    key = spec.key_sql.format(
        child=_child_sql(scope.region, _side(scope.view), scope.level),
        flow=_flow_sql(scope.region, scope.view),
    )
    label = f"any_value({spec.label_sql})" if spec.label_sql else "''"
    sql = (
        f"SELECT {key} AS k, COUNT(*), SUM(total_amount), SUM(tech_amount), {label} "
        f"FROM facts WHERE {where} GROUP BY 1"
    )
    grouped = {
        str(k or ""): (int(n), Decimal(t or 0), Decimal(x or 0), str(lab or ""))
        for k, n, t, x, lab in con.execute(sql, params).fetchall()
    }
    fold = municipal_fold(scope.level, scope.region) if "{child}" in spec.key_sql else None
    return _folded(grouped, fold) if fold else grouped


def _folded(grouped: Grouped, fold: Callable[[str], str]) -> Grouped:
    """Groups merged under their folded keys (a municipality's districts into the city)."""
    merged: Grouped = {}
    for key, (count, total, tech, label) in grouped.items():
        into = fold(key) if key else key
        had = merged.get(into)
        merged[into] = (
            (had[0] + count, had[1] + total, had[2] + tech, had[3])
            if had
            else (count, total, tech, label)
        )
    return merged


def _columns(spec: TableSpec) -> list[Column]:
    columns = [Column("code", "代码", "code", "text"), Column("name", "名称", "name", "text")]
    columns += MEASURE_COLUMNS
    if spec.share_rank:
        columns += SHARE_COLUMNS
    if spec.gdp:
        columns += GDP_COLUMNS
    if spec.growth:
        columns += GROWTH_COLUMNS + POP_COLUMNS
    return columns


def _avg(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(CENT) if count else None


def _growth(
    kind: str, now: Figures, before: Figures | tuple[int, Decimal, Decimal, str] | None
) -> dict[str, object]:
    """``count_{kind}_pct`` and the two amounts' growth; null without a (non-zero) base."""
    return {
        f"count_{kind}_pct": growth_pct(now[0], before[0] if before else None),
        f"total_amount_{kind}_pct": growth_pct(now[1], before[1] if before else None),
        f"tech_amount_{kind}_pct": growth_pct(now[2], before[2] if before else None),
    }


def _gdp_yuan(scope: Scope, gdp: Mapping[str, Decimal] | None) -> dict[str, Decimal]:
    """GDP in yuan by region; only a whole year is compared with GDP (a yearly figure)."""
    if not gdp or not scope.period.is_whole_year:
        return {}
    return {region: value * YI for region, value in gdp.items()}


def compute(
    con: duckdb.DuckDBPyConnection,
    name: str,
    scope: Scope,
    *,
    gdp: Mapping[str, Decimal] | None = None,
) -> TableResult:
    """One standard table for a scope.

    ``gdp`` maps region codes to the GDP (亿元) of the scope's year, as entered (see
    ``stats.indicators.gdp_for``); tables that show 成交额占 GDP 比重 leave it null without one.
    """
    if name not in ALL_TABLE_NAMES:
        raise KeyError(name)
    if name == "monthly":
        return _monthly(con, scope)
    if name == "large_contracts":
        return _large(con, scope)
    if name == "flow_matrix":
        return _flow_matrix(con, scope)
    spec = TABLES[name]
    current, same_period, previous = _grouped(con, spec, scope)
    if name == "overview" and not current:  # an empty period still has a total: zero
        current = {"total": (0, Decimal("0.00"), Decimal("0.00"), "")}
    whole = sum((v[1] for v in current.values()), Decimal(0))
    ordered = sorted(current.items(), key=lambda item: (-item[1][1], item[0]))
    ranks = {code: index for index, (code, _) in enumerate(ordered, start=1)}
    if spec.order_by_key:
        ordered = sorted(current.items())
    if spec.limit:
        ordered = ordered[: spec.limit]
    gdp_yuan = _gdp_yuan(scope, gdp) if spec.gdp else {}
    rows: list[dict[str, object]] = []
    for code, (count, total, tech, label) in ordered:
        row: dict[str, object] = {
            "code": code,
            "name": label or spec.namer(code),
            "count": count,
            "total_amount": total,
            "tech_amount": tech,
            "avg_amount": _avg(total, count),
        }
        if spec.share_rank:
            row["share_pct"] = share_pct(total, whole)
            row["rank"] = ranks[code]
        if spec.gdp:
            region_gdp = gdp_yuan.get(scope.region if spec.gdp == "scope" else code)
            row["gdp"] = region_gdp
            row["total_amount_gdp_pct"] = share_pct(total, region_gdp)
        if spec.growth:
            figures = (count, total, tech)
            row.update(_growth("yoy", figures, same_period.get(code)))
            row.update(
                _growth("pop", figures, previous.get(code) if previous is not None else None)
            )
        rows.append(row)
    if spec.names_from:
        _relabel(con, spec.names_from, rows)
    notes = [_previous_note(scope.period)] if spec.growth else []
    if scope.level is not None and name == "by_region":
        notes.append(level_note(scope.level))
    if spec.gdp:
        notes += _gdp_notes(spec, scope, gdp_yuan, rows)
    return _result(name, scope, _columns(spec), rows, notes)


def _month_before(day: date) -> date:
    """The first day of the month before ``day``'s month (January → the previous December)."""
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add(into: dict[tuple[int, int], Figures], key: tuple[int, int], figures: Figures) -> None:
    had = into.get(key, (0, Decimal(0), Decimal(0)))
    into[key] = (had[0] + figures[0], had[1] + figures[1], had[2] + figures[2])


def _whole_months(period: Period) -> bool:
    """Whether the period starts on a month's first day and ends on a month's last."""
    return period.start.day == 1 and period.end == _month_end(period.end.year, period.end.month)


def _relabel(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    """Rows keyed by a snapshot id (a seller) get that table's display code and name."""
    ids = ", ".join(str(int(str(row["code"]))) for row in rows)
    if not ids:
        return
    found = {
        str(pk): (code, name)
        for pk, code, name in con.execute(
            f"SELECT id, code, name FROM {table} WHERE id IN ({ids})"
        ).fetchall()
    }
    for row in rows:
        row["code"], row["name"] = found.get(str(row["code"]), (row["code"], row["name"]))


def _monthly(con: duckdb.DuckDBPyConnection, scope: Scope) -> TableResult:
    """Each month of the period: the month, the running total, 同比 and 环比 (on the month before).

    One scan covers the period widened to whole months from the month before its first, and
    last year's same period. A date range that cuts months (on either side: a range to 28
    February 2025 compares with one to 28 February 2024) also groups by which window each
    contract falls in, so windows that overlap (longer than eleven months) still count each side
    on its own boundaries; whole-month periods group by month alone (cheaper).
    """
    period = scope.period
    earlier = period.same_period_last_year()
    widened = Period.for_range(
        _month_before(period.start), _month_end(period.end.year, period.end.month)
    )
    where_wide, params_wide = _where(scope, widened)
    where_before, params_before = _where(scope, earlier)
    split = not (_whole_months(period) and _whole_months(earlier))
    flags = "registered_on BETWEEN ? AND ?, registered_on BETWEEN ? AND ?" if split else "1, 1"
    sql = (
        f"SELECT year(registered_on), month(registered_on), {flags}, COUNT(*), "
        f"SUM(total_amount), SUM(tech_amount) FROM facts WHERE ({where_wide}) OR ({where_before}) "
        f"GROUP BY {'1, 2, 3, 4' if split else '1, 2'}"
    )
    flag_params = [period.start, period.end, earlier.start, earlier.end] if split else []
    ours, theirs = set(period.months()), set(earlier.months())
    in_period: dict[tuple[int, int], Figures] = {}
    last_year: dict[tuple[int, int], Figures] = {}
    whole_month: dict[tuple[int, int], Figures] = {}
    for y, m, now, before, n, t, x in con.execute(
        sql, flag_params + params_wide + params_before
    ).fetchall():
        figures = (int(n), Decimal(t), Decimal(x))
        _add(whole_month, (y, m), figures)
        if now if split else (y, m) in ours:
            _add(in_period, (y, m), figures)
        if before if split else (y, m) in theirs:
            _add(last_year, (y, m), figures)
    zero = (0, Decimal(0), Decimal(0))
    rows: list[dict[str, object]] = []
    cumulative = zero
    for year, month in period.months():
        now_figures = in_period.get((year, month), zero)
        cumulative = (
            cumulative[0] + now_figures[0],
            cumulative[1] + now_figures[1],
            cumulative[2] + now_figures[2],
        )
        first = date(year, month, 1)
        whole = period.start <= first and _month_end(year, month) <= period.end
        prior = _month_before(first)
        rows.append(
            {
                "code": f"{year}-{month:02d}",
                "name": f"{year}年{month}月",
                "count": now_figures[0],
                "total_amount": now_figures[1],
                "tech_amount": now_figures[2],
                "avg_amount": _avg(now_figures[1], now_figures[0]),
                "cumulative_count": cumulative[0],
                "cumulative_total_amount": cumulative[1],
                "cumulative_tech_amount": cumulative[2],
                **_growth("yoy", now_figures, last_year.get((year - 1, month))),
                # a month only partly in a date range is not compared with a whole month
                **_growth(
                    "pop",
                    now_figures,
                    whole_month.get((prior.year, prior.month)) if whole else None,
                ),
            }
        )
    columns = [
        Column("code", "月份", "month", "text"),
        Column("name", "名称", "name", "text"),
        *MEASURE_COLUMNS,
        Column("cumulative_count", "累计合同数", "cumulative count", "count"),
        Column("cumulative_total_amount", "累计成交额（元）", "cumulative turnover", "amount"),
        Column("cumulative_tech_amount", "累计技术交易额（元）", "cumulative tech value", "amount"),
        *GROWTH_COLUMNS,
        *POP_COLUMNS,
    ]
    return _result("monthly", scope, columns, rows)


def _large(con: duckdb.DuckDBPyConnection, scope: Scope) -> TableResult:
    where, params = _where(scope, scope.period)
    found = con.execute(
        f"SELECT f.id, s.name, f.registered_on, f.total_amount, f.tech_amount FROM facts f "
        f"LEFT JOIN sellers s ON s.id = f.seller_party WHERE {where} AND f.is_large "
        f"ORDER BY f.tech_amount DESC, f.id LIMIT 200",
        params,
    ).fetchall()
    labels = contract_labels([row[0] for row in found])
    rows = [
        {
            "code": labels.get(pk, ("", ""))[0],
            "name": labels.get(pk, ("", ""))[1],
            "seller_name": seller or "",
            "registered_on": on.isoformat(),
            "count": 1,
            "total_amount": Decimal(total),
            "tech_amount": Decimal(tech),
        }
        for pk, seller, on, total, tech in found
    ]
    columns = [
        Column("code", "登记编号", "registration number", "text"),
        Column("name", "合同名称", "contract", "text"),
        Column("seller_name", "卖方", "seller", "text"),
        Column("registered_on", "登记日期", "registered on", "text"),
        Column("total_amount", "成交额（元）", "turnover (yuan)", "amount"),
        Column("tech_amount", "技术交易额（元）", "technology value (yuan)", "amount"),
    ]
    return _result("large_contracts", scope, columns, rows)


def _place_sql(region: str, side: str) -> str:
    """Where one party is, for the flows between regions: the region's child it lies in (as
    by_region groups it), else its province, 港澳台 or abroad."""
    return (
        f"CASE WHEN {side}_country IN ('HKG', 'MAC', 'TWN') THEN 'hmt' "
        f"WHEN {side}_country <> 'CHN' THEN 'abroad' "
        f"WHEN {_region_filter(region, side)} THEN CAST({_child_sql(region, side)} AS VARCHAR) "
        f"ELSE CAST({side}_province AS VARCHAR) END"
    )


def _flow_matrix(con: duckdb.DuckDBPyConnection, scope: Scope) -> TableResult:
    """Seller's place → buyer's place for the contracts in scope (the view decides which
    contracts: registered in, sold from or bought into the region), largest turnover first."""
    where, params = _where(scope, scope.period)
    sql = (
        f"SELECT {_place_sql(scope.region, 'seller')} AS s, {_place_sql(scope.region, 'buyer')}"
        f" AS b, COUNT(*), SUM(total_amount), SUM(tech_amount) FROM facts WHERE {where} "
        "GROUP BY 1, 2"
    )
    found = [
        (str(s or ""), str(b or ""), int(n), Decimal(t or 0), Decimal(x or 0))
        for s, b, n, t, x in con.execute(sql, params).fetchall()
    ]
    whole = sum((row[3] for row in found), Decimal(0))
    found.sort(key=lambda row: (-row[3], row[0], row[1]))
    rows: list[dict[str, object]] = [
        {
            "code": f"{seller}→{buyer}",
            "seller_place": seller,
            "seller_place_name": place_name(seller),
            "buyer_place": buyer,
            "buyer_place_name": place_name(buyer),
            "count": count,
            "total_amount": total,
            "tech_amount": tech,
            "share_pct": share_pct(total, whole),
            "rank": rank,
        }
        for rank, (seller, buyer, count, total, tech) in enumerate(found, start=1)
    ]
    columns = [
        Column("seller_place", "卖方所在地代码", "seller's place code", "text"),
        Column("seller_place_name", "卖方所在地", "seller's place", "text"),
        Column("buyer_place", "买方所在地代码", "buyer's place code", "text"),
        Column("buyer_place_name", "买方所在地", "buyer's place", "text"),
        *MEASURE_COLUMNS[:3],
        *SHARE_COLUMNS,
    ]
    notes = [
        "所在地：在本地区内的按下一级地区，在本地区外的按省（区、市）、港澳台、境外。"
        " Places inside the region are its next level down; outside it, provinces, "
        "Hong Kong/Macao/Taiwan, or abroad."
    ]
    return _result("flow_matrix", scope, columns, rows, notes)


def _result(
    name: str,
    scope: Scope,
    columns: list[Column],
    rows: list[dict[str, object]],
    notes: list[str] | None = None,
) -> TableResult:
    title_zh, title_en = table_title(name)
    if scope.level is not None and name == "by_region":
        level_zh, level_en = LEVEL_NAMES[scope.level]
        title_zh, title_en = f"{title_zh}（{level_zh}排名）", f"{title_en} (all {level_en})"
    return TableResult(
        name,
        title_zh,
        title_en,
        scope.period.label,
        scope.region,
        scope.view,
        columns,
        rows,
        _notes(scope) + (notes or []),
        scope.level if name == "by_region" else None,
    )


def _gdp_notes(
    spec: TableSpec,
    scope: Scope,
    gdp_yuan: Mapping[str, Decimal],
    rows: list[dict[str, object]],
) -> list[str]:
    """What 成交额占 GDP 比重 was computed from, or why it is empty."""
    year = scope.period.start.year
    if not scope.period.is_whole_year:
        return [
            "成交额占 GDP 比重仅对整年计算（地区生产总值为年度数据），本期间为空。 / Turnover "
            "as a share of GDP is computed for whole years only (GDP is a yearly figure)."
        ]
    if spec.gdp == "row":
        return [
            f"各地区成交额占 GDP 比重 = 该地区成交额 ÷ 该地区 {year} 年地区生产总值，仅对已录入"
            f"当年 GDP 的地区给出（本表 {sum(1 for r in rows if r['gdp'] is not None)} 个地区"
            "已录入）。"
        ]
    value = gdp_yuan.get(scope.region)
    if value is None:
        return [
            f"未录入{full_name(scope.region)} {year} 年地区生产总值（GDP），成交额占 GDP 比重为空；"
            f"录入该年 GDP（亿元）后即可计算。 / No GDP entered for {scope.region} in {year}: "
            "the share of GDP is empty until it is entered."
        ]
    return [
        f"成交额占 GDP 比重 = 成交额 ÷ {full_name(scope.region)} {year} 年地区生产总值 "
        f"{(value / YI).normalize():f} 亿元（录入值），由精确值计算后保留两位小数。"
    ]


def _previous_note(period: Period) -> str:
    previous = period.previous()
    if previous is None:
        return "本期间为年初至某月累计，没有可比的上一期间，环比为空。"
    if previous == period.same_period_last_year():
        return f"本期间为整年，环比基期为上年 {previous.label}，与同比相同。"
    return f"本期间的环比基期为 {previous.label}（{previous.start}—{previous.end}）。"


def _notes(scope: Scope) -> list[str]:
    view_zh = VIEWS[scope.view][1]
    return [
        f"口径：{view_zh}；期间 {scope.period.label}（{scope.period.start}—{scope.period.end}）；"
        f"截至 {scope.as_of or date.today()} 已注销的合同不计入。",
        "成交额为合同成交总额；技术交易额为扣除非技术性费用后的金额。同比为与上年同期"
        "（相同口径和区域边界）相比；上年同期为 0 或无数据时同比为空。",
        "环比为与紧接其前、长度相同的上一期间相比（相同口径和区域边界）：年与上年、半年与上一个"
        "半年、季度与上季度、月与上月、日期区间与紧接其前同样天数的区间；年初至某月累计没有上一"
        "期间，环比为空；按月表中每月与上月相比（1 月与上年 12 月），只部分落在日期区间内的月份"
        "不计环比。上一期间为 0 或无数据时环比为空。 / Period-on-period (环比) growth compares "
        "with the adjacent earlier period of the same length; empty for year-to-date.",
    ]
