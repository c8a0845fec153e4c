"""The market's pages (供需对接): the hall of published listings, one listing, an organisation's
own listings, the agency's review queue, and the workflow buttons.

Every list is `market.selectors.list_listings` (so a reader sees what the API would give them);
every button is a step through `market.steps`, offered only when `selectors.listing_actions`
says the reader may take it. The 匹配结果 section and the hall's text search are
web/match_pages.py's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from techmarket.codes.lists import code_list
from techmarket.domain.listing_workflow import LISTING_STATUS_LABELS, ListingStatus
from techmarket.domain.listings import KIND_LABELS, KINDS, Kind, kind_of
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.market import selectors
from techmarket.market.models import Listing
from techmarket.market.records import row_from_listing
from techmarket.market.steps import run_listing_step, takes_note
from techmarket.registry.actors import Actor
from techmarket.web.access import with_actor
from techmarket.web.downloads import with_query
from techmarket.web.listing_fields import sections, shown_value
from techmarket.web.templatetags.web_format import english, pick

PER_PAGE = 50
# The page's one primary button: the step that moves the listing forward.
PRIMARY_ORDER = ("submit", "publish")


def kind_in_url(name: str) -> Kind:
    """ "achievements" / "demands" in a URL; anything else is no page."""
    try:
        return kind_of(name)
    except ValueError:
        raise NotFound(
            f"没有“{name}”这类信息", f"no listings of kind {name}", code="unknown_listing_kind"
        ) from None


def _page_number(text: str | None) -> int:
    return min(int(text), 100_000) if text and text.isdecimal() and int(text) > 0 else 1


def _mode_list(kind: Kind) -> str:
    return "listing_transfer_modes" if kind == "achievement" else "listing_cooperation_modes"


def listing_row(kind: Kind, listing: Listing) -> dict[str, Any]:
    """What a result row shows, in the reader's language."""
    values = row_from_listing(kind, listing)
    en = english()
    modes = values["transfer_modes" if kind == "achievement" else "cooperation_modes"]
    return {
        "listing": listing,
        "kind": kind,
        "plural": f"{kind}s",
        "field": shown_value("tech_field", values["tech_field"], en),
        "maturity": shown_value("maturity", values.get("maturity", ""), en),
        "modes": shown_value(
            "transfer_modes" if kind == "achievement" else "cooperation_modes", modes, en
        ),
        "amount": shown_value(
            "price" if kind == "achievement" else "budget",
            values["price" if kind == "achievement" else "budget"],
        ),
        "region": shown_value("region", values["region"], en),
        "party": values["holder_name" if kind == "achievement" else "company_name"]
        or (listing.owner.name if listing.owner_id else ""),
        "until": values["valid_until" if kind == "achievement" else "deadline"],
    }


def _pager(request: HttpRequest, page: selectors.Page) -> dict[str, Any]:
    return {
        "page": page,
        "previous_url": with_query(request.GET, page=str(page.page - 1)) if page.page > 1 else None,
        "next_url": with_query(request.GET, page=str(page.page + 1))
        if page.page < page.pages
        else None,
    }


@require_safe
@with_actor
def hall(request: HttpRequest) -> HttpResponse:
    """供需大厅: published achievements or demands, filtered by the URL; a search text is
    answered by the matching engine (web/match_pages.py), best first."""
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(request.GET.get("kind") or "achievements")
    query = request.GET
    common = {
        "kind": kind,
        "kinds": [(k, f"{k}s", KIND_LABELS[k]) for k in KINDS],
        "q": query,
        "fields": code_list("tech_fields"),
        "maturities": code_list("listing_maturities"),
        "modes": code_list(_mode_list(kind)),
    }
    template = "web/market/parts/listing_table.html" if request.htmx else "web/market/hall.html"  # type: ignore[attr-defined]
    if (query.get("q") or "").strip():
        # Text goes to the matching engine (words and meaning, best first, terms highlighted).
        from techmarket.web.match_pages import hall_search

        return render(request, template, {**common, **hall_search(actor, kind, query)})
    page = selectors.list_listings(
        actor,
        kind,
        status=ListingStatus.PUBLISHED,
        tech_field=query.get("field") or None,
        region=(query.get("region") or "")[:6] or None,
        text=(query.get("q") or "")[:200],
        maturity=query.get("maturity") or None,
        mode=query.get("mode") or None,
        page=_page_number(query.get("page")),
        per_page=PER_PAGE,
    )
    context = {
        **common,
        "rows": [listing_row(kind, listing) for listing in page.items],
        **_pager(request, page),
    }
    return render(request, template, context)


