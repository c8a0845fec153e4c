"""Validating one raw contract record (contract-format.md §1–§6)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techmarket.domain.fields import RECORD_FIELDS, REGISTRATION_FIELDS
from techmarket.domain.record import (
    NON_TECH_KEYS,
    REGISTRATION_KEYS,
    ROW_KEYS,
    ContractRecord,
    parse_record,
)

from .builders import (
    SELLER_ID,
    codes,
    make_resident_id,
    make_uscc,
    parse,
    valid_record,
    valid_row,
)

PATENT = "ZL 2021 1 0921116.9"


def errors_of(row: dict[str, str], **kwargs: object) -> set[str]:
    _, problems = parse(row, **kwargs)
    return {p.code for p in problems if p.severity == "error"}


# --- a valid record ----------------------------------------------------------------------------


def test_the_builder_row_is_a_valid_record_without_problems() -> None:
    record, problems = parse(valid_row())
    assert problems == []
    assert isinstance(record, ContractRecord)
    assert record.total_amount == Decimal("1000000.00")
    assert record.signed_on == date(2025, 3, 10)
    assert record.non_tech_total == Decimal("200000.00")


def test_a_record_written_back_as_a_row_parses_to_the_same_record() -> None:
    record = valid_record(ip_type="01", patent_numbers=PATENT)
    assert parse_record(record.to_row(), 1)[0] == record


def test_a_row_has_every_record_and_registration_key_as_a_canonical_string() -> None:
    row = valid_record(ip_type="01", patent_numbers=f"{PATENT};2021109211169").to_row()
    keys = [f.key for f in RECORD_FIELDS + REGISTRATION_FIELDS]
    assert list(row) == keys
    assert row["total_amount"] == "1000000.00"
    assert row["signed_on"] == "2025-03-10"
    assert row["patent_numbers"] == "202110921116.9"  # duplicates folded
    assert row["non_tech_other"] == ""
    assert row["registration_number"] == ""


def test_chinese_headers_and_chinese_code_names_are_accepted() -> None:
    labelled = {f.label_zh: v for f, v in zip(RECORD_FIELDS, valid_row().values(), strict=True)}
    labelled.update({"合同类型": "技术开发", "合同子类": "委托开发", "支付方式": "分期支付"})
    record, problems = parse_record(labelled, 3)
    assert problems == []
    assert record == valid_record()


def test_spreadsheet_cells_are_accepted_as_typed_values() -> None:
    cells: dict[str, object] = dict(valid_row())
    cells.update(
        signed_on=datetime(2025, 3, 10),
        valid_from=45731,  # 2025-03-15 as an Excel serial
        valid_to=date(2026, 12, 31),
        total_amount=1000000,
        tech_amount=800000.0,
        non_tech_equipment=Decimal("150000"),
        non_tech_materials=50000.00,
        non_tech_other=None,
        tech_field=5,  # Excel dropped the leading zero
        seller_region=440106,
        buyer_nature=22,
    )
    record, problems = parse_record(cells, 1)
    assert problems == []
    assert record == valid_record()


def test_amount_columns_in_wan_yuan_are_converted_to_yuan() -> None:
    row = valid_row(total_amount="100", tech_amount="80", non_tech_equipment="15")
    row["non_tech_materials"] = "5"
    record, problems = parse(row, wan_yuan_fields=frozenset(row) - {"name"})
    assert problems == []
    assert record is not None
    assert record.tech_amount == Decimal("800000.00")


def test_defaults_fill_plan_source_and_countries() -> None:
    record = valid_record(plan_source="", seller_country="", buyer_country="")
    assert (record.plan_source, record.seller_country, record.buyer_country) == (
        "none",
        "CHN",
        "CHN",
    )


def test_a_foreign_buyer_needs_neither_id_nor_region() -> None:
    record = valid_record(buyer_country="USA", buyer_id="", buyer_region="", buyer_nature="900")
    assert not record.is_domestic("buyer")
    assert record.buyer.region is None


def test_a_hong_kong_buyer_is_not_domestic() -> None:
    record = valid_record(buyer_country="香港", buyer_id="", buyer_region="")
    assert record.buyer_country == "HKG"
    assert not record.buyer.is_domestic


def test_a_natural_person_seller_identifies_with_a_resident_id() -> None:
    record = valid_record(seller_nature="400", seller_id=make_resident_id().lower())
    assert record.seller_id == make_resident_id()
    assert record.seller.is_natural_person


def _person_seller(born: str, signed_on: str, **overrides: str) -> dict[str, str]:
    """A row whose seller is a natural person born on `born` (YYYYMMDD), signed on `signed_on`."""
    row = valid_row(seller_nature="400", seller_name="张三", seller_id=make_resident_id(born=born))
    row.update(signed_on=signed_on, valid_from=signed_on, **overrides)
    return row


def test_a_natural_person_born_after_the_signing_date_is_refused() -> None:
    _, problems = parse(_person_seller("20250401", "2025-03-10"))
    assert [(p.field, p.code, p.severity) for p in problems] == [
        ("seller_id", "resident_id_born_after_signing", "error")
    ]
    assert "2025-04-01" in problems[0].message and "2025-04-01" in problems[0].message_en


def test_a_natural_person_buyer_born_after_the_signing_date_is_refused() -> None:
    row = valid_row(
        buyer_nature="400",
        buyer_name="李四",
        buyer_id=make_resident_id("110108", born="20300101"),
    )
    assert errors_of(row) == {"resident_id_born_after_signing"}


@pytest.mark.parametrize("born", ["19800229", "20250310"])
def test_a_natural_person_born_before_or_on_the_signing_date_passes(born: str) -> None:
    record, problems = parse(_person_seller(born, "2025-03-10"))
    assert record is not None and problems == []


def test_the_birth_date_is_checked_against_each_rows_own_signing_date() -> None:
    """Parties are remembered per signing year; the full date still decides for each row."""
    assert parse(_person_seller("20250301", "2025-03-10"))[0] is not None
    assert errors_of(_person_seller("20250301", "2025-02-10")) == {"resident_id_born_after_signing"}


def test_a_resident_id_naming_no_province_is_refused_in_a_record() -> None:
    row = valid_row(seller_nature="400", seller_id=make_resident_id("990106"))
    assert errors_of(row) == {"resident_id_province"}


# --- all problems at once ----------------------------------------------------------------------


def test_an_invalid_row_reports_all_of_its_problems_at_once() -> None:
    row = valid_row(
        name="X",
        contract_type="consulting",
        subtype="commissioned",
        valid_from="2026-01-01",
        valid_to="2025-12-31",
        total_amount="100.005",
        tech_amount="-1",
        payment_method="barter",
        tech_field="99",
        ip_type="01",
        seller_id="91350100M000100Y47",
        seller_region="440102",
        buyer_id=SELLER_ID,
        buyer_region="",
    )
    record, problems = parse(row)
    assert record is None
    assert codes(problems) >= {
        "name_length",
        "subtype_not_allowed",
        "validity_order",
        "amount_precision",
        "amount_not_positive",
        "unknown_code",
        "patent_numbers_required",
        "uscc_check_digit",
        "region_abolished",
        "required",
    }
    assert {p.row for p in problems} == {1}
    assert all(p.message and p.message_en for p in problems)


def test_problems_carry_the_row_they_were_found_in() -> None:
    _, problems = parse_record(valid_row(name=""), 17)
    assert [(p.row, p.field, p.code) for p in problems] == [(17, "name", "required")]


@pytest.mark.parametrize("key", [f.key for f in RECORD_FIELDS if f.required])
def test_every_required_field_is_required(key: str) -> None:
    assert "required" in errors_of(valid_row(**{key: "  "}))


@pytest.mark.parametrize("key", ["seller_id", "seller_region", "buyer_id", "buyer_region"])
def test_ids_and_regions_are_required_for_domestic_parties(key: str) -> None:
    assert errors_of(valid_row(**{key: ""})) == {"required"}


# --- single rules ------------------------------------------------------------------------------


def test_a_name_longer_than_two_hundred_characters_is_rejected() -> None:
    assert errors_of(valid_row(name="技术开发" * 51)) == {"name_length"}


def test_an_unknown_code_message_suggests_valid_values() -> None:
    _, [problem] = parse(valid_row(payment_method="barter"))
    assert problem.code == "unknown_code"
    assert "lump_sum" in problem.message and "barter" in problem.message_en


def test_a_development_contract_needs_a_subtype() -> None:
    _, [problem] = parse(valid_row(subtype=""))
    assert problem.code == "subtype_required"
    assert "commissioned" in problem.message


def test_a_subtype_of_another_contract_type_is_a_mismatch() -> None:
    assert errors_of(valid_row(subtype="patent_right")) == {"subtype_mismatch"}


def test_a_consulting_contract_has_no_subtype() -> None:
    assert errors_of(valid_row(contract_type="consulting", subtype="")) == set()
    assert errors_of(valid_row(contract_type="咨询", subtype="")) == {"unknown_code"}


def test_know_how_resolves_within_the_contract_type() -> None:
    record = valid_record(contract_type="license", subtype="技术秘密使用许可", ip_type="05")
    assert record.subtype == "know_how"


def test_signing_after_the_end_of_the_term_is_rejected() -> None:
    assert errors_of(valid_row(signed_on="2027-01-01")) == {"signed_after_valid_to"}


def test_an_unreadable_date_names_the_field_and_the_value() -> None:
    _, [problem] = parse(valid_row(valid_to="31/12/2026"))
    assert (problem.field, problem.code) == ("valid_to", "date_format")
    assert "31/12/2026" in problem.message


def test_tech_amount_may_not_exceed_the_total() -> None:
    row = valid_row(tech_amount="1000000.01", non_tech_equipment="", non_tech_materials="")
    assert errors_of(row) == {"tech_exceeds_total"}


def test_a_tech_amount_that_does_not_match_the_non_tech_items_says_the_expected_value() -> None:
    _, [problem] = parse(valid_row(tech_amount="850000"))
    assert problem.code == "tech_amount_mismatch"
    assert "800000.00" in problem.message and "850000.00" in problem.message
    assert "800000.00" in problem.message_en


def test_a_negative_non_tech_item_is_rejected() -> None:
    row = valid_row(non_tech_other="-1", tech_amount="800001")
    assert errors_of(row) == {"amount_negative"}


def test_a_patent_kind_needs_patent_numbers() -> None:
    assert errors_of(valid_row(ip_type="01")) == {"patent_numbers_required"}
    assert errors_of(valid_row(ip_type="发明专利", patent_numbers=PATENT)) == set()


def test_every_patent_number_is_check_digit_verified() -> None:
    row = valid_row(ip_type="01", patent_numbers=f"{PATENT}; ZL 2021 1 0921116.3; 12345")
    _, problems = parse(row)
    assert [p.code for p in problems] == ["patent_check_digit", "patent_format"]


def test_an_unknown_region_code_is_not_the_same_problem_as_an_abolished_one() -> None:
    assert errors_of(valid_row(seller_region="440199")) == {"region_unknown"}
    _, [abolished] = parse(valid_row(seller_region="440102"))
    assert abolished.code == "region_abolished"
    assert "2005" in abolished.message and "440104" in abolished.message


def test_an_abolished_region_is_fine_for_a_contract_signed_before_the_change() -> None:
    row = valid_row(
        seller_region="440102",
        signed_on="2004-05-01",
        valid_from="2004-05-01",
        valid_to="2006-01-01",
    )
    assert errors_of(row) == set()


def test_a_region_created_after_signing_is_not_yet_valid() -> None:
    row = valid_row(buyer_region="130505", buyer_id=make_uscc("130505", "MA01B2C3"))
    row.update(signed_on="2019-05-01", valid_from="2019-05-01")
    assert errors_of(row) == {"region_not_yet_valid"}


def test_a_malformed_region_code_is_rejected() -> None:
    assert errors_of(valid_row(seller_region="4401")) == {"region_format"}


def test_a_company_with_a_resident_id_is_rejected() -> None:
    assert errors_of(valid_row(seller_id=make_resident_id())) == {"party_id_kind"}


def test_seller_and_buyer_must_be_different_parties() -> None:
    assert errors_of(valid_row(buyer_id=SELLER_ID.lower(), buyer_region="440106")) == {"same_party"}


def test_a_credit_code_from_another_province_is_only_a_warning() -> None:
    record, [problem] = parse(valid_row(buyer_region="440106"))
    assert record is not None
    assert (problem.field, problem.code, problem.severity) == (
        "buyer_id",
        "uscc_region_mismatch",
        "warning",
    )


def test_a_central_organisation_code_never_mismatches_its_region() -> None:
    central = make_uscc("100000", "40000062", head="12")
    assert parse(valid_row(buyer_id=central))[1] == []


def test_an_unknown_country_is_rejected() -> None:
    assert errors_of(valid_row(buyer_country="XXX", buyer_id="", buyer_region="")) == {
        "unknown_code"
    }


# --- migration of registered contracts ---------------------------------------------------------


def test_migrated_contracts_need_their_registration_date_but_not_a_number() -> None:
    assert errors_of(valid_row(), as_registered=True) == {"required"}
    record, problems = parse(valid_row(registered_on="2025-04-01"), as_registered=True)
    assert problems == [] and record is not None and record.registration_number is None
    registered = valid_row(registration_number="2025440100000123", registered_on="2025-04-01")
    record, problems = parse(registered, as_registered=True)
    assert problems == []
    assert record is not None and record.registered_on == date(2025, 4, 1)


def test_registration_before_signing_is_rejected() -> None:
    row = valid_row(registration_number="2025440100000123", registered_on="2025-03-09")
    assert errors_of(row, as_registered=True) == {"registered_before_signed"}


def test_registration_keys_are_ignored_for_new_submissions() -> None:
    record = valid_record(registration_number="2025440100000123", registered_on="bad")
    assert record.registration_number is None


# --- fingerprint -------------------------------------------------------------------------------


def test_the_fingerprint_ignores_registration_but_not_content() -> None:
    record = valid_record()
    registered = replace(record, registration_number="2025440100000123", agency_code="A01")
    assert registered.fingerprint() == record.fingerprint()
    assert replace(record, tech_amount=Decimal("800000.01")).fingerprint() != record.fingerprint()


def test_the_fingerprint_does_not_depend_on_how_the_input_was_written() -> None:
    plain = valid_record()
    spelled = valid_record(total_amount="1,000,000", signed_on="2025年3月10日", subtype="委托开发")
    assert spelled.fingerprint() == plain.fingerprint()


# --- properties of the amount rules ------------------------------------------------------------

FEN_AMOUNTS = st.decimals(min_value="0.01", max_value=10**10, places=2, allow_nan=False)
ITEMS = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(FEN_AMOUNTS, FEN_AMOUNTS)
def test_tech_amount_above_the_total_is_always_an_error(total: Decimal, tech: Decimal) -> None:
    row = valid_row(total_amount=str(total), tech_amount=str(tech))
    row.update(non_tech_equipment="", non_tech_materials="")
    assert ("tech_exceeds_total" in errors_of(row)) == (tech > total)


@settings(max_examples=60, deadline=None)
@given(FEN_AMOUNTS, st.lists(ITEMS, min_size=1, max_size=3), st.integers(-2, 2))
def test_total_minus_the_non_tech_items_must_equal_the_tech_amount(
    tech: Decimal, items: list[Decimal], fen_off: int
) -> None:
    total = tech + sum(items)
    given = dict(zip(NON_TECH_KEYS, map(str, items), strict=False))
    row = valid_row(
        total_amount=str(total),
        tech_amount=str(tech + Decimal(fen_off) / 100),
        **{key: given.get(key, "") for key in NON_TECH_KEYS},
    )
    mismatch = "tech_amount_mismatch" in errors_of(row)
    assert mismatch == (fen_off != 0)


def test_a_repeated_party_gets_the_same_problems_each_time() -> None:
    """Parties are memoised per signing year; problems quoting the full date are not."""
    row = valid_row(seller_region="440102", signed_on="2024-03-01", valid_from="2024-03-01")
    first, second = parse(row)[1], parse(row)[1]
    assert first == second and [p.code for p in first] == ["region_abolished"]
    later = dict(row, signed_on="2024-03-02", valid_from="2024-03-02")
    [problem] = parse(later)[1]
    assert "2024-03-02" in problem.message and "2024-03-01" not in problem.message


def test_a_parsed_row_is_the_same_as_the_row_computed_from_the_fields() -> None:
    record, _ = parse(valid_row(non_tech_other="0"))
    assert record is not None
    computed = replace(record).to_row()  # built through __init__: no precomputed row
    assert record.to_row() == computed and record.fingerprint() == replace(record).fingerprint()


@pytest.mark.parametrize("name", ["智能传感器技术开发合同", 'a "quoted" \\ name 技术开发合同'])
def test_the_fingerprint_is_the_sha256_of_the_contents_sorted_json(name: str) -> None:
    """The definition stored fingerprints were made with; the fast template must not drift."""
    record = valid_record(name=name)
    row = record.to_row()
    content = {key: row[key] for key in ROW_KEYS if key not in REGISTRATION_KEYS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert record.fingerprint() == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("seller_id", "91٤٤٠١٠٦MA5D0K2PXX"),  # Arabic-Indic digits in a USCC
        ("seller_id", "٤٤٠١٠٦١٩٩٠٠١٠١١٢٣٤"),  # … in a resident ID
        ("patent_numbers", "٢٠٢١١٠٩٢١١١٦.9"),
        ("seller_region", "٤٤٠١٠٦"),
        ("signed_on", "٢٠٢٥-03-10"),
    ],
)
def test_digits_of_other_scripts_are_a_problem_not_a_crash(key: str, text: str) -> None:
    overrides = {key: text, "ip_type": "01"} if key == "patent_numbers" else {key: text}
    record, problems = parse(valid_row(**overrides))
    assert record is None
    assert {p.field for p in problems if p.severity == "error"} >= {key}


def test_separators_alone_are_no_patent_numbers() -> None:
    assert "patent_numbers_required" in errors_of(valid_row(ip_type="01", patent_numbers=";"))
