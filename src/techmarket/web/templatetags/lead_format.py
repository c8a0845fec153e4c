"""Display helpers of the lead pages: a lead's stage badge (one colour per stage, the same on
the board, the page and the timeline), a lead event's label, and the "propose a lead" link a
published listing offers those who follow leads."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from techmarket.domain.lead_workflow import (
    LEAD_ROLES,
    LEAD_STATUS_LABELS,
    LEAD_TRANSITIONS,
    LeadStatus,
)
from techmarket.domain.listing_workflow import ListingStatus
from techmarket.web.templatetags.web_format import pick, tr

register = template.Library()
_EVENT_LABELS = {f"lead_{t.action}": (t.label_zh, t.label_en) for t in LEAD_TRANSITIONS}
_EVENT_LABELS["lead_propose"] = ("推荐对接", "proposed")


def lead_status_label(status: str) -> str:
    try:
        return pick(LEAD_STATUS_LABELS[LeadStatus(status)])
    except ValueError:
        return status


@register.simple_tag
def lead_badge(status: str) -> str:
    return format_html('<span class="badge lead-{}">{}</span>', status, lead_status_label(status))


@register.filter
def lead_event_label(action: str) -> str:
    return pick(_EVENT_LABELS.get(action, (action, action)))


@register.simple_tag
def propose_link(actor: object, kind: str, listing: object, other: int | None = None) -> str:
    """A link to propose a lead from this listing: on a published listing, for the roles that
    follow leads (the service checks the rest: a broker's profile, the other listing). From a
    match result, `other` names the listing it would be paired with."""
    if getattr(listing, "status", "") != ListingStatus.PUBLISHED:
        return ""
    if getattr(actor, "role", None) not in LEAD_ROLES:
        return ""
    url = reverse("web:lead_new") + f"?{kind}={listing.pk}"  # type: ignore[attr-defined]
    if other is not None:
        return format_html(
            '<a href="{}&amp;other={}" class="propose-match" data-other="{}">{}</a>',
            url,
            other,
            other,
            tr("推荐对接", "Propose a lead"),
        )
    return format_html(
        '<a href="{}" role="button" class="secondary" id="propose-lead">{}</a>',
        url,
        tr("推荐对接", "Propose a lead"),
    )


@register.filter
def get_item(mapping: object, key: str) -> object:
    """`row|get_item:key`: a dict's value by a key held in a variable (the funnel's columns)."""
    return mapping.get(key) if isinstance(mapping, dict) else None
