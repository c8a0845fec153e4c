"""Registry rules that a contract's services and the bulk import both apply: written once here.

The import cannot call the services row by row (a million rows), so it used to restate their
rules; a rule changed in one place and not the other would store different flags for the same
contract depending on how it arrived.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from django.db.models import Q

from techmarket.domain.rulesets import RuleSet


class ThresholdHolder(Protocol):
    """An agency, as far as the large-contract rule is concerned (an Agency row qualifies)."""

    large_threshold: Decimal | None


def is_large(agency: ThresholdHolder | None, tech_amount: Decimal, rule_set: RuleSet) -> bool:
    """A large contract (second review): 技术交易额 at or above the agency's own threshold, or
    the rule set's where the agency sets none (or no agency is known yet)."""
    own = agency.large_threshold if agency is not None else None
    return tech_amount >= (own if own is not None else rule_set.large_threshold)


# A seller has one contract per external_id; without one, one per content (its fingerprint).
# These conditions are the partial unique indexes' (models.Contract.Meta.constraints).
WITH_EXTERNAL_ID = ~Q(external_id="")
WITHOUT_EXTERNAL_ID = Q(external_id="")


def duplicate_identity(external_id: str | None, fingerprint: str) -> tuple[str, str]:
    """What makes two contracts of one seller the same: (column, value), by external_id when
    the contract has one, otherwise by the content's fingerprint."""
    if external_id:
        return "external_id", external_id
    return "fingerprint", fingerprint


def same_contract_where(
    seller_id: int, external_id: str | None, fingerprint: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The stored contracts that would be the same contract as this one of seller `seller_id`,
    as (equal, unequal) fields for a prepared read (server.rows): the partial unique index's
    condition is named, so that both engines use that index (SQLite infers nothing)."""
    column, value = duplicate_identity(external_id, fingerprint)
    if column == "external_id":
        return {"seller_party_id": seller_id, "external_id": value}, {"external_id": ""}
    return {"seller_party_id": seller_id, "fingerprint": value, "external_id": ""}, {}
