"""Moving between the public record (domain ContractRecord / canonical rows) and Contract rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from techmarket.domain.fields import RECORD_FIELDS
from techmarket.domain.record import ContractRecord
from techmarket.registry.models import Contract

RECORD_KEYS: tuple[str, ...] = tuple(f.key for f in RECORD_FIELDS)
EXPORT_KEYS: tuple[str, ...] = (
    *RECORD_KEYS,
    "status",
    "registration_number",
    "registered_on",
    "agency_code",
)


def contract_fields(record: ContractRecord) -> dict[str, object]:
    """The Contract model columns that hold the record's content."""
    values = {key: getattr(record, key) for key in RECORD_KEYS}
    values["patent_numbers"] = ";".join(record.patent_numbers)
    for key in (
        "external_id",
        "subtype",
        "objective",
        "seller_id",
        "seller_region",
        "buyer_id",
        "buyer_region",
    ):
        values[key] = values[key] or ""
    values["plan_source"] = values["plan_source"] or "none"
    return values


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def row_from_values(values: Mapping[str, object]) -> dict[str, str]:
    """Canonical strings for export, from a Contract's values (plus agency_code)."""
    row = {key: _text(values.get(key)) for key in EXPORT_KEYS}
    if row["plan_source"] == "none" and not values.get("plan_source"):
        row["plan_source"] = "none"
    return row


def row_from_contract(contract: Contract) -> dict[str, str]:
    values = {key: getattr(contract, key) for key in EXPORT_KEYS if hasattr(contract, key)}
    values["agency_code"] = contract.agency.code
    return row_from_values(values)
