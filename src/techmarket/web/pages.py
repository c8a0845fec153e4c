"""The first page: a landing page for visitors, each role's to-do list once signed in."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from techmarket.domain.workflow import Role
from techmarket.registry import contract_list
from techmarket.registry.actors import actor_for_user
from techmarket.registry.selectors import new_organisations
from techmarket.registry.worklist import WAITING_FOR
from techmarket.web.access import with_actor
from techmarket.web.rows import table_rows

# An organisation counts as new on the agency's first page this many days after signing up.
NEW_ORGANISATION_DAYS = 30


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Visitors see what the platform is and how to get in; the signed-in go to their work."""
    if request.user.is_authenticated and actor_for_user(request.user) is not None:
        return redirect("web:home")
    return render(
        request, "web/landing.html", {"demo_logins": getattr(settings, "DEMO_LOGINS", False)}
    )


@require_safe
@with_actor
def home(request: HttpRequest) -> HttpResponse:
    """待办: what waits for this person, most urgent first."""
    actor = request.actor  # type: ignore[attr-defined]
    today = timezone.localdate()
    if actor.role is Role.BROKER:  # a broker's work is their leads
        return redirect("web:lead_board")
    waiting = WAITING_FOR.get(actor.role, ())
    if not waiting:  # analysts: the statistics are their work
        return redirect("web:bureau" if actor.role is Role.ANALYST else "web:contracts")
    filters = contract_list.ContractFilter(statuses=tuple(waiting))
    if actor.role is not Role.SELLER:
        filters = contract_list.ContractFilter(
            statuses=tuple(waiting), agency_code=actor.agency.code if actor.agency else "-"
        )
    sort = "-id" if actor.role is Role.SELLER else "deadline"
    page = contract_list.list_contracts(actor, filters, sort=sort, limit=20)
    recent = None
    if not page.items and actor.role is Role.SELLER:  # nothing waits: show where things stand
        recent = contract_list.list_contracts(actor, sort="-id", limit=20).items
    return render(
        request,
        "web/home.html",
        {
            "rows": table_rows(page.items, today),
            "recent": table_rows(recent, today) if recent else None,
            "more": page.next_cursor,
            "new_organisations": new_organisations(
                actor, timezone.now() - timedelta(days=NEW_ORGANISATION_DAYS)
            ),
        },
    )
