"""Recognition by the seller's agency: jurisdiction, term, name, nature, time limits, tax links."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from techmarket.domain.problems import Problem
from techmarket.domain.recognition import Recognition, recognise
from techmarket.domain.record import ContractRecord
from techmarket.domain.rulesets import RULE_SETS, rule_set, rule_set_for

from .builders import AGENCY_REGION, make_resident_id, make_uscc, valid_record

APPLIED_ON = date(2025, 4, 1)
PATENT = "ZL 2021 1 0921116.9"


def recognised(
    record: ContractRecord | None = None,
    *,
    agency_region: str = AGENCY_REGION,
    applied_on: date = APPLIED_ON,
) -> Recognition:
    return recognise(record or valid_record(), agency_region=agency_region, applied_on=applied_on)


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def no_amount_split(**overrides: str) -> ContractRecord:
    """A record with only a total and a tech amount, so amounts can be set freely."""
    base = {"non_tech_equipment": "", "non_tech_materials": "", "non_tech_other": ""}
    return valid_record(**{**base, **overrides})


# --- rule sets ---------------------------------------------------------------------------------


def test_applications_before_march_2026_follow_the_2000_rules() -> None:
    assert rule_set_for(date(2026, 2, 28)).version == "2000"
    assert rule_set_for(date(2000, 2, 16)).version == "2000"


def test_applications_from_march_2026_follow_the_2026_rules() -> None:
    rules = rule_set_for(date(2026, 3, 1))
    assert rules.version == "2026"
    assert (rules.review_limit_days, rules.large_review_limit_days) == (15, 30)
    assert rules.limit_in_working_days
    assert rules.large_threshold == Decimal("5000000")


def test_there_are_no_rules_before_the_2000_measures() -> None:
    with pytest.raises(ValueError):
        rule_set_for(date(2000, 2, 15))


def test_a_stored_version_finds_its_rule_set() -> None:
    assert [rule_set(r.version) for r in RULE_SETS] == list(RULE_SETS)


# --- a clean case ------------------------------------------------------------------------------


def test_a_valid_contract_in_the_sellers_city_is_recognised_without_problems() -> None:
    result = recognised()
    assert result.problems == []
    assert not result.has_errors
    assert result.rule_set.version == "2000"
    assert (result.deadline_days, result.limit_in_working_days) == (30, False)
    assert result.tech_share == Decimal("0.8000")
    assert result.risk_flags == ()


def test_the_province_and_the_whole_country_also_cover_the_seller() -> None:
    assert recognised(agency_region="440000").problems == []
    assert recognised(agency_region="000000").problems == []


# --- jurisdiction ------------------------------------------------------------------------------


def test_an_agency_outside_the_sellers_region_refuses() -> None:
    [problem] = recognised(agency_region="110108").problems
    assert (problem.code, problem.severity) == ("seller_outside_jurisdiction", "error")
    assert "天河区" in problem.message


def test_a_technology_import_is_registered_where_the_domestic_buyer_is() -> None:
    imported = valid_record(
        seller_country="USA", seller_id="", seller_region="", seller_nature="900"
    )
    beijing = recognised(imported, agency_region="110000")
    assert beijing.problems == []
    assert "technology_import" in beijing.risk_flags
    assert codes(recognised(imported, agency_region="440100").problems) == {
        "seller_outside_jurisdiction"
    }


def test_a_foreign_seller_with_a_foreign_buyer_is_outside_every_agency() -> None:
    record = valid_record(
        seller_country="DEU",
        seller_id="",
        seller_region="",
        buyer_country="HKG",
        buyer_id="",
        buyer_region="",
    )
    assert codes(recognised(record, agency_region="000000").problems) == {
        "seller_outside_jurisdiction"
    }


def test_an_export_is_flagged() -> None:
    record = valid_record(buyer_country="JPN", buyer_id="", buyer_region="")
    assert "technology_export" in recognised(record).risk_flags


# --- term --------------------------------------------------------------------------------------


def test_a_contract_whose_term_has_ended_is_refused() -> None:
    result = recognised(applied_on=date(2027, 1, 1))
    assert codes(result.problems) == {"contract_expired"}
    assert result.has_errors


def test_the_last_day_of_the_term_is_still_in_force() -> None:
    assert recognised(applied_on=date(2026, 12, 31)).problems == []


def test_an_application_before_signing_is_refused() -> None:
    assert codes(recognised(applied_on=date(2025, 3, 9)).problems) == {
        "applied_before_signed",
        "contract_not_yet_in_force",
    }


def test_a_term_that_has_not_started_is_a_warning() -> None:
    [problem] = recognised(applied_on=date(2025, 3, 12)).problems
    assert (problem.code, problem.severity) == ("contract_not_yet_in_force", "warning")


# --- name and nature ---------------------------------------------------------------------------


def test_a_name_without_the_statutory_type_word_is_a_warning() -> None:
    [problem] = recognised(valid_record(name="锂电池正极材料项目合作协议")).problems
    assert (problem.code, problem.severity) == ("name_type_mismatch", "warning")
    assert "技术开发" in problem.message


@pytest.mark.parametrize(
    ("contract_type", "subtype", "name"),
    [
        ("consulting", "", "储能电站可行性研究技术咨询合同"),
        ("service", "training", "工业机器人操作技术培训合同"),
        ("service", "intermediary", "专利成果转化技术中介合同"),
        ("service", "general", "产线调试技术服务合同"),
    ],
)
def test_statutory_names_match_their_types(contract_type: str, subtype: str, name: str) -> None:
    record = valid_record(contract_type=contract_type, subtype=subtype, name=name)
    assert recognised(record).problems == []


def test_consulting_on_tax_or_law_is_flagged_as_not_technical() -> None:
    record = valid_record(contract_type="consulting", subtype="", name="企业税务筹划技术咨询合同")
    [problem] = recognised(record).problems
    assert (problem.code, problem.severity) == ("consulting_not_technical", "warning")
    assert "税务" in problem.message


def test_construction_work_is_flagged_as_not_a_technical_service() -> None:
    record = valid_record(
        contract_type="service", subtype="general", name="厂房装修及设备安装技术服务合同"
    )
    [problem] = recognised(record).problems
    assert problem.code == "service_excluded_kind"
    assert "装修" in problem.message and "安装" in problem.message


def test_a_patent_licence_without_a_patent_is_refused() -> None:
    record = valid_record(
        contract_type="license", subtype="patent_exclusive", name="专利实施独占许可合同"
    )
    assert codes(recognised(record).problems) == {
        "patent_subtype_ip_type",
        "patent_numbers_missing",
    }


def test_a_patent_transfer_with_its_patent_is_recognised() -> None:
    record = valid_record(
        contract_type="transfer",
        subtype="patent_right",
        name="一种正极材料专利权转让合同",
        ip_type="01",
        patent_numbers=PATENT,
    )
    assert recognised(record).problems == []


def test_a_software_licence_needs_the_software_ip_type() -> None:
    record = valid_record(contract_type="license", subtype="software", name="软件使用许可合同")
    assert codes(recognised(record).problems) == {"software_subtype_ip_type"}


def test_a_plant_variety_transfer_with_another_ip_type_is_a_warning() -> None:
    record = valid_record(
        contract_type="transfer", subtype="plant_variety", name="水稻品种权转让合同", ip_type="10"
    )
    [problem] = recognised(record).problems
    assert (problem.code, problem.severity) == ("subtype_ip_type_mismatch", "warning")


# --- amounts -----------------------------------------------------------------------------------


def test_a_tech_share_under_ten_percent_is_a_warning() -> None:
    result = recognised(no_amount_split(total_amount="1000000", tech_amount="99999.99"))
    assert codes(result.problems) == {"low_tech_share"}
    assert "low_tech_share" in result.risk_flags


def test_a_tech_share_of_exactly_ten_percent_is_fine() -> None:
    assert recognised(no_amount_split(total_amount="1000000", tech_amount="100000")).problems == []


def test_five_million_of_tech_amount_makes_a_large_contract() -> None:
    large = no_amount_split(total_amount="6000000", tech_amount="5000000")
    result = recognised(large, applied_on=date(2026, 3, 2))
    assert result.is_large
    assert (result.deadline_days, result.limit_in_working_days) == (30, True)
    assert "large_contract" in result.risk_flags


def test_a_large_total_with_a_smaller_tech_amount_is_not_large() -> None:
    result = recognised(
        no_amount_split(total_amount="9000000", tech_amount="4999999.99"),
        applied_on=date(2026, 3, 2),
    )
    assert not result.is_large
    assert result.deadline_days == 15


# --- tax links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract_type", "subtype", "name", "exempt"),
    [
        ("development", "commissioned", "技术开发合同", True),
        ("transfer", "know_how", "技术秘密转让合同", True),
        ("license", "know_how", "技术秘密许可合同", True),
        ("consulting", "", "技术咨询合同", False),
        ("service", "general", "技术服务合同", False),
    ],
)
def test_vat_exemption_covers_development_transfer_and_licensing(
    contract_type: str, subtype: str, name: str, exempt: bool
) -> None:
    record = valid_record(contract_type=contract_type, subtype=subtype, name=name, ip_type="05")
    assert recognised(record).vat_exempt is exempt


def patent_deal(**overrides: str) -> ContractRecord:
    fields = {
        "contract_type": "transfer",
        "subtype": "patent_right",
        "name": "专利权转让合同",
        "ip_type": "01",
        "patent_numbers": PATENT,
        "valid_from": "2025-03-15",
        "valid_to": "2030-03-14",
    }
    return valid_record(**{**fields, **overrides})


def test_a_company_transferring_an_invention_patent_may_claim_the_income_tax_relief() -> None:
    assert recognised(patent_deal()).income_tax_transfer


def test_a_five_year_patent_licence_may_claim_the_income_tax_relief() -> None:
    licence = patent_deal(contract_type="license", subtype="patent_ordinary", name="专利许可合同")
    assert recognised(licence).income_tax_transfer


def test_a_licence_shorter_than_five_years_may_not() -> None:
    licence = patent_deal(
        contract_type="license",
        subtype="patent_exclusive",
        name="专利许可合同",
        valid_to="2030-03-13",
    )
    assert not recognised(licence).income_tax_transfer


def test_know_how_and_design_patents_are_conservatively_left_out() -> None:
    assert not recognised(patent_deal(subtype="know_how", ip_type="05")).income_tax_transfer
    assert not recognised(patent_deal(ip_type="03")).income_tax_transfer


def test_a_university_or_a_natural_person_seller_is_not_a_resident_enterprise() -> None:
    university = patent_deal(seller_nature="022", seller_id=make_uscc(head="12"))
    person = patent_deal(seller_nature="400", seller_id=make_resident_id())
    assert not recognised(university).income_tax_transfer
    result = recognised(person)
    assert not result.income_tax_transfer
    assert "individual_seller" in result.risk_flags


def test_a_transfer_abroad_is_not_recognised_for_the_relief_here() -> None:
    abroad = patent_deal(buyer_country="USA", buyer_id="", buyer_region="")
    assert not recognised(abroad).income_tax_transfer


@pytest.mark.parametrize(
    ("subtype", "claims"), [("patent_exclusive", True), ("patent_sole", False)]
)
def test_before_october_2015_only_an_exclusive_licence_may_claim(
    subtype: str, claims: bool
) -> None:
    licence = patent_deal(
        contract_type="license",
        subtype=subtype,
        name="专利实施许可合同",
        signed_on="2014-03-10",
        valid_from="2014-03-15",
        valid_to="2026-12-31",
    )
    result = recognise(licence, agency_region=AGENCY_REGION, applied_on=date(2014, 4, 1))
    assert result.income_tax_transfer is claims


def test_a_consulting_contract_that_implements_and_guides_is_a_service() -> None:
    record = valid_record(
        contract_type="consulting", subtype="", name="生产线改造实施方案及技术指导咨询合同"
    )
    assert "consulting_is_service" in codes(recognised(record).problems)
    report = valid_record(contract_type="consulting", subtype="", name="生产线改造可行性咨询合同")
    assert "consulting_is_service" not in codes(recognised(report).problems)
    plan = valid_record(
        contract_type="consulting", subtype="", name="数字化转型实施方案技术咨询服务合同"
    )
    assert "consulting_is_service" not in codes(recognised(plan).problems)


def test_work_for_hire_is_not_a_technical_service() -> None:
    record = valid_record(contract_type="service", subtype="general", name="零件承揽技术服务合同")
    assert "service_excluded_kind" in codes(recognised(record).problems)
