"""Versions of the recognition rules as data, chosen by the application date (domain.md §0.1).

A contract keeps the version it was recognised under, so a later rule change never rewrites
old decisions; a new 办法 is a new row here, not an `if` in the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RuleSet:
    """Time limits and thresholds of one version of the 技术合同认定登记管理办法."""

    version: str
    effective_from: date
    review_limit_days: int
    large_review_limit_days: int
    limit_in_working_days: bool
    # 技术交易额 at or above which a contract is "large" (expert review, longer limit).
    large_threshold: Decimal

    def limit_days(self, *, large: bool) -> int:
        """Days the agency has to decide, in the unit `limit_in_working_days` says."""
        return self.large_review_limit_days if large else self.review_limit_days


RULE_SETS: tuple[RuleSet, ...] = (
    # 国科发政字〔2000〕063号: decide within 30 (calendar) days of acceptance; no separate path
    # for large contracts, so both limits are 30 and the threshold only sets the statistics flag.
    RuleSet(
        version="2000",
        effective_from=date(2000, 2, 16),
        review_limit_days=30,
        large_review_limit_days=30,
        limit_in_working_days=False,
        large_threshold=Decimal("5000000.00"),
    ),
    # MIIT 2026 办法 (issued 2026-01-23, reported in force 2026-03-01), as the 2024 draft
    # art. 14: 15 working days, 30 for 技术交易额 ≥ 5,000,000 yuan. [V draft; confirm the text]
    RuleSet(
        version="2026",
        effective_from=date(2026, 3, 1),
        review_limit_days=15,
        large_review_limit_days=30,
        limit_in_working_days=True,
        large_threshold=Decimal("5000000.00"),
    ),
)
RULE_SETS_BY_VERSION: dict[str, RuleSet] = {r.version: r for r in RULE_SETS}


def rule_set_for(applied_on: date) -> RuleSet:
    """The rule set in force on the application date (ValueError before the first one)."""
    in_force = [r for r in RULE_SETS if r.effective_from <= applied_on]
    if not in_force:
        raise ValueError(f"no recognition rules before {RULE_SETS[0].effective_from}")
    return max(in_force, key=lambda r: r.effective_from)


def rule_set(version: str) -> RuleSet:
    """A rule set by its stored version (KeyError when unknown)."""
    return RULE_SETS_BY_VERSION[version]
