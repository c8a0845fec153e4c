"""Matching on the market pages: a listing's 匹配结果 (an htmx fragment loaded after the page),
the hall's text search through the engine, and the field suggestion beside the listing form.

Every answer is `market.matches`'; this shapes it for the templates (the fit words as badges,
the shared terms for highlighting).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from techmarket.domain.listings import Kind
from techmarket.domain.problems import Unavailable
from techmarket.market import matches
from techmarket.web.access import with_actor
from techmarket.web.listing_pages import kind_in_url, listing_row

TOP = 10
HALL_TOP = 50

# fit word → (中文, English, tone); "not_asked" shows no badge.
FIT_BADGES: dict[str, dict[str, tuple[str, str, str]]] = {
    "field": {
        "match": ("领域相同", "same field", "good"),
        "other": ("领域不同", "other field", "bad"),
        "unknown": ("领域未填", "field not given", "unknown"),
    },
    "region": {
        "same": ("同一地区", "same region", "good"),
        "within": ("在本地区内", "within the region", "good"),
        "broader": ("覆盖本地区", "covers the region", "good"),
        "outside": ("地区以外", "outside the region", "bad"),
        "unknown": ("地区未填", "region not given", "unknown"),
    },
    "modes": {
        "match": ("合作方式相符", "mode fits", "good"),
        "other": ("合作方式不同", "other mode", "bad"),
        "unknown": ("合作方式未填", "mode not given", "unknown"),
    },
    "amount": {
        "within": ("价格在预算内", "price within budget", "good"),
        "over": ("超出预算", "over budget", "bad"),
        "under": ("低于报价", "under the price", "bad"),
        "negotiable": ("价格面议", "negotiable", "unknown"),
    },
    "maturity": {
        "meets": ("成熟度相符", "maturity fits", "good"),
        "below": ("成熟度不足", "less mature", "bad"),
        "beyond": ("超出所需阶段", "beyond the stage", "unknown"),
        "unknown": ("成熟度未填", "maturity not given", "unknown"),
    },
}


def fit_badges(explanation: Any) -> list[dict[str, Any]]:
    badges = []
    for key, words in FIT_BADGES.items():
        found = words.get(getattr(explanation, key))
        if found is not None:
            zh, en, tone = found
            badges.append({"key": key, "label": (zh, en), "tone": tone})
    return badges


def result_row(result: matches.MatchResult) -> dict[str, Any]:
    """A result row: the listing's row (as in the hall) plus score, terms and fit badges."""
    return {
        **listing_row(result.kind, result.listing),
        "rank": result.rank,
        "score": result.score,
        "lexical_rank": result.lexical_rank,
        "dense_rank": result.dense_rank,
        "terms": list(result.explanation.terms),
        "fits": fit_badges(result.explanation),
    }


@require_safe
@with_actor
def listing_matches(request: HttpRequest, kind_name: str, listing_id: int) -> HttpResponse:
    """The 匹配结果 section of a listing's page (fetched by htmx once the page has loaded)."""
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(kind_name)
    context: dict[str, Any] = {"kind": kind, "other": matches.OTHER[kind], "listing_id": listing_id}
    try:
        found = matches.match_listing(actor, kind, listing_id, TOP)
    except Unavailable as error:
        context["unavailable"] = error
    else:
        context.update(
            listing=found.listing, dense=found.dense, rows=[result_row(r) for r in found.results]
        )
    return render(request, "web/market/parts/matches.html", context)


def hall_search(actor: Any, kind: Kind, query: Any) -> dict[str, Any]:
    """The hall's text search: the engine's best (words and meaning), with the hall's filters;
    maturity, which the engine filters only as a minimum, is kept exactly as the list does."""
    filters = matches.search_filters(
        kind, field=query.get("field") or None, region=(query.get("region") or "")[:6] or None,
        mode=query.get("mode") or None,
    )  # fmt: skip
    try:
        found = matches.search(actor, (query.get("q") or "")[:200], kind, HALL_TOP, filters)
    except Unavailable as error:
        return {"rows": [], "search_unavailable": error, "searched": True}
    maturity = query.get("maturity") or None
    if maturity and kind == "achievement":
        found = [r for r in found if r.listing.maturity == maturity]  # type: ignore[attr-defined]
    return {"rows": [result_row(r) for r in found], "searched": True}


@require_POST
@with_actor
def suggest_field(request: HttpRequest, kind_name: str) -> HttpResponse:
    """技术领域建议 beside the form: the fields the title and summary point to, with the words
    that point there; a click on one fills the field (static/web/app.js)."""
    kind_in_url(kind_name)
    text = f"{request.POST.get('title', '')}。{request.POST.get('summary', '')}"
    suggestions = matches.suggest_field(text[: matches.MAX_TEXT]) if text.strip("。 ") else []
    for suggestion in suggestions:
        suggestion["label"] = (suggestion["name"], suggestion["name_en"])
    return render(
        request,
        "web/market/parts/field_suggestion.html",
        {"suggestions": suggestions, "chosen": request.POST.get("tech_field", "")},
    )
