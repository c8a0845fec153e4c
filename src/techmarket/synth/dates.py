"""Dates of synthetic contracts: seasonal registration days and a consistent contract term.

Registration days carry the seasonality (statistics count by registration date); signing
precedes registration by a short lag, and the term covers registration, so every contract is
in force when it is registered (domain.md §1.4).
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from datetime import date

from techmarket.synth import calibration as cal
from techmarket.synth.sampling import Weighted

MAX_LAG_DAYS = 120  # signed → registered; most within weeks (mean ≈ 18 days)
MEAN_LAG_DAYS = 18.0
MIN_REMAINING_DAYS = 30  # a contract submitted today must run at least this long


# Ordinals (date.toordinal) of signed_on, valid_from, valid_to and registered_on (None when not
# registered); a plain tuple, as this is built once per record.
ContractDates = tuple[int, int, int, int | None]


def registration_days(years: Sequence[int]) -> Weighted[int]:
    """Day ordinals over `years`, weighted by month seasonality and yearly growth."""
    days: list[int] = []
    weights: list[float] = []
    for index, year in enumerate(sorted(set(years))):
        year_weight = cal.YEARLY_GROWTH**index
        for month in range(1, 13):
            length = calendar.monthrange(year, month)[1]
            weight = year_weight * cal.MONTH_WEIGHTS[month - 1] / length
            first = date(year, month, 1).toordinal()
            days.extend(range(first, first + length))
            weights.extend([weight] * length)
    return Weighted(days, weights)


def term_range(contract_type: str) -> tuple[int, int]:
    """Shortest term and its spread in days: 1–3 years, licences 2–5 years."""
    return (730, 1095) if contract_type == "license" else (365, 730)


def contract_dates(
    anchor: int, term: tuple[int, int], rnd: random.Random, *, today: int, registered: bool
) -> ContractDates:
    """Signed ≤ valid_from ≤ registration (or today) ≤ valid_to, from a seasonal `anchor` day.

    Days after `today` are pulled back into the last month, so nothing is signed or registered
    in the future. Unregistered contracts run until at least today + 30 days, so that a
    submission today is still within the term.
    """
    random_ = rnd.random
    if anchor > today:
        anchor = today - int(30 * random_())
    lag = min(int(rnd.expovariate(1.0 / MEAN_LAG_DAYS)), MAX_LAG_DAYS)
    signed = anchor - lag
    in_force_by = anchor if registered else today
    valid_from = signed
    if random_() >= 0.8:
        valid_from += int((in_force_by - signed + 1) * random_())
    valid_to = signed + term[0] + int(term[1] * random_())
    if registered:
        valid_to = max(valid_to, anchor + MIN_REMAINING_DAYS)
    else:
        valid_to = max(valid_to, today + MIN_REMAINING_DAYS + int(335 * random_()))
    return signed, valid_from, valid_to, anchor if registered else None


class IsoDates:
    """Memoised date.fromordinal(o).isoformat(): a run reuses a few thousand distinct days."""

    def __init__(self) -> None:
        self.memo: dict[int, str] = {}

    def __call__(self, ordinal: int) -> str:
        text = self.memo.get(ordinal)
        if text is None:
            text = self.memo[ordinal] = date.fromordinal(ordinal).isoformat()
        return text
