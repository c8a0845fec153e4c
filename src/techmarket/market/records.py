"""Moving between checked listing records (domain.listings) and Achievement / Demand rows."""

from __future__ import annotations

from techmarket.domain.listings import FIELDS, Kind, ListingRecord, canonical_row, default_values
from techmarket.market.models import Listing

# Record keys stored under another column name.
_COLUMNS = {"region": "region_code"}
_LIST_KEYS = ("patent_numbers", "transfer_modes", "cooperation_modes")
_TEXT_DEFAULT = {
    "indicators",
    "tech_field",
    "industry",
    "contact",
    "conditions",
    "maturity",
    "stage_needed",
    "ip_type",
    "holder_name",
    "holder_id",
    "holder_type",
    "company_name",
    "company_id",
    "company_type",
    "region",
}


def listing_fields(record: ListingRecord) -> dict[str, object]:
    """The model columns that hold the record's content (not the external_id)."""
    values: dict[str, object] = {}
    for key, value in record.values.items():
        if key == "external_id":
            continue
        if key in _LIST_KEYS:
            value = ";".join(value)  # type: ignore[arg-type]
        elif key in _TEXT_DEFAULT and value is None:
            value = ""
        values[_COLUMNS.get(key, key)] = value
    return values


def values_of(kind: Kind, listing: Listing) -> dict[str, object]:
    """A stored listing's typed values, in the record's shape."""
    values = default_values(kind)
    for key in values:
        stored = getattr(listing, _COLUMNS.get(key, key))
        if key in _LIST_KEYS:
            stored = tuple(part for part in str(stored).split(";") if part)
        elif stored == "":
            stored = None
        values[key] = stored
    values["external_id"] = listing.external_id  # type: ignore[attr-defined]
    return values


def row_from_listing(kind: Kind, listing: Listing) -> dict[str, str]:
    """The export row: the record's canonical texts and the status."""
    return {**canonical_row(kind, values_of(kind, listing)), "status": listing.status}


def record_keys(kind: Kind) -> tuple[str, ...]:
    return tuple(f.key for f in FIELDS[kind])
