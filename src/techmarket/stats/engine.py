"""Computing the standard tables from the snapshot: exact sums, growth, shares and ranks.

Sums are DECIMAL in DuckDB and Decimal in Python, so totals are exact; growth and shares are
computed from exact values and rounded once, for display (2 places, half up).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import duckdb

from techmarket.exports.model import Column, TableResult
from techmarket.stats.periods import Period, growth_pct, share_pct
from techmarket.stats.tables import ALL_TABLE_NAMES, TABLES, VIEWS, TableSpec, table_title

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

    def __post_init__(self) -> None:
        if not (len(self.region) == 6 and self.region.isdigit()):
            raise ValueError(f"地区代码须为 6 位数字：{self.region}")
        if self.view not in VIEWS:
            raise ValueError(f"口径须为 {' | '.join(VIEWS)}：{self.view}")


def _region_filter(region: str, side: str) -> str:
    """Membership of a region at its own level, on one side's roll-up columns."""
    if region == "000000":
        return "TRUE"
    if region.endswith("0000"):
        return f"{side}_province = '{region}'"
    if region.endswith("00"):
        return f"{side}_city = '{region}'"
    return f"{side}_current = '{region}'"


def _side(view: str) -> str:
    return {"registered": "agency", "output": "seller", "absorbed": "buyer"}[view]


def _child_sql(region: str, side: str) -> str:
    """The group key one level below the region (provinces of China, cities of a province…)."""
    if region == "000000":
        return f"{side}_province"
    if region.endswith("0000"):
        return f"COALESCE(NULLIF({side}_city, ''), {side}_current)"
    return f"{side}_current"


