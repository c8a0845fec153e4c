"""The bureau head's first page: this year so far against last year and against the plan,
where the areas within stand, and which agencies are behind; each figure links to its page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from techmarket.codes.regions import ROOT, full_name, is_within
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.registry.worklist import backlog_by_agency
from techmarket.stats.access import readable_region
from techmarket.stats.plan_store import list_plans
from techmarket.stats.queries import parse_scope, plan_progress, rank_among_peers, read_tables
from techmarket.web.access import with_actor


@require_safe
@with_actor
def bureau(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    region = readable_region(actor, None)
    today = timezone.localdate()
    period = f"{today.year}YTD{today.month:02d}"
    context: dict[str, Any] = {
        "region": region,
        "region_name": full_name(region),
        "period": period,
        "year": today.year,
        "backlog": backlog_by_agency(actor, today),
    }
    try:
        read = read_tables(
            actor, ["overview", "by_region"], parse_scope(period, region, "registered")
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:  # no snapshot yet
        context["error"] = error
    else:
        overview, areas = read.tables
        context["overview"] = overview.rows[0] if overview.rows else None
        context["areas"] = areas.rows[:5]
        context["freshness"] = read.freshness
        if region != ROOT:  # the country has no peers
            context["peer_rank"] = rank_among_peers(actor, region, period)
    plans = [i.plan for i in list_plans() if is_within(i.plan.region, region)]
    plans = [p for p in plans if p.region == region] or plans
    if plans:
        try:
            progress = plan_progress(actor, plans[0], today)
        except (PermissionDenied, NotFound):
            raise
        except DomainError:
            progress = None
        if progress:
            this_year = [i for i in progress["indicators"] if i["year"] == today.year]
            context["plan"] = {**progress, "indicators": this_year[:4]}
    return render(request, "web/bureau.html", context)
