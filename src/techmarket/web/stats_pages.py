"""The analysts' statistics page: one standard table at a time, its chart above it, both
exportable; every choice (table, period, region, view, unit) lives in the URL.

The figures are the statistics engine's (`stats.queries.read_tables`), the same as
`techmarket stats table NAME --json` and the API; the page formats, it computes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from techmarket.codes.regions import children, full_name
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.exports.charts import VIEW_NAMES, chart_option
from techmarket.exports.sankey import sankey_svg
from techmarket.stats.access import readable_region
from techmarket.stats.agency_quality import agency_quality
from techmarket.stats.queries import parse_scope, read_tables
from techmarket.stats.table_cache import TableCache
from techmarket.stats.tables import ALL_TABLE_NAMES, table_title
from techmarket.web.access import with_actor
from techmarket.web.downloads import table_file, with_query
from techmarket.web.templatetags.web_format import english

# The tables as the engine titles them, for the table chooser.
TABLE_NAMES: dict[str, tuple[str, str]] = {name: table_title(name) for name in ALL_TABLE_NAMES}
UNITS: dict[str, tuple[Decimal, tuple[str, str]]] = {
    "wan": (Decimal(10000), ("万元", "10k yuan")),
    "yi": (Decimal(100000000), ("亿元", "100m yuan")),
    "yuan": (Decimal(1), ("元", "yuan")),
}
YUAN_SUFFIX = re.compile(r"\s*[（(](元|yuan)[）)]")
# by_region at one level across the area, as the press ranks ("second among all cities").
LEVELS: dict[str, tuple[str, str]] = {
    "": ("下一级地区", "the areas one level down"),
    "province": ("省级", "provinces"),
    "city": ("市级（直辖市计为市）", "cities (municipalities count as cities)"),
    "county": ("县级", "counties"),
}
# A table longer than this shows its first rows on screen and says so; the workbook and the PDF
# hold them all. A ranking of every county in China (about 2,800) would otherwise make a page of
# several megabytes (the page-weight limit is 1 MB with its scripts).
ROWS_ON_SCREEN = 300
# Tables whose rows are regions: a row opens the same table for that region (drill-down).
REGION_ROWS = frozenset({"by_region"})


def _amount(value: object, divisor: Decimal) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value)) / divisor
    places = Decimal("0.01") if divisor == 1 else Decimal("0.0001")
    return f"{number.quantize(places):,}"


def _body(result: Any, divisor: Decimal, query: QueryDict) -> str:
    """The table's rows as HTML, built here rather than cell by cell in the template: a county
    ranking has over a hundred rows of fifteen columns (35 ms a page through the template)."""
    drill = result.name in REGION_ROWS
    # A region row opens the same table for that region: the current query, another region.
    base = with_query(query, region=None) + ("&" if query.keys() - {"region"} else "") + "region="
    kinds = [(c.key, c.kind, ' class="num"' if c.kind != "text" else "") for c in result.columns]
    lines = []
    for row in result.rows[:ROWS_ON_SCREEN]:
        cells = []
        for key, kind, css in kinds:
            value = row.get(key)
            text = escape(
                _amount(value, divisor)
                if kind == "amount"
                else ("" if value is None else f"{value}")
            )
            if drill and key == "name" and row.get("code"):
                text = f'<a href="{escape(base + quote(str(row["code"])))}">{text}</a>'
            cells.append(f"<td{css}>{text}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(lines)


# The rows' HTML of a table this worker has shown: a table computed from one snapshot is one
# shared object (stats.table_cache), so the same object with the same unit and links gives the
# same HTML. The entry keeps the table itself, so its id is never another table's.
_shown = TableCache(max_entries=256)


def _rows_of(result: Any, divisor: Decimal, query: QueryDict) -> str:
    key = (id(result), divisor, query.urlencode())
    found = _shown.get(key)
    if found is not None and found[0] is result:
        return str(found[1])
    html = _body(result, divisor, query)
    _shown.put(key, (result, html))
    return html


@require_safe
@with_actor
def statistics(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    query = request.GET
    table = query.get("table", "by_type")
    if table not in ALL_TABLE_NAMES:
        raise NotFound(
            f"没有统计表 {table}", f"no statistics table {table}", code="statistics_table_not_found"
        )
    period = query.get("period") or str(timezone.localdate().year)
    view = query.get("view", "registered")
    unit = query.get("unit", "wan") if query.get("unit", "wan") in UNITS else "wan"
    region = readable_region(actor, query.get("region") or None)
    level = query.get("level") or None if table == "by_region" else None
    context: dict[str, Any] = {
        "level": level or "",
        "levels": LEVELS,
        "tables": TABLE_NAMES,
        "table": table,
        "period": period,
        "view": view,
        "views": VIEW_NAMES,
        "unit": unit,
        "units": {k: v[1] for k, v in UNITS.items()},
        "region": region,
        "region_name": full_name(region),
        "subregions": [(r.code, r.name) for r in children(region)],
        "own_region": actor.agency.region_code if actor.agency else "",
    }
    try:
        scope = parse_scope(period, region, view, level=level)
        read = read_tables(actor, [table], scope)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        context["error"] = error
        return render(request, "web/stats.html", context, status=422)
    result = read.tables[0]
    if query.get("format") in ("xlsx", "pdf"):
        kind = query["format"]
        return table_file(
            result,
            kind,
            f"{context['region_name']} {result.period} {result.title_zh}",
            f"{result.name}-{result.period}-{result.region}-{result.view}.{kind}",
        )
    divisor, unit_label = UNITS[unit]
    context.update(
        result=result,
        freshness=read.freshness,
        columns=[_heading(c, unit_label) for c in result.columns],
        rows=mark_safe(_rows_of(result, divisor, query)),  # every value escaped in _body
        rows_cut=len(result.rows) > ROWS_ON_SCREEN,
        rows_on_screen=ROWS_ON_SCREEN,
        chart=chart_option(result, context["region_name"], english=english()),
        # Drawn by the server (exports.sankey, which escapes every name): the bundled ECharts
        # has no Sankey series.
        sankey=mark_safe(sankey_svg(result.rows, english=english(), within=context["region_name"]))
        if result.name == "flow_matrix"
        else "",
        export_url=with_query(query, format="xlsx"),
        pdf_url=with_query(query, format="pdf"),
    )
    return render(request, "web/stats.html", context)


def _heading(column: Any, unit: tuple[str, str]) -> tuple[str, str, str]:
    """The column's label with the unit the page shows amounts in (UI.md: in the header)."""
    if column.kind != "amount":
        return column.label_zh, column.label_en, column.kind
    zh = YUAN_SUFFIX.sub("", column.label_zh)
    en = YUAN_SUFFIX.sub("", column.label_en)
    return f"{zh}（{unit[0]}）", f"{en} ({unit[1]})", column.kind


@require_safe
@with_actor
def agencies(request: HttpRequest) -> HttpResponse:
    """Agency service quality (the measure behind "excellent registration agencies"), ranked:
    `stats.agency_quality`, the same figures as `techmarket stats agencies`."""
    actor = request.actor  # type: ignore[attr-defined]
    period = request.GET.get("period") or str(timezone.localdate().year)
    region = request.GET.get("region") or None
    context: dict[str, Any] = {"period": period, "region": region or ""}
    try:
        context["agencies"] = agency_quality(actor, period, region, today=timezone.localdate())
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        context["error"] = error
        return render(request, "web/stats_agencies.html", context, status=422)
    return render(request, "web/stats_agencies.html", context)
