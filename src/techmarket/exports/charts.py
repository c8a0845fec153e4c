"""ECharts options for a statistics table: the chart shows what the table below it holds.

Pure data (no Django, no browser): the page embeds the option as JSON and the one chart
script draws it. Amounts are charted in 万元 (the table keeps exact yuan); the title names the
table, the period, the region and the view (UI.md), so a copied chart still says what it is.
"""

from __future__ import annotations

from decimal import Decimal

from techmarket.exports.model import TableResult

WAN = Decimal(10000)
# Tables whose rows are categories worth a bar each; monthly is a line; others get no chart.
BAR_TABLES = frozenset(
    {
        "by_type",
        "by_subtype",
        "by_field",
        "by_seller_nature",
        "by_seller_recognition",
        "by_buyer_nature",
        "by_ip_type",
        "by_plan_source",
        "by_region",
        "flows",
        "top_sellers",
    }
)
MOST_BARS = 30
VIEW_NAMES = {
    "registered": ("登记口径", "registered"),
    "output": ("输出口径", "output"),
    "absorbed": ("吸纳口径", "absorbed"),
}


def _wan(value: object) -> float:
    return float((Decimal(str(value or 0)) / WAN).quantize(Decimal("0.01")))


def _pct(value: object) -> float | None:
    """A growth rate for the chart; None (a gap in the line) where there is no base."""
    return None if value is None else float(Decimal(str(value)))


def chart_option(
    result: TableResult, region_name: str, *, english: bool = False
) -> dict[str, object] | None:
    """The ECharts option for the table, or None when a table is better read as a table."""
    if result.name not in BAR_TABLES and result.name != "monthly":
        return None
    if not result.rows:
        return None
    view = VIEW_NAMES.get(result.view, (result.view, result.view))[1 if english else 0]
    title = f"{result.period} {result.title_en if english else result.title_zh}"
    # A bar each for the largest categories only: a ranking of
    # thousands of counties is read in the table, not as thousands of bars.
    rows = result.rows
    if result.name != "monthly" and len(rows) > MOST_BARS:
        rows = sorted(rows, key=lambda r: -Decimal(str(r.get("total_amount") or 0)))[:MOST_BARS]
        title += f" (top {MOST_BARS})" if english else f"（前 {MOST_BARS} 名）"
    names = [str(row.get("name") or row.get("code") or "") for row in rows]
    total = [_wan(row.get("total_amount")) for row in rows]
    tech = [_wan(row.get("tech_amount")) for row in rows]
    labels = (
        ("Turnover (10k yuan)", "Technology value (10k yuan)")
        if english
        else (
            "成交额（万元）",
            "技术交易额（万元）",
        )
    )
    line = result.name == "monthly"
    option: dict[str, object] = {
        # Drawn on the canvas, not as HTML: the page's CSP allows no inline style.
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "title": {"text": title, "subtext": f"{region_name} · {view}", "left": "center"},
        "legend": {"top": 58, "data": list(labels)},
        "grid": {"top": 96, "left": 8, "right": 24, "bottom": 8, "containLabel": True},
        "series": [
            {"name": labels[0], "type": "line" if line else "bar", "data": total},
            {"name": labels[1], "type": "line" if line else "bar", "data": tech},
        ],
    }
    if (
        line
    ):  # the month's turnover growth on a second axis: 同比 (year on year), 环比 (month on month)
        growth = ("YoY %", "MoM %") if english else ("同比 %", "环比 %")
        option["legend"]["data"] = [*labels, *growth]  # type: ignore[index]
        option["series"] += [  # type: ignore[operator]
            {
                "name": growth[0],
                "type": "line",
                "yAxisIndex": 1,
                "lineStyle": {"type": "dashed"},
                "data": [_pct(row.get("total_amount_yoy_pct")) for row in result.rows],
            },
            {
                "name": growth[1],
                "type": "line",
                "yAxisIndex": 1,
                "lineStyle": {"type": "dotted"},
                "data": [_pct(row.get("total_amount_pop_pct")) for row in result.rows],
            },
        ]
        option["xAxis"] = {"type": "category", "data": names}
        option["yAxis"] = [
            {"type": "value"},
            {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        ]
        return option
    if len(names) <= 8:
        option["xAxis"] = {"type": "category", "data": names, "axisLabel": {"interval": 0}}
        option["yAxis"] = {"type": "value"}
    else:  # many categories: horizontal bars, the largest on top
        option["yAxis"] = {"type": "category", "data": names[::-1]}
        option["xAxis"] = {"type": "value"}
        for series in option["series"]:  # type: ignore[union-attr]
            series["data"] = series["data"][::-1]  # type: ignore[index]
    return option


def progress_chart_option(
    indicators: list[dict[str, object]], title: str, *, english: bool = False
) -> dict[str, object] | None:
    """A plan's indicators side by side in percent of their targets (units differ, percents
    do not): done so far, time elapsed (双过半: done should reach it) and the projection for
    the year, with the target at 100 %."""
    rows = [i for i in indicators if i.get("target") not in (None, "", "0", "0.00")]
    if not rows:
        return None

    def share(value: object, target: object) -> float | None:
        if value in (None, ""):
            return None
        return float((Decimal(str(value)) / Decimal(str(target)) * 100).quantize(Decimal("0.1")))

    labels = (
        ("Done %", "Time elapsed %", "Projected % of target")
        if english
        else ("完成进度 %", "时间进度 %", "全年预计 / 目标 %")
    )
    names = [f"{i['name']} {i['year']}" for i in rows]
    done = [_pct(i.get("completion_pct")) for i in rows]
    elapsed = [_pct(i.get("elapsed_pct")) for i in rows]
    projected = [share(i.get("projected"), i["target"]) for i in rows]
    # The axis reaches the target (100 %) even when every bar is short of it.
    widest = max([100.0, *(v for v in done + elapsed + projected if v is not None)])
    return {
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "title": {"text": title, "left": "center"},
        "legend": {"top": 40, "data": list(labels)},
        "grid": {"top": 80, "left": 8, "right": 40, "bottom": 8, "containLabel": True},
        "yAxis": {"type": "category", "data": names[::-1]},
        "xAxis": {
            "type": "value",
            "max": float(-(-widest // 10) * 10),
            "axisLabel": {"formatter": "{value}%"},
        },
        "series": [
            {
                "name": labels[0],
                "type": "bar",
                "data": done[::-1],
                "markLine": {
                    "symbol": "none",
                    "data": [{"xAxis": 100}],
                    "label": {"formatter": "100%"},
                },
            },
            {
                "name": labels[1],
                "type": "bar",
                "data": elapsed[::-1],
            },
            {
                "name": labels[2],
                "type": "bar",
                "data": projected[::-1],
            },
        ],
    }
