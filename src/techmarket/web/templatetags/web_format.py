"""Display filters shared by the pages; the same formats as the printed papers.

The pages speak Chinese first and English second. Every text the platform already keeps as a
(Chinese, English) pair — workflow labels, code lists, refusal messages — is shown through
`pick`; texts of the pages themselves go through `{% tr "中文" "English" %}`, so both languages
of a label sit side by side in the template (docs/decisions.md, "Page languages").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from techmarket.domain.money import amount_in_capitals
from techmarket.domain.workflow import STATUS_LABELS, Status
from techmarket.exports.certificate import yuan_figures

register = template.Library()


def english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def yuan(amount: Decimal) -> str:
    """1,234,567.80 元"""
    return yuan_figures(amount)


@register.filter
def money(amount: Decimal | str | None) -> str:
    """1,234,567.80 (no unit: a table column names it); text that is no amount stays as it is."""
    if amount is None or amount == "":
        return ""
    try:
        return f"{Decimal(amount):,.2f}"
    except (ArithmeticError, ValueError):
        return str(amount)


@register.filter
def yi(amount: Decimal | str | None) -> str:
    """Yuan as 亿元 to two places, for headline figures (tables keep exact yuan)."""
    if amount is None or amount == "":
        return "—"
    return f"{Decimal(str(amount)) / Decimal(100_000_000):,.2f}"


@register.filter
def capitals(amount: Decimal) -> str:
    """壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整"""
    return amount_in_capitals(amount)


@register.simple_tag
def tr(zh: str, en: str) -> str:
    """The page's own words in the reader's language."""
    return en if english() else zh


@register.filter
def pick(pair: Any) -> str:
    """A (Chinese, English) pair, or anything with `.name`/`.name_en` or `.message`/`.message_en`."""
    if isinstance(pair, tuple | list) and len(pair) == 2:
        return str(pair[1] if english() else pair[0])
    for zh, en in (("message", "message_en"), ("name", "name_en"), ("label_zh", "label_en")):
        if hasattr(pair, zh):
            return str(
                getattr(pair, en) if english() and getattr(pair, en, "") else getattr(pair, zh)
            )
    return str(pair)


@register.filter
def status_label(status: str) -> str:
    try:
        return pick(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


@register.simple_tag
def status_badge(status: str) -> str:
    """One colour per workflow state, the same in queue, page and timeline. (Built here, not
    in a template of its own: a queue page shows fifty, and each sub-template costs.)"""
    return format_html('<span class="badge status-{}">{}</span>', status, status_label(status))


@register.simple_tag
def deadline(day: date | None, left: int | None) -> str:
    """ "还剩 3 个工作日" with the date in a tooltip; overdue in red."""
    if day is None:
        return format_html('<span class="muted">{}</span>', "—")
    if left is None:
        text, late = day.isoformat(), False
    elif left < 0:
        text, late = tr(f"已超期 {-left} 个工作日", f"overdue by {-left} working days"), True
    elif left == 0:
        text, late = tr("今天到期", "due today"), False
    else:
        text, late = tr(f"还剩 {left} 个工作日", f"{left} working days left"), False
    return format_html(
        '<span class="deadline{}" title="{}">{}</span>', " overdue" if late else "", day, text
    )


# Audit actions that are not workflow steps (workflow steps take their label from the table).
OTHER_ACTIONS: dict[str, tuple[str, str]] = {
    "create": ("起草", "drafted"),
    "edit": ("修改草稿", "draft edited"),
    "import": ("导入", "imported"),
    "attach": ("上传附件", "file attached"),
    "migrate": ("迁入", "migrated"),
}


@register.filter
def action_label(action: str) -> str:
    from techmarket.domain.workflow import TRANSITIONS

    for transition in TRANSITIONS:
        if str(transition.action) == action:
            return pick((transition.label_zh, transition.label_en))
    return pick(OTHER_ACTIONS.get(action, (action, action)))


@register.filter
def when(value: str | datetime | None) -> str:
    """An ISO timestamp as local `YYYY-MM-DD HH:MM`."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@register.simple_tag(name="rows_html")
def rows_html_tag(rows: Any, selectable: bool = False) -> str:
    """The contract table's rows (web/rows.py builds them without the template engine)."""
    from techmarket.web.rows import rows_html

    return rows_html(rows, selectable=bool(selectable))
