"""The parts of every page's frame that do not change between requests, built once per process.

The frame is on every page a registrar opens all day: through the template engine its links
(a dozen URL reversals, translations and static-file lookups) cost about 2 ms of each page's CPU
(docs/performance.md). The links depend only on the role and the language, and the assets on
nothing, so their HTML is kept; only the to-do count is put in per request.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from techmarket.web.templatetags.web_format import english

register = template.Library()

# (URL name, query, Chinese, English, shows the to-do count); per role, in menu order.
_TODO = ("web:home", "", "待办", "To do", True)
_MARKET = ("web:market", "", "供需大厅", "Market", False)
_FUNNEL = ("web:funnel", "", "转化漏斗", "Funnel", False)
_ENTITIES = ("web:entities", "", "创新主体", "Entities", False)
NAV: dict[str, tuple[tuple[str, str, str, str, bool], ...]] = {
    "seller": (
        _TODO,
        ("web:contracts", "", "本单位合同", "Our contracts", False),
        ("web:contract_new", "", "新建合同", "New contract", False),
        _MARKET,
        ("web:market_mine", "", "成果与需求", "Our listings", False),
        ("web:organisation", "", "本单位", "Organisation", False),
    ),
    "registrar": (
        _TODO,
        ("web:contracts", "?queue=1", "审核队列", "Queue", False),
        ("web:contracts", "", "全部合同", "All contracts", False),
        ("web:stats", "", "统计", "Statistics", False),
        ("web:imports", "", "批量导入", "Import", False),
        ("web:market_review", "", "成果需求审核", "Listing review", False),
        _MARKET,
        _FUNNEL,
        _ENTITIES,
    ),
    "broker": (
        ("web:lead_board", "", "线索看板", "Lead board", False),
        _MARKET,
        ("web:brokers", "", "经纪人", "Brokers", False),
    ),
    "bureau": (  # analysts and the operator
        ("web:bureau", "", "概览", "Overview", False),
        ("web:stats", "", "统计分析", "Statistics", False),
        ("web:targets", "", "计划目标", "Targets", False),
        ("web:stats_agencies", "", "机构服务", "Agencies", False),
        ("web:contracts", "", "合同", "Contracts", False),
        _MARKET,
        _FUNNEL,
        _ENTITIES,
    ),
}
NAV["agency_admin"] = (*NAV["registrar"], ("web:agency_users", "", "机构管理", "Agency", False))


@register.simple_tag
def head_assets() -> SafeString:
    """The icon, the style sheets and the two scripts every page loads."""
    return _head_assets()


@lru_cache(maxsize=1)
def _head_assets() -> SafeString:
    return mark_safe(
        f'<link rel="icon" href="{static("web/favicon.svg")}" type="image/svg+xml">\n'
        f'  <link rel="stylesheet" href="{static("web/vendor/pico.min.css")}">\n'
        f'  <link rel="stylesheet" href="{static("web/site.css")}">\n'
    )


@register.simple_tag
def page_scripts() -> SafeString:
    return _page_scripts()


@lru_cache(maxsize=1)
def _page_scripts() -> SafeString:
    return mark_safe(
        f'<script src="{static("web/vendor/htmx.min.js")}" defer></script>\n'
        f'  <script src="{static("web/app.js")}" defer></script>'
    )


@register.simple_tag
def main_nav(role: str, todo_total: object = 0) -> SafeString:
    """The role's menu in the reader's language, with the to-do count where it is shown."""
    before, after = _menu(role if role in NAV else "bureau", english())
    count = int(todo_total or 0)
    shown = f' <span class="count">{count}</span>' if count else ""
    return mark_safe(before + shown + after if after else before)


@lru_cache(maxsize=32)
def _menu(role: str, in_english: bool) -> tuple[str, str]:
    """The menu's HTML, split where the to-do count goes ("" after it when there is none)."""
    parts, split = [], None
    for name, query, zh, en, counted in NAV[role]:
        label = escape(en if in_english else zh)
        parts.append(f'<li><a href="{reverse(name)}{query}">{label}')
        if counted:
            split = len(parts)
        parts.append("</a></li>")
    html = ["<ul>", *parts, "</ul>"]
    if split is None:
        return "".join(html), ""
    return "".join(html[: split + 1]), "".join(html[split + 1 :])
