"""Display helpers of the market pages: a listing's status badge, one colour per state, and the
match results' highlighted terms."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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


@register.filter
def highlight(text: str, terms: object) -> str:
    """The text, escaped, with each shared key term wrapped in <mark> (case-insensitive, the
    engine folds case); the terms are matched longest first so 锂离子电池 wins over 电池."""
    # A lone Latin letter (℃ folds to "c") would mark every such letter of the text.
    shared = {str(t) for t in (terms or ()) if str(t).strip()}  # type: ignore[attr-defined]
    words = sorted((w for w in shared if not (len(w) == 1 and w.isascii())), key=len, reverse=True)
    text = str(text or "")
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(format_html("<mark>{}</mark>", found.group(0)))
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece escaped above
