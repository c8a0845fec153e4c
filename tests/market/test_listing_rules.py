"""The listing parser: only external_id, title and summary are required; the rest is checked."""

from __future__ import annotations

from decimal import Decimal

from techmarket.domain.listings import TABLES, parse_listing


def test_a_listing_needs_only_an_id_a_title_and_a_summary():
    record, problems = parse_listing(
        "achievement", {"external_id": "A-1", "title": "新型隔膜", "summary": "简介"}, 1
    )
    assert record is not None and problems == []


def test_every_missing_required_field_is_reported_with_its_row():
    record, problems = parse_listing("demand", {"title": "需求"}, 7)
    assert record is None
    assert {(p.row, p.field, p.code) for p in problems} == {
        (7, "external_id", "required"),
        (7, "summary", "required"),
    }
    assert all(p.message and p.message_en for p in problems)


def test_optional_fields_are_checked_when_given():
    raw = {
        "external_id": "A-1",
        "title": "新型隔膜",
        "summary": "简介",
        "trl": "10",
        "maturity": "差不多了",
        "patent_numbers": "ZL 2021 1 0921116.8",
        "region": "999999",
        "transfer_modes": "转让;赠送",
    }
    _, problems = parse_listing("achievement", raw, 2)
    fields = {p.field: p.code for p in problems}
    assert fields == {
        "trl": "trl_range",
        "maturity": "unknown_code",
        "patent_numbers": "patent_check_digit",
        "region": "region_unknown",
        "transfer_modes": "unknown_code",
    }


def test_a_patent_ip_type_needs_its_patent_numbers():
    raw = {"external_id": "A-1", "title": "新型隔膜", "summary": "简介", "ip_type": "01"}
    _, problems = parse_listing("achievement", raw, 1)
    assert [p.code for p in problems] == ["patent_numbers_required"]


def test_a_budget_is_an_amount_a_range_or_negotiable():
    def budget(text, wan=False):
        raw = {"external_id": "D-1", "title": "需求标题", "summary": "s", "budget": text}
        fields = frozenset({"budget"}) if wan else frozenset()
        record, problems = parse_listing("demand", raw, 1, wan_yuan_fields=fields)
        return record, problems

    record, _ = budget("30-80", wan=True)
    assert (record["budget_min"], record["budget_max"]) == (
        Decimal("300000.00"),
        Decimal("800000.00"),
    )
    record, _ = budget("面议")
    assert record["budget_negotiable"] is True and record.to_row()["budget"] == "面议"
    _, problems = budget("80-30")
    assert [p.code for p in problems] == ["budget_range_reversed"]


def test_chinese_headers_and_aliases_name_the_fields():
    achievements, demands = TABLES["achievement"], TABLES["demand"]
    assert achievements.header_to_key("成果名称") == "title"
    assert achievements.header_to_key("价格（万元）") == "price"
    assert demands.header_to_key("需求描述") == "summary"
    assert demands.header_to_key("预算(万元)") == "budget"
    assert demands.header_to_key("成熟度") is None
