"""Small builders of valid contract data, with defaults; tests override only what they test.

`valid_row()` is a complete raw record as a seller's CSV would carry it (all strings), valid on
its own: a Guangzhou (天河区) company develops for a Beijing (海淀区) university.
"""

from __future__ import annotations

from datetime import date

from techmarket.domain.identifiers import (
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from techmarket.domain.problems import Problem
from techmarket.domain.record import ContractRecord, parse_record

SELLER_REGION = "440106"  # 广州市天河区
BUYER_REGION = "110108"  # 北京市海淀区
AGENCY_REGION = "440100"  # 广州市: the seller's city agency
SIGNED_ON = date(2025, 3, 10)


def make_uscc(region: str = SELLER_REGION, org8: str = "MA5D0K2P", head: str = "91") -> str:
    """A USCC with a correct embedded organisation code and check character."""
    first17 = head + region + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def make_resident_id(region: str = SELLER_REGION, born: str = "19800229", seq: str = "123") -> str:
    """A resident ID with a correct check character."""
    first17 = region + born + seq
    return first17 + resident_id_check_char(first17)


SELLER_ID = make_uscc(SELLER_REGION, "MA5D0K2P")
BUYER_ID = make_uscc(BUYER_REGION, "MA01B2C3", head="12")


def valid_row(**overrides: str) -> dict[str, str]:
    """A complete valid raw record; keyword arguments replace fields ("" empties one)."""
    row = {
        "external_id": "GZ-2025-017",
        "name": "锂电池正极材料制备工艺技术开发合同",
        "contract_type": "development",
        "subtype": "commissioned",
        "signed_on": SIGNED_ON.isoformat(),
        "valid_from": "2025-03-15",
        "valid_to": "2026-12-31",
        "total_amount": "1000000.00",
        "tech_amount": "800000.00",
        "non_tech_equipment": "150000.00",
        "non_tech_materials": "50000.00",
        "non_tech_other": "",
        "payment_method": "installments",
        "tech_field": "05",
        "ip_type": "00",
        "patent_numbers": "",
        "objective": "",
        "plan_source": "none",
        "seller_name": "广州新锂科技有限公司",
        "seller_id": SELLER_ID,
        "seller_nature": "150",
        "seller_region": SELLER_REGION,
        "seller_country": "CHN",
        "buyer_name": "北京某理工大学",
        "buyer_id": BUYER_ID,
        "buyer_nature": "022",
        "buyer_region": BUYER_REGION,
        "buyer_country": "CHN",
    }
    row.update(overrides)
    return row


def parse(row: dict[str, str], **kwargs: object) -> tuple[ContractRecord | None, list[Problem]]:
    """parse_record as row 1."""
    return parse_record(row, 1, **kwargs)  # type: ignore[arg-type]


def valid_record(**overrides: str) -> ContractRecord:
    """A parsed ContractRecord from `valid_row(**overrides)`; fails loudly if it is not valid."""
    record, problems = parse_record(valid_row(**overrides), 1)
    if record is None:
        raise AssertionError(f"builder row is invalid: {problems}")
    return record


def codes(problems: list[Problem]) -> set[str]:
    """The problem codes, for compact assertions."""
    return {p.code for p in problems}
