"""转化漏斗: the brokerage funnel of the leads the reader may read (`stats.funnel.funnel`, the
same report as the API and `techmarket market funnel`), every choice in the URL, and the table
on screen as a workbook. The page formats; it computes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.exports.model import Column, TableResult
from techmarket.stats.funnel import BY, COLUMNS, FunnelReport, funnel
from techmarket.stats.levels import LEVEL_NAMES, LEVELS
from techmarket.web.access import with_actor
from techmarket.web.downloads import table_file, with_query
from techmarket.web.templatetags.web_format import pick

GROUPINGS: dict[str, tuple[str, str]] = {
    "field": ("技术领域", "technology field"),
    "region": ("地区", "region"),
    "broker": ("技术经纪人", "broker"),
    "month": ("月份", "month"),
}
_KINDS = {
    "key": "text",
    "name": "text",
    "total_amount": "amount",
    "tech_amount": "amount",
}


def _kind(key: str) -> str:
    if key in _KINDS:
        return _KINDS[key]
    return "pct" if key.endswith(("_rate", "conversion")) else "count"


def funnel_table(report: FunnelReport) -> TableResult:
    """The report as the exports take a table (rows once, many renderers), the total last."""
    total = {**report.total.as_dict(), "name": "合计"}
    return TableResult(
        name="lead_funnel",
        title_zh="对接转化漏斗",
        title_en="Brokerage funnel",
        period=report.period.label,
        region=report.region or "000000",
        view=f"by {report.by}",
        columns=[Column(k, zh, en, _kind(k)) for k, zh, en in COLUMNS],  # type: ignore[arg-type]
        rows=[*(row.as_dict() for row in report.rows), total],
    )


@require_safe
@with_actor
def funnel_page(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    query = request.GET
    period = (query.get("period") or str(timezone.localdate().year))[:40]
    by = query.get("by") or "field"
    level = query.get("level") or "city"
    region = (query.get("region") or "")[:6]
    context: dict[str, Any] = {
        "period": period,
        "by": by,
        "level": level,
        "region": region,
        "groupings": {k: GROUPINGS[k] for k in BY},
        "levels": {k: LEVEL_NAMES[k] for k in LEVELS},
        "columns": COLUMNS[1:],
    }
    try:
        report = funnel(actor, period, by=by, level=level, region=region or None)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        context["error"] = error
        return render(request, "web/market/funnel.html", context, status=422)
    if query.get("format") == "xlsx":
        return table_file(
            funnel_table(report),
            "xlsx",
            f"对接转化漏斗 {report.period.label}",
            f"lead-funnel-{report.period.label}-{report.by}.xlsx",
        )
    context.update(
        report=report,
        rows=[row.as_dict() for row in report.rows],
        total={**report.total.as_dict(), "name": pick(("合计", "Total"))},
        export_url=with_query(query, format="xlsx"),
    )
    return render(request, "web/market/funnel.html", context)
