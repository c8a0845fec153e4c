"""Why a listing was returned: the terms it shares with the query and how its facts fit.

Plain data for every front end (a page highlights `terms` and shows the fits as badges; the CLI
prints them; the API returns them as JSON). The fit words are fixed strings:

* field:    match | other | unknown (the listing states none) | not_asked
* region:   same | within | broader | outside | unknown | not_asked (see `filters.region_fit`)
* modes:    match | other | unknown | not_asked; `common_modes` names the shared ones
* amount:   within | over (asks more than the budget) | under (offers less than the price)
            | negotiable (面议) | not_asked
* maturity: meets | below (less mature than needed) | beyond (needs more than offered)
            | unknown | not_asked
"""

from __future__ import annotations

from dataclasses import dataclass

from techmarket.matching.filters import Filters, fold_mode, maturity_level, region_fit


@dataclass(frozen=True)
class Explanation:
    """The evidence behind one hit."""

    terms: tuple[str, ...]  # shared key terms, rarest first, for highlighting
    field: str
    region: str
    modes: str
    common_modes: tuple[str, ...]
    amount: str
    maturity: str


def _field_fit(wanted: frozenset[str] | None, listed: str) -> str:
    if wanted is None:
        return "not_asked"
    return "unknown" if not listed else ("match" if listed in wanted else "other")


def _mode_fit(
    wanted: frozenset[str] | None, listed: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    if wanted is None:
        return "not_asked", ()
    if not listed:
        return "unknown", ()
    common = tuple(m for m in listed if m in {fold_mode(w) for w in wanted})
    return ("match" if common else "other"), common


def _amount_fit(context: Filters, amount: int) -> str:
    if context.max_amount_fen is None and context.min_amount_fen is None:
        return "not_asked"
    if amount < 0:
        return "negotiable"
    if context.max_amount_fen is not None and amount > context.max_amount_fen:
        return "over"
    if context.min_amount_fen is not None and amount < context.min_amount_fen:
        return "under"
    return "within"


def _maturity_fit(context: Filters, level: int) -> str:
    low, high = maturity_level(context.min_maturity), maturity_level(context.max_maturity)
    if not low and not high:
        return "not_asked"
    if not level:
        return "unknown"
    if low and level < low:
        return "below"
    if high and level > high:
        return "beyond"
    return "meets"


def explain(
    terms: tuple[str, ...],
    context: Filters,
    *,
    field: str,
    region: str,
    modes: tuple[str, ...],
    amount: int,
    maturity: int,
) -> Explanation:
    """The explanation of one listing (its facts as the index stores them) against the context."""
    mode_fit, common = _mode_fit(context.modes, modes)
    return Explanation(
        terms=terms,
        field=_field_fit(context.fields, field),
        region="not_asked" if context.region is None else region_fit(context.region, region),
        modes=mode_fit,
        common_modes=common,
        amount=_amount_fit(context, amount),
        maturity=_maturity_fit(context, maturity),
    )


def highlight_terms(shared: list[str], limit: int = 10) -> tuple[str, ...]:
    """Shared terms without the parts of longer shared terms (离子 goes when 锂离子 is there)."""
    kept = [t for t in shared if not any(t != other and t in other for other in shared)]
    return tuple(kept[:limit])
