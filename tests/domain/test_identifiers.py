"""Check characters of credit codes, resident IDs and patent numbers (contract-format.md §6)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.codes.regions import province_prefixes
from techmarket.domain.identifiers import (
    RESIDENT_ID_CHECK,
    USCC_ALPHABET,
    check_party_id,
    check_patent_number,
    check_resident_id,
    check_uscc,
    normalise_patent_number,
    org_code_check_char,
    patent_check_char,
    resident_id_birth_date,
    resident_id_check_char,
    split_patent_numbers,
    uscc_check_char,
    uscc_region,
)
from techmarket.domain.problems import Problem

from .builders import make_resident_id, make_uscc

EXAMPLE_USCC = "91350100M000100Y43"
EXAMPLE_PATENT = "ZL 2021 1 0921116.9"
EXAMPLE_RESIDENT_ID = make_resident_id()


def errors(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems if p.severity == "error"]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# --- examples ---------------------------------------------------------------------------------


def test_the_published_example_credit_code_is_valid() -> None:
    assert uscc_check_char(EXAMPLE_USCC[:17]) == "3"
    assert check_uscc(EXAMPLE_USCC, "seller_id") == []


def test_the_embedded_organisation_code_of_the_example_passes_gb_11714() -> None:
    assert org_code_check_char("M000100Y") == "4"


def test_a_wrong_check_character_names_the_expected_and_the_found_one() -> None:
    [problem] = check_uscc("91350100M000100Y47", "seller_id")
    assert problem.code == "uscc_check_digit"
    assert problem.field == "seller_id"
    assert problem.row == 0
    assert problem.message == "统一社会信用代码校验位错误：应为 3，实际为 7"
    assert problem.message_en == "Check character should be 3, found 7"


def test_a_lower_case_credit_code_with_spaces_is_accepted() -> None:
    assert check_uscc(" 91350100m000100y43 ", "seller_id") == []


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_never_used_in_credit_codes_are_rejected(letter: str) -> None:
    code = EXAMPLE_USCC[:10] + letter + EXAMPLE_USCC[11:]
    assert codes(check_uscc(code, "seller_id")) == ["uscc_forbidden_char"]


def test_a_credit_code_of_the_wrong_length_says_how_long_it_is() -> None:
    [problem] = check_uscc("91350100M000100Y4", "seller_id")
    assert problem.code == "uscc_length"
    assert "17" in problem.message


def test_a_credit_code_with_letters_in_its_region_part_is_malformed() -> None:
    assert codes(check_uscc("913501A0M000100Y43", "seller_id")) == ["uscc_format"]


def test_a_bad_embedded_organisation_code_is_only_a_warning() -> None:
    first17 = "91440106" + "MA5D0K2P" + "1"
    code = first17 + uscc_check_char(first17)
    [problem] = check_uscc(code, "seller_id")
    assert (problem.code, problem.severity) == ("uscc_org_code_check", "warning")


def test_the_region_of_a_credit_code_is_positions_three_to_eight() -> None:
    assert uscc_region(EXAMPLE_USCC) == "350100"


def test_a_resident_id_with_the_right_check_character_is_valid() -> None:
    assert check_resident_id(EXAMPLE_RESIDENT_ID, "seller_id") == []


def test_a_resident_id_ending_in_lower_case_x_is_accepted() -> None:
    first17 = next(
        f"11010519491231{n:03d}"
        for n in range(1000)
        if resident_id_check_char(f"11010519491231{n:03d}") == "X"
    )
    assert check_resident_id(first17 + "x", "seller_id") == []


def test_a_resident_id_whose_birth_date_does_not_exist_is_rejected() -> None:
    first17 = "44010619810229123"  # 1981 is no leap year
    number = first17 + resident_id_check_char(first17)
    assert codes(check_resident_id(number, "seller_id")) == ["resident_id_birth_date"]


@pytest.mark.parametrize("prefix", ["99", "00", "10", "24", "47", "55", "66", "72", "90"])
def test_a_resident_id_whose_first_two_digits_name_no_province_is_rejected(prefix: str) -> None:
    number = make_resident_id(prefix + "0106")
    assert codes(check_resident_id(number, "seller_id")) == ["resident_id_province"]


@pytest.mark.parametrize(
    ("region", "where"),
    [
        ("440106", "广州市天河区"),
        ("110105", "北京市朝阳区"),
        ("650102", "乌鲁木齐市天山区"),
        ("460100", "海口市 (Hainan, a province only since 1988)"),
        ("500103", "重庆市渝中区 (Chongqing, a province-level city only since 1997)"),
        ("440102", "广州市东山区 (abolished in 2005: old IDs keep it)"),
        ("710000", "台湾省 (GB/T 2260)"),
        ("810000", "香港 (GB/T 2260 and residence permits)"),
        ("820000", "澳门 (GB/T 2260 and residence permits)"),
        ("830000", "a Taiwan resident's residence permit (港澳台居民居住证)"),
    ],
)
def test_a_resident_id_of_any_province_then_or_now_is_valid(region: str, where: str) -> None:
    assert check_resident_id(make_resident_id(region), "seller_id") == [], where


def test_every_province_level_code_of_gbt_2260_is_a_resident_id_prefix() -> None:
    assert len(province_prefixes()) == 34
    for prefix in province_prefixes():
        assert check_resident_id(make_resident_id(prefix + "0000"), "seller_id") == [], prefix


def test_a_resident_id_wrong_in_province_and_check_character_reports_both() -> None:
    number = make_resident_id("990106")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert codes(check_resident_id(wrong, "seller_id")) == [
        "resident_id_province",
        "resident_id_check_digit",
    ]


def test_the_birth_date_is_read_from_positions_seven_to_fourteen() -> None:
    assert resident_id_birth_date(make_resident_id(born="19800229").lower()) == date(1980, 2, 29)
    assert resident_id_birth_date("44010619810229123X") is None  # 1981 has no 29 February
    assert resident_id_birth_date(EXAMPLE_USCC) is None


def test_a_resident_id_with_a_wrong_check_character_is_rejected() -> None:
    wrong = EXAMPLE_RESIDENT_ID[:17] + ("0" if EXAMPLE_RESIDENT_ID[17] != "0" else "1")
    assert codes(check_resident_id(wrong, "seller_id")) == ["resident_id_check_digit"]


def test_a_natural_person_is_identified_by_a_resident_id() -> None:
    assert check_party_id(EXAMPLE_RESIDENT_ID, "seller_id", "400") == []


def test_a_natural_person_with_a_credit_code_is_told_to_correct_id_or_nature() -> None:
    assert codes(check_party_id(EXAMPLE_USCC, "seller_id", "400")) == ["party_id_kind"]


def test_a_company_with_a_resident_id_is_told_to_use_its_credit_code() -> None:
    assert codes(check_party_id(EXAMPLE_RESIDENT_ID, "seller_id", "150")) == ["party_id_kind"]


def test_a_company_with_a_broken_credit_code_gets_the_credit_code_problem() -> None:
    assert codes(check_party_id("91350100M000100Y47", "seller_id", "150")) == ["uscc_check_digit"]


def test_the_published_example_patent_number_is_valid_and_normalised() -> None:
    assert normalise_patent_number(EXAMPLE_PATENT) == "202110921116.9"
    assert check_patent_number(EXAMPLE_PATENT, "patent_numbers") == []


@pytest.mark.parametrize(
    "text",
    ["202110921116.9", "2021109211169", "zl202110921116.9", "ＺＬ２０２１１０９２１１１６．９"],
)
def test_patent_numbers_are_accepted_with_or_without_prefix_dot_and_full_width(text: str) -> None:
    assert normalise_patent_number(text) == "202110921116.9"


@pytest.mark.parametrize("text", ["", "2021109211", "CN202110921116.9", "202110921116.99"])
def test_a_patent_number_of_the_wrong_shape_is_not_normalised(text: str) -> None:
    assert normalise_patent_number(text) is None
    assert codes(check_patent_number(text, "patent_numbers")) == ["patent_format"]


def test_an_old_eight_digit_patent_number_is_checked_with_the_same_rule() -> None:
    digits = "98123456"
    number = f"ZL{digits}.{patent_check_char(digits)}"
    assert check_patent_number(number, "patent_numbers") == []


def test_a_patent_check_of_ten_is_written_x() -> None:
    candidates = (f"2021100{n:05d}" for n in range(10**5))
    digits = next(d for d in candidates if patent_check_char(d) == "X")
    assert check_patent_number(f"{digits}.x", "patent_numbers") == []


def test_a_wrong_patent_check_digit_names_the_expected_one() -> None:
    [problem] = check_patent_number("ZL 2021 1 0921116.3", "patent_numbers")
    assert problem.code == "patent_check_digit"
    assert "应为 9" in problem.message


def test_a_patent_number_with_an_unknown_kind_digit_is_rejected() -> None:
    digits = "202150921116"
    assert codes(check_patent_number(f"{digits}.{patent_check_char(digits)}", "p")) == [
        "patent_kind"
    ]


def test_patent_lists_split_on_semicolons_and_chinese_separators() -> None:
    assert split_patent_numbers("ZL 2021 1 0921116.9; 202110921116.9；2021109211169") == [
        "ZL 2021 1 0921116.9",
        "202110921116.9",
        "2021109211169",
    ]


# --- properties -------------------------------------------------------------------------------

USCC_CHAR = st.sampled_from(USCC_ALPHABET)
DIGIT = st.sampled_from("0123456789")


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    head = "".join(draw(st.lists(USCC_CHAR, min_size=2, max_size=2)))
    region = "".join(draw(st.lists(DIGIT, min_size=6, max_size=6)))
    body = "".join(draw(st.lists(USCC_CHAR, min_size=9, max_size=9)))
    first17 = head + region + body
    return first17 + uscc_check_char(first17)


@st.composite
def valid_resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(province_prefixes() | {"83"})))
    region = province + "".join(draw(st.lists(DIGIT, min_size=4, max_size=4)))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    born = born.strftime("%Y%m%d")
    seq = "".join(draw(st.lists(DIGIT, min_size=3, max_size=3)))
    return region + born + seq + resident_id_check_char(region + born + seq)


@st.composite
def valid_patent_numbers(draw: st.DrawFn) -> str:
    year = draw(st.integers(2003, 2099))
    kind = draw(st.sampled_from("12389"))
    serial = draw(st.integers(0, 9_999_999))
    digits = f"{year}{kind}{serial:07d}"
    return f"{digits}.{patent_check_char(digits)}"


@given(valid_usccs())
def test_any_credit_code_with_its_computed_check_character_passes(code: str) -> None:
    assert errors(check_uscc(code, "seller_id")) == []


@given(valid_usccs())
def test_any_credit_code_is_accepted_in_lower_case(code: str) -> None:
    assert errors(check_uscc(code.lower(), "seller_id")) == []


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOSVZ"))
def test_any_single_character_change_of_a_credit_code_fails(
    code: str, position: int, replacement: str
) -> None:
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert errors(check_uscc(changed, "seller_id"))


@given(valid_resident_ids())
def test_any_resident_id_with_its_computed_check_character_passes(number: str) -> None:
    assert check_resident_id(number.lower(), "seller_id") == []


@given(valid_resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_resident_id_fails(
    number: str, position: int, replacement: str
) -> None:
    if number[position] == replacement:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    assert errors(check_resident_id(changed, "seller_id"))


@given(valid_patent_numbers())
def test_any_patent_number_with_its_computed_check_character_passes(number: str) -> None:
    assert check_patent_number("ZL " + number.lower(), "patent_numbers") == []


@given(valid_patent_numbers(), st.integers(0, 12), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_patent_number_fails(
    number: str, position: int, replacement: str
) -> None:
    plain = number.replace(".", "")
    if plain[position] == replacement or (position < 12 and replacement == "X"):
        return
    changed = plain[:position] + replacement + plain[position + 1 :]
    assert errors(check_patent_number(changed, "patent_numbers"))


def test_check_characters_stay_within_their_alphabets() -> None:
    assert set(make_uscc()[-1]) <= set(USCC_ALPHABET)
    assert make_resident_id()[-1] in RESIDENT_ID_CHECK
