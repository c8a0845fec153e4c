"""Parts of the contract page that are the same for every contract: built once per language.

A registrar's contract page carries the dialogs of the steps they may take; the correction
dialog lists every field of the record and the refusal dialog every coded reason. Through the
template engine those loops were a sixth of the page's CPU; their HTML depends only on the
language, so it is kept (the posted reason of a refused step is marked per request).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from techmarket.codes.lists import code_list
from techmarket.domain.fields import RECORD_FIELDS
from techmarket.web.record_fields import LABELS_EN
from techmarket.web.templatetags.web_format import english, pick

register = template.Library()


@register.simple_tag
def correction_field_picks() -> SafeString:
    """A check box per record field, for the fields a correction request names."""
    return _field_picks(english())


@lru_cache(maxsize=2)
def _field_picks(in_english: bool) -> SafeString:
    boxes = (
        f'<label class="check"><input type="checkbox" name="fields" value="{escape(f.key)}"> '
        f"{escape(LABELS_EN[f.key] if in_english else f.label_zh)}</label>"
        for f in RECORD_FIELDS
    )
    return mark_safe("".join(boxes))


@register.simple_tag
def refusal_options(chosen: object = "") -> SafeString:
    """The coded refusal reasons as <option>s, the one posted before (if any) selected."""
    options = _refusal_options(english())
    if not chosen:
        return options
    mark = f'<option value="{escape(str(chosen))}">'
    return mark_safe(options.replace(mark, mark[:-1] + " selected>", 1))


@lru_cache(maxsize=2)
def _refusal_options(in_english: bool) -> SafeString:
    del in_english  # the key of the cache: pick() reads the active language itself
    options = (
        f'<option value="{escape(r.code)}">{escape(r.code)} {escape(pick(r))}</option>'
        for r in code_list("refusal_reasons")
    )
    return mark_safe("".join(options))
