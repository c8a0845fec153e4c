"""Matching endpoints: /demands/{id}/matches, /achievements/{id}/matches, /market/search and
/market/suggest-field. The rules are `market.matches`'; this translates.

(No `from __future__ import annotations` here: ninja reads the routes' annotations.)
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from techmarket.api.auth import actor_of
from techmarket.api.listings import ERRORS
from techmarket.api.schemas import ProblemOut
from techmarket.domain.listings import KIND_LABELS, Kind
from techmarket.market import matches

TOP = Field(default=10, ge=1, le=matches.MAX_TOP, description="how many results")


class ExplanationOut(Schema):
    """Why a listing was found: shared key terms (rarest first, for highlighting) and fits."""

    terms: list[str]
    field: str = Field(description="match | other | unknown | not_asked")
    region: str = Field(description="same | within | broader | outside | unknown | not_asked")
    modes: str = Field(description="match | other | unknown | not_asked")
    common_modes: list[str]
    amount: str = Field(description="within | over | under | negotiable | not_asked")
    maturity: str = Field(description="meets | below | beyond | unknown | not_asked")


class MatchOut(Schema):
    kind: str
    id: int
    external_id: str
    title: str
    tech_field: str
    region: str
    rank: int
    score: float = Field(description="fused reciprocal-rank score; higher is better")
    lexical_rank: int | None
    dense_rank: int | None
    explanation: ExplanationOut


class FiltersOut(Schema):
    fields: list[str] | None
    region: str | None
    modes: list[str] | None
    max_amount_fen: int | None
    min_amount_fen: int | None
    min_maturity: str | None
    max_maturity: str | None


class MatchesOut(Schema):
    """The listing asked about, the hard filters taken from it, and the other kind's best."""

    kind: str
    id: int
    external_id: str
    title: str
    dense: bool = Field(description="the listing's stored vector was used (else words only)")
    filters: FiltersOut
    results: list[MatchOut]


class MatchQuery(Schema):
    top: int = TOP


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=matches.MAX_TEXT, description="what to search for")
    kind: Literal["achievements", "demands"] = "achievements"
    field: str | None = Field(default=None, max_length=30, description="technology field code")
    region: str | None = Field(default=None, max_length=6, description="GB/T 2260 code")
    mode: str | None = Field(default=None, max_length=30, description="a transfer/cooperation mode")
    top: int = TOP


class SearchOut(Schema):
    query: str
    kind: str
    results: list[MatchOut]


class SuggestFieldIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=matches.MAX_TEXT, description="a listing's title and summary")
    top: int = Field(default=3, ge=1, le=11)


class FieldSuggestionOut(Schema):
    code: str
    name: str
    name_en: str
    score: float
    terms: list[str] = Field(description="the words of the text that point to the field")


class SuggestFieldOut(Schema):
    suggestions: list[FieldSuggestionOut]


def matches_router(kind: Kind) -> Router:
    """GET /{plural}/{id}/matches for one kind."""
    router = Router(tags=[f"{kind}s"])
    other = "achievements" if kind == "demand" else "demands"

    @router.get(
        "/{listing_id}/matches",
        response={200: MatchesOut, **ERRORS, 503: ProblemOut},
        summary=f"The best {other} for a {KIND_LABELS[kind][1]}",
        operation_id=f"match_{kind}",
    )
    def listing_matches(
        request: HttpRequest, listing_id: int, query: Query[MatchQuery]
    ) -> dict[str, Any]:
        """Published listings of the other kind, best first, each with its score, its ranks
        in the lexical and dense rankings and an explanation. The listing's field, province,
        modes, budget or price and maturity are hard filters (docs/matching.md). A listing the
        caller may not read answers 404."""
        return matches.match_listing(actor_of(request), kind, listing_id, query.top).as_dict()

    return router


demand_matches = matches_router("demand")
achievement_matches = matches_router("achievement")

market = Router(tags=["market"])


@market.get(
    "/search",
    response={200: SearchOut, **ERRORS, 503: ProblemOut},
    summary="Search published listings",
    operation_id="search_market",
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Published achievements or demands for a text: BM25 over jieba words and e5 vectors,
    fused by reciprocal rank, with optional field, region and mode filters."""
    kind: Kind = "achievement" if query.kind == "achievements" else "demand"
    filters = matches.search_filters(kind, field=query.field, region=query.region, mode=query.mode)
    found = matches.search(actor_of(request), query.q, kind, query.top, filters=filters)
    return {"query": query.q, "kind": kind, "results": [r.as_dict() for r in found]}


@market.post(
    "/suggest-field",
    response={200: SuggestFieldOut, **ERRORS},
    summary="Suggest the technology field of a text",
    operation_id="suggest_field",
)
def suggest_field(request: HttpRequest, body: SuggestFieldIn) -> dict[str, Any]:
    """Contract-format field codes (01–11) for a listing's text, best first, each with the
    words that point to it; none when the text meets no field's words."""
    return {"suggestions": matches.suggest_field(body.text, body.top)}
