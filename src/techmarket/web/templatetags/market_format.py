"""Display helpers of the market pages: a listing's status badge, one colour per state."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from techmarket.domain.listing_workflow import LISTING_STATUS_LABELS, ListingStatus
from techmarket.web.templatetags.web_format import pick

register = template.Library()


@register.simple_tag
def listing_badge(status: str) -> str:
    try:
        label = pick(LISTING_STATUS_LABELS[ListingStatus(status)])
    except ValueError:
        label = status
    return format_html('<span class="badge listing-{}">{}</span>', status, label)
