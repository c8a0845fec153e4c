"""A fast path for rows already written the way the platform writes them.

Large files (a registry's own export, a legacy system's migration) write every value in its
canonical text and nearly every row is valid. `parse_record` checks such a row field by field
at about 90 µs; this checker reaches the same verdict from what the full parser has already
accepted in earlier rows of the file, in a fraction of that.

It holds no rules of its own beyond the few that tie fields of one row together (date order,
amount arithmetic, distinct parties), which it repeats exactly. Each field or group of fields
whose checks depend only on its own texts (a party and the signing year; type and subtype; a
code; a date) is *learned*: after `parse_record` accepted a row without a single problem, and
its texts were already canonical, those texts are known good. A row whose every part is known
good and whose cross-field checks pass is accepted without parsing; anything else (an unknown
party, a warning, a non-canonical amount) goes back to `parse_record`, which reports it as
always. The differential tests run both paths over valid and broken rows and require the same
record and the same problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from techmarket.domain.identifiers import (
    NATURAL_PERSON,
    check_patent_number,
    normalise_patent_number,
    resident_id_birth_date,
    split_patent_numbers,
)
from techmarket.domain.record import (
    DEFAULTS,
    DOMESTIC,
    NAME_MAX,
    NAME_MIN,
    REGISTRATION_KEYS,
    ROW_KEYS,
    ContractRecord,
)

# Codes checked one by one (contract type and subtype go together, the parties' codes with them).
CODE_KEYS = ("payment_method", "tech_field", "ip_type", "objective", "plan_source")
PARTY_KEYS: dict[str, tuple[str, str, str, str, str]] = {
    role: (f"{role}_name", f"{role}_id", f"{role}_nature", f"{role}_country", f"{role}_region")
    for role in ("seller", "buyer")
}
DATE_KEYS = ("signed_on", "valid_from", "valid_to")
# Canonical amount text: plain yuan, no leading zero, exactly two decimals (what format_yuan
# writes for amounts below 10^16, parse_amount's limit).
_CANONICAL_AMOUNT = re.compile(r"(?:0|[1-9]\d{0,15})\.\d\d", re.ASCII)
_ROW_TEXTS = itemgetter(*ROW_KEYS)
_ROW_LENGTH = len(ROW_KEYS)
_NOT_REGISTERED = dict.fromkeys(REGISTRATION_KEYS, "")
# Keys an accepted row can leave empty; the others are required, or known good only when given.
_MAYBE_EMPTY = tuple(
    key
    for key in ROW_KEYS
    if key
    not in {
        "name",
        "contract_type",
        "signed_on",
        "valid_from",
        "valid_to",
        "total_amount",
        "tech_amount",
        "payment_method",
        "tech_field",
        "ip_type",
        "seller_name",
        "seller_nature",
        "seller_country",
        "buyer_name",
        "buyer_nature",
        "buyer_country",
    }
)
# The order `accept` unpacks a row in; a change to the record's fields must change it too.
_UNPACKED = [
    "external_id",
    "name",
    "contract_type",
    "subtype",
    "signed_on",
    "valid_from",
    "valid_to",
    "total_amount",
    "tech_amount",
    "non_tech_equipment",
    "non_tech_materials",
    "non_tech_other",
    "payment_method",
    "tech_field",
    "ip_type",
    "patent_numbers",
    "objective",
    "plan_source",
    "seller_name",
    "seller_id",
    "seller_nature",
    "seller_region",
    "seller_country",
    "buyer_name",
    "buyer_id",
    "buyer_nature",
    "buyer_region",
    "buyer_country",
    "registration_number",
    "registered_on",
    "agency_code",
]
if tuple(_UNPACKED) != ROW_KEYS:
    raise RuntimeError("canonical_rows unpacks the record's fields in an outdated order")
LIMIT = 65536  # learned party keys kept before starting over: memory stays flat


@lru_cache(maxsize=16384)
def _patent(text: str) -> str | None:
    """A patent number's canonical form when it has no problem at all (files repeat them)."""
    return None if check_patent_number(text, "") else normalise_patent_number(text)


def _patents(written: str) -> tuple[str, ...] | None:
    """The canonical numbers, repeats dropped, when every one is valid (as parse_record has)."""
    numbers: list[str] = []
    for text in split_patent_numbers(written):
        number = _patent(text)
        if number is None:
            return None
        if number not in numbers:
            numbers.append(number)
    return tuple(numbers)


def _born_before(year: str, _name: str, party_id: str, nature: str, country: str, *_: str) -> bool:
    """Whether a party is known good for any signing date of `year`: a person born during that
    year may have signed before their birth date on another row, which the parser refuses."""
    if nature != NATURAL_PERSON or country != DOMESTIC:
        return True
    born = resident_id_birth_date(party_id)
    return born is None or born.year < int(year)


