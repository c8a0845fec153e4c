"""Action-plan targets in the browser: each indicator's completion against the time elapsed
(时间过半、任务过半), the verdict, the projection and its status, as of a chosen date.

The figures are `stats.queries.plan_progress`'s (the CLI's `targets progress` and the API's);
the plans listed are those whose region the reader may read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from techmarket.codes.regions import is_within
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.exports.charts import progress_chart_option
from techmarket.stats.access import readable_region
from techmarket.stats.plan_store import find_plan, list_plans
from techmarket.stats.queries import plan_progress, progress_table
from techmarket.web.access import with_actor
from techmarket.web.downloads import table_file, with_query
from techmarket.web.templatetags.web_format import english

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ahead": ("超前", "ahead"),
    "on_track": ("正常", "on track"),
    "at_risk": ("有风险", "at risk"),
    "behind": ("滞后", "behind"),
    "no_target": ("无目标", "no target"),
    "no_data": ("无数据", "no data"),
}
#: Where an actual came from (`Progress.source`).
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "registry": ("登记数据", "registry"),
    "entities": ("创新主体库", "entity register"),
    "entered": ("录入值", "entered"),
}


@require_safe
@with_actor
def targets(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    own = readable_region(actor, None)  # refuses those who read no statistics
    plans = [i.plan for i in list_plans() if is_within(i.plan.region, own) or own == "000000"]
    code = request.GET.get("plan") or (plans[0].code if plans else "")
    text = request.GET.get("as_of", "")
    context: dict[str, Any] = {
        "plans": plans,
        "code": code,
        "labels": STATUS_LABELS,
        "sources": SOURCE_LABELS,
    }
    try:
        as_of = date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        context["error"] = DomainError(
            f"日期须为 YYYY-MM-DD：{text}",
            f"a date is written YYYY-MM-DD, not {text}",
            code="invalid_date",
        )
        return render(request, "web/targets.html", context, status=422)
    context["as_of"] = as_of
    if code:
        try:
            plan = find_plan(code)
            progress = plan_progress(actor, plan, as_of)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            context["error"] = error
            return render(request, "web/targets.html", context, status=422)
        kind = request.GET.get("format")
        if kind in ("xlsx", "pdf"):  # exactly the table on screen
            table = progress_table(progress, plan.region)
            return table_file(table, kind, table.title_zh, f"{plan.code}-{as_of}.{kind}")
        context["progress"] = progress
        context["chart"] = progress_chart_option(
            progress["indicators"], f"{progress['name']} · {as_of}", english=english()
        )
        context["export_url"] = with_query(request.GET, plan=code, format="xlsx")
        context["pdf_url"] = with_query(request.GET, plan=code, format="pdf")
    return render(request, "web/targets.html", context)