def _flow_sql(region: str, view: str) -> str:
    """Where the other party is, relative to the region (output: the buyer; else the seller)."""
    other = "seller" if view == "absorbed" else "buyer"
    province = region[:2] + "0000"
    return (
        f"CASE WHEN {other}_country IN ('HKG', 'MAC', 'TWN') THEN 'hmt' "
        f"WHEN {other}_country <> 'CHN' THEN 'abroad' "
        f"WHEN {_region_filter(region, other)} THEN 'in_region' "
        f"WHEN {other}_province = '{province}' THEN 'in_province' ELSE 'other_provinces' END"
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


def _grouped(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, scope: Scope, previous: Period | None
) -> tuple[Grouped, Grouped]:
    """The table's groups for the period and for the comparison period.

    Two plain scans: each prunes to its own dates (the snapshot is sorted by registration
    date), which measured faster than one scan with an OR of both windows.
    """
    current = _scan(con, spec, scope)
    before = _scan(con, spec, replace(scope, period=previous)) if previous else {}
    return current, before


def _scan(con: duckdb.DuckDBPyConnection, spec: TableSpec, scope: Scope) -> Grouped:
    where, params = _where(scope, scope.period)
    key = spec.key_sql.format(
        child=_child_sql(scope.region, _side(scope.view)), flow=_flow_sql(scope.region, scope.view)
    )
    label = f"any_value({spec.label_sql})" if spec.label_sql else "''"
    sql = (
        f"SELECT {key} AS k, COUNT(*), SUM(total_amount), SUM(tech_amount), {label} "
        f"FROM facts WHERE {where} GROUP BY 1"
    )
    return {
        str(k or ""): (int(n), Decimal(t or 0), Decimal(x or 0), str(lab or ""))
        for k, n, t, x, lab in con.execute(sql, params).fetchall()
    }


def _columns(spec_growth: bool, spec_share: bool) -> list[Column]:
    columns = [Column("code", "代码", "code", "text"), Column("name", "名称", "name", "text")]
    columns += MEASURE_COLUMNS
    if spec_share:
        columns += SHARE_COLUMNS
    if spec_growth:
        columns += GROWTH_COLUMNS
    return columns


def _avg(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(CENT) if count else None


def compute(con: duckdb.DuckDBPyConnection, name: str, scope: Scope) -> TableResult:
    """One standard table for a scope."""
    if name not in ALL_TABLE_NAMES:
        raise KeyError(name)
    if name == "monthly":
        return _monthly(con, scope)
    if name == "large_contracts":
        return _large(con, scope)
    spec = TABLES[name]
    current, previous = _grouped(
        con, spec, scope, scope.period.same_period_last_year() if spec.growth else None
    )
    whole = sum((v[1] for v in current.values()), Decimal(0))
    ordered = sorted(current.items(), key=lambda item: (-item[1][1], item[0]))
    ranks = {code: index for index, (code, _) in enumerate(ordered, start=1)}
    if spec.order_by_key:
        ordered = sorted(current.items())
    if spec.limit:
        ordered = ordered[: spec.limit]
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
        if spec.growth:
            before = previous.get(code)
            row["count_yoy_pct"] = growth_pct(count, before[0] if before else None)
            row["total_amount_yoy_pct"] = growth_pct(total, before[1] if before else None)
            row["tech_amount_yoy_pct"] = growth_pct(tech, before[2] if before else None)
        rows.append(row)
    if name == "overview" and not rows:
        rows.append(_empty_total(previous.get("total")))
    return _result(name, scope, _columns(spec.growth, spec.share_rank), rows)


def _empty_total(before: tuple[int, Decimal, Decimal, str] | None) -> dict[str, object]:
    """An empty period still has a total: zero, with growth from the prior year when it exists."""
    return {
        "code": "total",
        "name": "合计",
        "count": 0,
        "total_amount": Decimal("0.00"),
        "tech_amount": Decimal("0.00"),
        "avg_amount": None,
        "count_yoy_pct": growth_pct(0, before[0] if before else None),
        "total_amount_yoy_pct": growth_pct(Decimal(0), before[1] if before else None),
        "tech_amount_yoy_pct": growth_pct(Decimal(0), before[2] if before else None),
    }


def _monthly(con: duckdb.DuckDBPyConnection, scope: Scope) -> TableResult:
    """Each month of the period: the month, the running total, and growth on the same month."""
    earlier = scope.period.same_period_last_year()
    where_now, params_now = _where(scope, scope.period)
    where_before, params_before = _where(scope, earlier)
    sql = (
        "SELECT year(registered_on), month(registered_on), COUNT(*), SUM(total_amount), "
        f"SUM(tech_amount) FROM facts WHERE ({where_now}) OR ({where_before}) GROUP BY 1, 2"
    )
    found = {
        (y, m): (int(n), Decimal(t), Decimal(x))
        for y, m, n, t, x in con.execute(sql, params_now + params_before).fetchall()
    }
    zero = (0, Decimal(0), Decimal(0))
    rows: list[dict[str, object]] = []
    cumulative = [0, Decimal(0), Decimal(0)]
    for year, month in scope.period.months():
        now = found.get((year, month), zero)
        before = found.get((year - 1, month))
        cumulative = [cumulative[0] + now[0], cumulative[1] + now[1], cumulative[2] + now[2]]
        rows.append(
            {
                "code": f"{year}-{month:02d}",
                "name": f"{year}年{month}月",
                "count": now[0],
                "total_amount": now[1],
                "tech_amount": now[2],
                "avg_amount": _avg(now[1], now[0]),
                "cumulative_count": cumulative[0],
                "cumulative_total_amount": cumulative[1],
                "cumulative_tech_amount": cumulative[2],
                "count_yoy_pct": growth_pct(now[0], before[0] if before else None),
                "total_amount_yoy_pct": growth_pct(now[1], before[1] if before else None),
                "tech_amount_yoy_pct": growth_pct(now[2], before[2] if before else None),
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
    ]
    return _result("monthly", scope, columns, rows)


def _large(con: duckdb.DuckDBPyConnection, scope: Scope) -> TableResult:
    where, params = _where(scope, scope.period)
    found = con.execute(
        f"SELECT registration_number, name, seller_name, registered_on, total_amount, "
        f"tech_amount FROM facts WHERE {where} AND is_large ORDER BY tech_amount DESC, "
        f"registration_number LIMIT 200",
        params,
    ).fetchall()
    rows = [
        {
            "code": number,
            "name": name,
            "seller_name": seller,
            "registered_on": on.isoformat(),
            "count": 1,
            "total_amount": Decimal(total),
            "tech_amount": Decimal(tech),
        }
        for number, name, seller, on, total, tech in found
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


def _result(
    name: str, scope: Scope, columns: list[Column], rows: list[dict[str, object]]
) -> TableResult:
    title_zh, title_en = table_title(name)
    return TableResult(
        name,
        title_zh,
        title_en,
        scope.period.label,
        scope.region,
        scope.view,
        columns,
        rows,
        _notes(scope),
    )


def _month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


def _notes(scope: Scope) -> list[str]:
    view_zh = VIEWS[scope.view][1]
    return [
        f"口径：{view_zh}；期间 {scope.period.label}（{scope.period.start}—{scope.period.end}）；"
        f"截至 {scope.as_of or date.today()} 已注销的合同不计入。",
        "成交额为合同成交总额；技术交易额为扣除非技术性费用后的金额。同比为与上年同期"
        "（相同口径和区域边界）相比；上年同期为 0 或无数据时同比为空。",
    ]
