"""Matching in the market: achievements for a demand, demands for an achievement, free-text
search, field suggestion and evaluation — the rules every front end (CLI, API, pages) calls.

Only published listings are ever returned. The listing a match starts from must be one the
actor may read (its owner may match a draft); its stored vector is the dense query, so no text
is embedded in a request for it (without a vector the match is lexical). Its facts become the
hard filters: field, region, cooperation/transfer modes, budget against price and, for an
achievement, its maturity against the stage a demand needs (docs/matching.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techmarket.codes.lists import code_list
from techmarket.domain.listings import Kind
from techmarket.domain.problems import DomainError, FileProblem
from techmarket.market import match_index
from techmarket.market.models import Listing
from techmarket.market.selectors import find_listing, get_listing
from techmarket.market.vectors import vector_of
from techmarket.matching import Explanation, Filters, Hit, read_queries, suggest_fields
from techmarket.matching.evaluation import MODES, Scores, score_rankings
from techmarket.registry.actors import Actor

MAX_TOP = 50
MAX_TEXT = 2000
OTHER: dict[Kind, Kind] = {"achievement": "demand", "demand": "achievement"}


@dataclass(frozen=True)
class MatchResult:
    """One published listing found, with its score, ranks and the engine's explanation."""

    kind: Kind
    listing: Listing
    rank: int
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    explanation: Explanation

    def as_dict(self) -> dict[str, Any]:
        listing = self.listing
        return {
            "kind": self.kind,
            "id": listing.pk,
            "external_id": listing.external_id,  # type: ignore[attr-defined]
            "title": listing.title,
            "tech_field": listing.tech_field,
            "region": listing.region_code,
            "rank": self.rank,
            "score": self.score,
            "lexical_rank": self.lexical_rank,
            "dense_rank": self.dense_rank,
            "explanation": explanation_dict(self.explanation),
        }


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    values = dataclasses.asdict(explanation)
    values["terms"] = list(explanation.terms)
    values["common_modes"] = list(explanation.common_modes)
    return values


@dataclass(frozen=True)
class Matches:
    """What a match by listing answers: the listing asked about, the filters taken from it, and
    the results (the other kind)."""

    kind: Kind
    listing: Listing
    filters: Filters
    dense: bool  # the listing's vector was used
    results: list[MatchResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.listing.pk,
            "external_id": self.listing.external_id,  # type: ignore[attr-defined]
            "title": self.listing.title,
            "dense": self.dense,
            "filters": filters_dict(self.filters),
            "results": [r.as_dict() for r in self.results],
        }


def filters_dict(filters: Filters) -> dict[str, Any]:
    values = dataclasses.asdict(filters)
    for key in ("fields", "modes"):
        if values[key] is not None:
            values[key] = sorted(values[key])
    return values


def check_top(top: int) -> int:
    if not 1 <= top <= MAX_TOP:
        raise DomainError(
            f"结果条数须在 1 到 {MAX_TOP} 之间，而不是 {top}",
            f"the number of results must be 1 to {MAX_TOP}, not {top}",
            code="top_out_of_range",
            field="top",
        )
    return top


def _listing(actor: Actor, kind: Kind, key: int | str) -> Listing:
    """By id (an int, as the API passes it) or by id or external_id (text, as typed)."""
    if isinstance(key, int):
        return get_listing(actor, kind, key)
    return find_listing(actor, kind, key)


def filters_from(kind: Kind, listing: Listing) -> Filters:
    """The hard filters a listing asks of the other kind (None where it states nothing)."""
    text = match_index.listing_text(kind, listing)
    # The province, not the district: a deal across a city or two is the market's daily work.
    province = f"{text.region[:2]}0000" if text.region else None
    common = {
        "fields": frozenset({text.field}) if text.field else None,
        "region": province,
        "modes": text.modes or None,
    }
    if kind == "demand":  # achievements asking at most the budget, at least at the stage needed
        return Filters(**common, max_amount_fen=text.amount_fen, min_maturity=text.maturity)
    # demands whose budget reaches the price, needing no later stage than this one
    return Filters(**common, min_amount_fen=text.amount_fen, max_maturity=text.maturity)


def _results(kind: Kind, hits: list[Hit]) -> list[MatchResult]:
    found = match_index.listings_by_key(kind, [hit.id for hit in hits])
    results = []
    for hit in hits:
        listing = found.get(hit.id)
        if listing is not None:
            results.append(
                MatchResult(
                    kind,
                    listing,
                    len(results) + 1,
                    hit.score,
                    hit.lexical_rank,
                    hit.dense_rank,
                    hit.explanation,
                )
            )
    return results


def match_listing(actor: Actor, kind: Kind, listing_id: int | str, top: int = 10) -> Matches:
    """The best published listings of the other kind for one listing the actor may read."""
    check_top(top)
    listing = _listing(actor, kind, listing_id)
    other = OTHER[kind]
    filters = filters_from(kind, listing)
    index = match_index.current_index(other)
    vector = vector_of(listing)
    if index is None:
        return Matches(kind, listing, filters, False, [])
    text = match_index.listing_text(kind, listing).text
    # Without a stored vector the match stays lexical: a listing's text is not embedded here.
    mode = "fused" if vector is not None else "lexical"
    hits = index.search(text, top, filters, mode, query_vector=vector)
    return Matches(
        kind,
        listing,
        filters,
        vector is not None and index.dense is not None,
        _results(other, hits),
    )