class CanonicalRows:
    """What one import has learned about its file; `accept` and `learn` are its two uses."""

    def __init__(self, *, as_registered: bool) -> None:
        self.as_registered = as_registered
        self.types: set[tuple[str, str]] = set()
        self.codes: dict[str, set[str]] = {key: set() for key in CODE_KEYS}
        self.dates: dict[str, date] = {}
        self.parties: set[tuple[str, ...]] = set()
        self.ip_without_patents: set[str] = set()  # ip types a row may leave patents empty for

    def accept(self, raw: Mapping[str, str]) -> ContractRecord | None:
        """The record of a clean, canonical row, exactly as `parse_record` would build it;
        None when this row has anything not yet known good (then parse it).

        Written for speed (it runs once per row of a million-row file): the row is unpacked
        into locals once, and every test is a set or dict lookup or a comparison.
        """
        try:  # every column present: take them all at once, in row order
            texts: tuple[str, ...] = _ROW_TEXTS(raw)
            exact = len(raw) == _ROW_LENGTH  # the record's keys and no other (no status)
        except KeyError:
            texts = tuple(raw.get(key) or "" for key in ROW_KEYS)
            exact = False
        (
            _external_id, name, contract_type, subtype, signed, starts, ends,
            total_text, tech_text, equipment, materials, other,
            payment_method, tech_field, ip_type, patents_text, objective, plan_source,
            seller_name, seller_id, seller_nature, seller_region, seller_country,
            buyer_name, buyer_id, buyer_nature, buyer_region, buyer_country,
            _registration_number, registered_text, _agency_code,
        ) = texts  # fmt: skip
        if not NAME_MIN <= len(name) <= NAME_MAX or (contract_type, subtype) not in self.types:
            return None
        dates = self.dates
        signed_on, valid_from, valid_to = dates.get(signed), dates.get(starts), dates.get(ends)
        # ISO dates compare as text in the same order as the dates do
        if signed_on is None or valid_from is None or valid_to is None:
            return None
        if starts > ends or signed > ends:
            return None
        codes = self.codes
        if not (
            payment_method in codes["payment_method"]
            and tech_field in codes["tech_field"]
            and ip_type in codes["ip_type"]
            and objective in codes["objective"]
            and plan_source in codes["plan_source"]
        ):
            return None
        year = signed[:4]
        parties = self.parties
        if (
            "seller",
            year,
            seller_name,
            seller_id,
            seller_nature,
            seller_country,
            seller_region,
        ) not in parties or (
            "buyer",
            year,
            buyer_name,
            buyer_id,
            buyer_nature,
            buyer_country,
            buyer_region,
        ) not in parties:
            return None
        if (seller_id and seller_id == buyer_id) or seller_name == buyer_name:
            return None  # the same party twice (or a warning): let the parser say it
        match = _CANONICAL_AMOUNT.fullmatch
        if not (match(total_text) and match(tech_text)):
            return None
        total, tech = Decimal(total_text), Decimal(tech_text)
        if not (0 < tech <= total):
            return None
        items: list[Decimal | None] = []
        for item in (equipment, materials, other):
            if not item:
                items.append(None)
            elif match(item):
                items.append(Decimal(item))
            else:
                return None
        given = [item for item in items if item is not None]
        if given and total - sum(given, Decimal(0)) != tech:
            return None
        if patents_text:
            patents = _patents(patents_text)
            if not patents:  # an invalid number, or separators only
                return None
        elif ip_type in self.ip_without_patents:
            patents = ()
        else:
            return None
        registered_on = None
        # The canonical row: the raw one (a plain copy) when it holds exactly the record's keys.
        row = dict(raw) if exact else dict(zip(ROW_KEYS, texts, strict=True))
        if self.as_registered:
            registered_on = dates.get(registered_text)
            if registered_on is None or registered_text < signed:
                return None
        else:
            row.update(_NOT_REGISTERED)
        if patents_text:
            row["patent_numbers"] = ";".join(patents)
        values: dict[str, Any] = row.copy()
        for key in _MAYBE_EMPTY:  # absent values are None in a record, "" in its row
            if not values[key]:
                values[key] = None
        if not plan_source:
            values["plan_source"] = row["plan_source"] = DEFAULTS["plan_source"]
        values.update(
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
            total_amount=total,
            tech_amount=tech,
            non_tech_equipment=items[0],
            non_tech_materials=items[1],
            non_tech_other=items[2],
            patent_numbers=patents,
            registered_on=registered_on,
        )
        return ContractRecord._from_canonical(values, row)

    def learn(self, raw: Mapping[str, str], record: ContractRecord) -> None:
        """Remember the parts of a row `parse_record` accepted without any problem."""
        row = record.to_row()
        text = {key: raw.get(key) or "" for key in ROW_KEYS}

        def canonical(*keys: str) -> bool:
            return all(text[key] == row[key] for key in keys)

        if canonical("contract_type", "subtype"):
            self.types.add((text["contract_type"], text["subtype"]))
        date_keys = (*DATE_KEYS, "registered_on") if self.as_registered else DATE_KEYS
        if len(self.dates) >= LIMIT:
            self.dates.clear()
        for key in date_keys:
            if canonical(key):
                self.dates[text[key]] = getattr(record, key)
        for key in CODE_KEYS:
            if canonical(key) or (not text[key] and row[key] == DEFAULTS.get(key, "")):
                self.codes[key].add(text[key])
        if not text["patent_numbers"]:
            self.ip_without_patents.add(text["ip_type"])
        if len(self.parties) >= LIMIT:
            self.parties.clear()
        year = record.signed_on.isoformat()[:4]
        for role, keys in PARTY_KEYS.items():
            if canonical(*keys) and _born_before(year, *(text[k] for k in keys)):
                self.parties.add((role, year, *(text[k] for k in keys)))
