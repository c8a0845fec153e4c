"""The lead pages (对接线索): a board of the reader's leads by stage, one lead with its two
listings, stage timeline and steps, and proposing a lead from a published listing.

Every list is `lead_selectors.list_leads` (the leads the API would give the reader); every
button is a step through `lead_steps`, offered only when `lead_selectors.lead_actions` says the
reader may take it. A refusal re-shows the page with what was typed and the service's words
beside the field it concerns.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from techmarket.domain.lead_workflow import LEAD_STATUS_LABELS, LeadAction, LeadStatus
from techmarket.domain.listing_workflow import ListingStatus
from techmarket.domain.listings import KIND_LABELS, Kind
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.market import lead_selectors, lead_services, matches, selectors
from techmarket.market.lead_steps import run_lead_step
from techmarket.market.models import Lead, Listing
from techmarket.registry.actors import Actor
from techmarket.web.access import with_actor
from techmarket.web.listing_pages import listing_row
from techmarket.web.templatetags.web_format import pick

# The board's columns, in the order a lead moves; dropped last.
BOARD: tuple[LeadStatus, ...] = (*LEAD_STATUS_LABELS,)
CARDS_PER_COLUMN = 50
CANDIDATES = 20
# Which posted field a refusal of each step belongs beside.
FIELD_OF: dict[str, str] = {"register": "registration_number", "drop": "reason"}


@require_safe
@with_actor
def board(request: HttpRequest) -> HttpResponse:
    """线索看板: the reader's leads by stage, with the count of each."""
    actor = request.actor  # type: ignore[attr-defined]
    columns = []
    for status in BOARD:
        page = lead_selectors.list_leads(actor, status=status, per_page=CARDS_PER_COLUMN)
        columns.append(
            {
                "status": str(status),
                "label": LEAD_STATUS_LABELS[status],
                "total": page.total,
                "leads": page.items,
                "more": page.total > len(page.items),
            }
        )
    return render(
        request,
        "web/market/leads.html",
        {"columns": columns, "total": sum(c["total"] for c in columns)},
    )


def lead_context(actor: Actor, lead: Lead) -> dict[str, Any]:
    offered = [
        {
            "action": str(t.action),
            "label": (t.label_zh, t.label_en),
            "field": FIELD_OF.get(str(t.action), ""),
        }
        for t in lead_selectors.lead_actions(actor, lead)
    ]
    return {
        "lead": lead,
        "status_label": LEAD_STATUS_LABELS[LeadStatus(lead.status)],
        "achievement": listing_row("achievement", lead.achievement),
        "demand": listing_row("demand", lead.demand),
        "events": lead_selectors.lead_events(lead),
        "stages": lead_selectors.lead_summary(lead)["stages"],
        "actions": offered,
        "forward": [a for a in offered if not a["field"]],
    }