def pair_match(actor: Actor, kind: Kind, listing_id: int, other_id: int) -> MatchResult | None:
    """Where the other listing stands among this listing's matches (its score and rank), or
    None when it is not among the best MAX_TOP: what a lead proposed for the pair records, so
    that the funnel can tell leads the engine proposed from those a person paired."""
    for result in match_listing(actor, kind, listing_id, MAX_TOP).results:
        if result.listing.pk == other_id:
            return result
    return None


def match_demand(actor: Actor, demand_id: int | str, top: int = 10) -> Matches:
    """Achievements for a demand."""
    return match_listing(actor, "demand", demand_id, top)


def match_achievement(actor: Actor, achievement_id: int | str, top: int = 10) -> Matches:
    """Demands for an achievement."""
    return match_listing(actor, "achievement", achievement_id, top)


def _code(list_name: str, value: str | None, field: str) -> str | None:
    if not value or not value.strip():
        return None
    code = code_list(list_name).resolve(value)
    if code is None:
        raise DomainError(
            f"未知的代码 {value}", f"unknown code {value}", code="unknown_code", field=field
        )
    return code


def search_filters(
    kind: Kind, *, field: str | None = None, region: str | None = None, mode: str | None = None
) -> Filters:
    """Filters from what a searcher typed: a field code or name, a region code, a mode."""
    field_code = _code("tech_fields", field, "field")
    region = (region or "").strip() or None
    if region is not None and not (region.isdecimal() and len(region) == 6):
        raise DomainError(
            f"地区须为 6 位行政区划代码，而不是 {region}",
            f"a region is a six-digit GB/T 2260 code, not {region}",
            code="invalid_region",
            field="region",
        )
    list_name = "listing_transfer_modes" if kind == "achievement" else "listing_cooperation_modes"
    mode_code = _code(list_name, mode, "mode")
    modes = None
    if mode_code is not None:
        modes = frozenset({code_list(list_name).name_of(mode_code)})
    return Filters(
        fields=frozenset({field_code}) if field_code else None, region=region, modes=modes
    )


def _query_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(
            "请输入要搜索的内容", "give the text to search for", code="search_text_required"
        )
    return text[:MAX_TEXT]


def search(
    actor: Actor,
    text: str,
    kind: Kind,
    top: int = 10,
    filters: Filters | None = None,
) -> list[MatchResult]:
    """Published listings of `kind` for a free text, lexical and dense fused (the query is
    embedded here: 20–90 ms). Every signed-in actor may search: only published listings come."""
    check_top(top)
    text = _query_text(text)
    index = match_index.current_index(kind)
    if index is None:
        return []
    return _results(kind, index.search(text, top, filters))


def search_many(
    actor: Actor, kind: Kind, queries: Iterable[tuple[str, str]], top: int = 10
) -> Iterator[tuple[str, list[tuple[str, float]]]]:
    """(query id, [(external_id, score)…]) per (id, text), the index loaded once (batch files)."""
    check_top(top)
    index = match_index.current_index(kind)
    names = match_index.external_ids(kind) if index is not None else {}
    for query_id, text in queries:
        if index is None or not (text or "").strip():
            yield query_id, []
            continue
        hits = index.search(text.strip()[:MAX_TEXT], top)
        yield query_id, [(names[h.id], h.score) for h in hits if h.id in names]


def evaluate_file(actor: Actor, path: Path, kind: Kind = "achievement") -> list[Scores]:
    """Recall@10 and MRR@10 of lexical, dense and fused ranking of the published `kind` on a
    labelled file (JSON lines {"id", "text", "relevant": [external ids]}, as
    `matching.devset --write-queries` writes)."""
    try:
        labelled = read_queries(path)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise FileProblem(
            f"无法读取标注文件：{error}",
            f"cannot read the labelled file: {error}",
            code="labelled_file_unreadable",
        ) from None
    index = match_index.current_index(kind)
    names = match_index.external_ids(kind) if index is not None else {}
    scores = []
    for mode in MODES:
        rankings = []
        for query in labelled:
            hits = index.search(query.text, 10, mode=mode) if index is not None else []
            rankings.append([names.get(h.id, "") for h in hits])
        scores.append(score_rankings(mode, rankings, labelled))
    return scores


def suggest_field(text: str, top: int = 3) -> list[dict[str, Any]]:
    """Technology-field codes for a listing's text, best first, each with its evidence terms."""
    names = {c.code: c for c in code_list("tech_fields")}
    return [
        {
            "code": s.code,
            "name": names[s.code].name if s.code in names else s.name,
            "name_en": names[s.code].name_en if s.code in names else "",
            "score": s.score,
            "terms": list(s.terms),
        }
        for s in suggest_fields((text or "")[:MAX_TEXT], top=max(1, min(top, 11)))
    ]