@require_safe
@with_actor
def mine(request: HttpRequest) -> HttpResponse:
    """本单位的成果与需求: every status, newest change first, both kinds."""
    actor = request.actor  # type: ignore[attr-defined]
    if actor.role is not Role.SELLER:
        raise PermissionDenied(
            "只有单位用户有“本单位的成果与需求”",
            "only an organisation's users have their own listings",
            code="only_seller_lists",
        )
    status = request.GET.get("status") or None
    lists = []
    for kind in KINDS:
        page = selectors.list_listings(
            actor, kind, status=status, mine=True, per_page=selectors.MAX_PER_PAGE
        )
        lists.append(
            (kind, f"{kind}s", KIND_LABELS[kind], page, [listing_row(kind, x) for x in page.items])
        )
    return render(
        request,
        "web/market/mine.html",
        {"lists": lists, "statuses": LISTING_STATUS_LABELS, "status": status or ""},
    )


@require_safe
@with_actor
def review_queue(request: HttpRequest) -> HttpResponse:
    """The agency's queue: listings in review within its jurisdiction, oldest change first."""
    actor = request.actor  # type: ignore[attr-defined]
    if actor.role not in REGISTRAR_ROLES:
        raise PermissionDenied(
            "只有登记机构人员审核成果和需求",
            "only agency staff review listings",
            code="only_staff_review",
        )
    lists = []
    for kind in KINDS:
        page = selectors.list_listings(
            actor, kind, status=ListingStatus.REVIEW, per_page=selectors.MAX_PER_PAGE
        )
        rows = [listing_row(kind, x) for x in reversed(page.items)]  # oldest first
        lists.append((kind, f"{kind}s", KIND_LABELS[kind], page, rows))
    return render(
        request,
        "web/market/review.html",
        {"lists": lists, "empty_text": ("没有等待审核的信息。", "Nothing waits for review.")},
    )


def listing_context(actor: Actor, kind: Kind, listing: Listing) -> dict[str, Any]:
    values = row_from_listing(kind, listing)
    offered = []
    for transition in selectors.listing_actions(actor, kind, listing):
        action = str(transition.action)
        offered.append(
            {
                "action": action,
                "label": (transition.label_zh, transition.label_en),
                "note": takes_note(action),
                "note_required": action == "return",
                "grave": action in ("close", "return"),
                "edit": action == "edit",
            }
        )
    primary = next((a for name in PRIMARY_ORDER for a in offered if a["action"] == name), None)
    for a in offered:
        a["primary"] = a is primary
    return {
        "listing": listing,
        "kind": kind,
        "plural": f"{kind}s",
        "kind_label": KIND_LABELS[kind],
        "status_label": LISTING_STATUS_LABELS[ListingStatus(listing.status)],
        "sections": sections(kind, values, english=english()),
        "actions": offered,
        "is_owner_view": actor.role is Role.SELLER and listing.owner_id == actor.party_id,
    }


@require_safe
@with_actor
def listing_page(request: HttpRequest, kind_name: str, listing_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(kind_name)
    listing = selectors.get_listing(actor, kind, listing_id)
    return render(request, "web/market/listing.html", listing_context(actor, kind, listing))


DONE: dict[str, tuple[str, str]] = {
    "submit": ("已提交审核，登记机构审核后发布", "Sent for review; the agency publishes it"),
    "publish": ("已发布，所有用户可在供需大厅看到", "Published: everyone sees it in the hall"),
    "return": ("已退回修改", "Returned for changes"),
    "close": ("已关闭", "Closed"),
}


@require_POST
@with_actor
def act(request: HttpRequest, kind_name: str, listing_id: int, action: str) -> HttpResponse:
    """One step from its button or dialog; a refusal re-shows the page with the note kept."""
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(kind_name)
    version = request.POST.get("version", "")
    try:
        run_listing_step(
            kind,
            action,
            listing_id,
            actor=actor,
            now=timezone.now(),
            expected_version=int(version) if version.isdecimal() else None,
            note=request.POST.get("note", "") if takes_note(action) else None,
        )
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        listing = selectors.get_listing(actor, kind, listing_id)
        context = listing_context(actor, kind, listing)
        context.update(action_error=error, failed_action=action, posted=request.POST)
        moved_on = isinstance(error, InvalidTransition | StaleObject | Conflict)
        return render(request, "web/market/listing.html", context, status=409 if moved_on else 422)
    messages.success(request, pick(DONE.get(action, (action, action))))
    if action in ("publish", "return") and actor.role in REGISTRAR_ROLES:
        return redirect("web:market_review")
    return redirect("web:listing", kind_name=f"{kind}s", listing_id=listing_id)
