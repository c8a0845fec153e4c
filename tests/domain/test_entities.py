from datetime import date

import pytest

from techmarket.domain import entities as rules


@pytest.mark.parametrize(
    "number", ["GR202311004043", "GR202231005683", "GR201744200826", "GF201144000123"]
)
def test_published_high_tech_certificate_numbers_pass(number):
    assert rules.check_number("high_tech_enterprise", number) == []


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("GR20231100404", "high_tech_number_format"),
        ("XR202311004043", "high_tech_number_format"),
        ("GR202399004043", "high_tech_number_province"),
    ],
)
def test_a_malformed_high_tech_number_names_what_is_wrong(number, code):
    [problem] = rules.check_number("high_tech_enterprise", number)
    assert problem.code == code and problem.field == "certificate_number"


@pytest.mark.parametrize("number", ["2024341181A8020396", "2025440111A0032458"])
def test_published_tech_sme_numbers_pass(number):
    assert rules.check_number("tech_sme", number) == []


def test_a_tech_sme_number_with_a_flag_other_than_0_a_b_is_refused():
    [problem] = rules.check_number("tech_sme", "2025440111C0032458")
    assert problem.code == "tech_sme_number_format"


def test_a_tech_sme_number_naming_no_county_is_refused():
    [problem] = rules.check_number("tech_sme", "2025999999A0032458")
    assert problem.code == "tech_sme_number_region"


def test_high_tech_validity_ends_on_the_anniversary_by_default():
    granted = date(2018, 11, 28)
    assert rules.valid_to("high_tech_enterprise", granted) == date(2021, 11, 28)
    assert rules.valid_to("high_tech_enterprise", granted, last_day="day_before") == date(
        2021, 11, 27
    )


def test_a_certificate_granted_on_29_february_ends_on_28_february():
    assert rules.valid_to("high_tech_enterprise", date(2024, 2, 29)) == date(2027, 2, 28)


def test_a_tech_sme_number_is_valid_for_the_year_it_names():
    granted = date(2024, 7, 1)
    assert rules.valid_to("tech_sme", granted, "2024341181A8020396") == date(2024, 12, 31)


def test_kinds_without_a_rule_are_open_ended():
    assert rules.valid_to("incubator", date(2020, 1, 1)) is None


def test_status_on_a_day_follows_the_dates_and_a_revocation():
    granted, end = date(2020, 3, 1), date(2023, 3, 1)
    assert rules.status_on(date(2020, 2, 29), granted, end, None) == "not_yet"
    assert rules.status_on(date(2023, 3, 1), granted, end, None) == "recognised"
    assert rules.status_on(date(2023, 3, 2), granted, end, None) == "expired"
    assert rules.status_on(date(2021, 5, 1), granted, end, date(2021, 5, 1)) == "revoked"
    assert rules.status_on(date(2021, 4, 30), granted, end, date(2021, 5, 1)) == "recognised"


def test_names_match_across_bracket_widths_and_spaces_but_not_words():
    assert rules.normalise_name("广州某某（科技）有限公司 ") == rules.normalise_name(
        "广州某某(科技)有限公司"
    )
    assert rules.normalise_name("广州某某科技有限公司") != rules.normalise_name(
        "广州某某技术有限公司"
    )