@require_safe
@with_actor
def lead_page(request: HttpRequest, lead_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    lead = lead_selectors.get_lead(actor, lead_id)
    return render(request, "web/market/lead.html", lead_context(actor, lead))


DONE: dict[str, tuple[str, str]] = {
    "contact": ("已记录接洽", "First contact recorded"),
    "negotiate": ("已进入洽谈", "Negotiation started"),
    "sign": ("已记录签约", "Signing recorded"),
    "register": ("已关联已登记合同，线索完成", "The registered contract is linked: lead done"),
    "drop": ("已放弃该线索", "Lead dropped"),
}


def _out_of_reach(error: DomainError) -> bool:
    """The lead itself absent or not the reader's: a 404 or 403 page, not a message."""
    return isinstance(error, PermissionDenied) or (
        isinstance(error, NotFound) and error.code == "lead_not_found"
    )


@require_POST
@with_actor
def act(request: HttpRequest, lead_id: int, action: str) -> HttpResponse:
    """One step from its button or dialog; a refusal re-shows the page with the input kept and
    the message beside the field it concerns (a contract's number, a drop's reason)."""
    actor = request.actor  # type: ignore[attr-defined]
    posted = request.POST
    version = posted.get("version", "")
    try:
        run_lead_step(
            action,
            lead_id,
            actor=actor,
            now=timezone.now(),
            note=posted.get("note", "").strip() if action != LeadAction.DROP else "",
            registration_number=posted.get("registration_number", "").strip()
            if action == LeadAction.REGISTER
            else "",
            reason=posted.get("reason", "").strip() if action == LeadAction.DROP else "",
            expected_version=int(version) if version.isdecimal() and len(version) < 12 else None,
        )
    except DomainError as error:
        if _out_of_reach(error):
            raise
        lead = lead_selectors.get_lead(actor, lead_id)
        context = lead_context(actor, lead)
        context.update(
            action_error=error,
            failed_action=action,
            failed_field=FIELD_OF.get(action, ""),
            posted=posted,
        )
        moved_on = isinstance(error, InvalidTransition | StaleObject | Conflict)
        return render(request, "web/market/lead.html", context, status=409 if moved_on else 422)
    messages.success(request, pick(DONE.get(action, (action, action))))
    return redirect("web:lead", lead_id=lead_id)


def _source(request: HttpRequest) -> tuple[Kind, int]:
    """The listing a lead is proposed from: `?achievement=ID` or `?demand=ID`."""
    for kind in ("achievement", "demand"):
        value = request.GET.get(kind) or request.POST.get(kind) or ""
        if value.isdecimal() and len(value) < 12:
            return kind, int(value)  # type: ignore[return-value]
    raise NotFound(
        "请从一项已发布的科技成果或技术需求的页面推荐对接",
        "propose a lead from a published achievement's or demand's page",
        code="lead_source_missing",
    )


def _chosen_from_matches(
    actor: Actor, kind: Kind, chosen: str, shown: list[Listing]
) -> Listing | None:
    """The listing a match result's link names, when the text search did not list it."""
    if not chosen.isdecimal() or len(chosen) > 12 or any(x.pk == int(chosen) for x in shown):
        return None
    try:
        found = selectors.get_listing(actor, kind, int(chosen))
    except NotFound:
        return None
    return found if found.status == ListingStatus.PUBLISHED else None


@require_http_methods(["GET", "HEAD", "POST"])
@with_actor
def propose(request: HttpRequest) -> HttpResponse:
    """推荐对接: from a published listing, choose a published listing of the other kind (found
    by text, or named by a match result's link) and propose the pair as a lead. The lead
    records the pair's score and rank among the listing's matches when it is among them; a
    pair a person chose outside them has none (nothing is made up)."""
    actor = request.actor  # type: ignore[attr-defined]
    kind, listing_id = _source(request)
    other: Kind = "demand" if kind == "achievement" else "achievement"
    source = selectors.get_listing(actor, kind, listing_id)
    posted = request.POST if request.method == "POST" else None
    query = ((posted or request.GET).get("q") or "").strip()[:200]
    context: dict[str, Any] = {
        "kind": kind,
        "other": other,
        "kind_label": KIND_LABELS[kind],
        "other_label": KIND_LABELS[other],
        "source": listing_row(kind, source),
        "q": query,
        "posted": posted or {},
        # a match result's link names the other listing (`&other=ID`)
        "chosen": (posted or request.GET).get("other", ""),
    }
    if posted is not None:
        chosen = posted.get("other", "")
        try:
            if not chosen.isdecimal() or len(chosen) > 12:
                raise DomainError(
                    f"请选择要对接的{KIND_LABELS[other][0]}",
                    f"choose the {KIND_LABELS[other][1]} to pair it with",
                    code="lead_other_required",
                )
            pair = {kind: listing_id, other: int(chosen)}
            matched = matches.pair_match(actor, kind, listing_id, int(chosen))
            lead = lead_services.propose(
                pair["achievement"],
                pair["demand"],
                actor=actor,
                now=timezone.now(),
                note=posted.get("note", ""),
                score=matched.score if matched else None,
                rank=matched.rank if matched else None,
            )
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise
            context["error"] = error
        else:
            messages.success(request, pick(("已推荐对接", "Lead proposed")))
            return redirect("web:lead", lead_id=lead.pk)
    candidates = selectors.list_listings(
        actor, other, status=ListingStatus.PUBLISHED, text=query, per_page=CANDIDATES
    )
    shown = list(candidates.items)
    if chosen_id := _chosen_from_matches(actor, other, context["chosen"], shown):
        shown.insert(0, chosen_id)
    context["candidates"] = [listing_row(other, x) for x in shown]
    context["candidates_total"] = candidates.total
    status = (
        200 if "error" not in context else 409 if isinstance(context["error"], Conflict) else 422
    )
    return render(request, "web/market/lead_propose.html", context, status=status)
