"""Code lists: lookups, sub-types, nature groups, countries."""

import pytest

from techmarket.codes.lists import Code, code_list, nature_group, subtypes_for

LIST_NAMES = [
    "contract_types",
    "subtypes",
    "tech_fields",
    "ip_types",
    "entity_natures",
    "nature_groups",
    "payment_methods",
    "objectives",
    "plan_sources",
    "refusal_reasons",
    "countries",
    "listing_maturities",
    "listing_transfer_modes",
    "listing_cooperation_modes",
    "listing_holder_types",
    "listing_company_types",
]


@pytest.mark.parametrize("name", LIST_NAMES)
def test_every_list_loads_with_names_in_both_languages(name):
    codes = list(code_list(name))
    assert codes
    assert all(c.code and c.name and c.name_en for c in codes)


@pytest.mark.parametrize("name", [n for n in LIST_NAMES if n != "subtypes"])
def test_codes_are_unique_within_a_list(name):
    codes = [c.code for c in code_list(name)]
    assert len(codes) == len(set(codes))


def test_a_value_resolves_by_code_chinese_name_or_english_name():
    types = code_list("contract_types")
    assert types.resolve("development") == "development"
    assert types.resolve(" 技术开发 ") == "development"
    assert types.resolve("TECHNOLOGY DEVELOPMENT") == "development"
    assert types.resolve("Development") == "development"
    assert types.resolve("买卖合同") is None


def test_numeric_codes_lose_no_match_when_excel_drops_the_leading_zero():
    assert code_list("tech_fields").resolve("1") == "01"
    assert code_list("ip_types").resolve("0") == "00"
    assert code_list("entity_natures").resolve("21") == "021"


def test_unknown_code_shows_as_itself():
    fields = code_list("tech_fields")
    assert fields.name_of("01") == "电子信息"
    assert fields.name_of("99") == "99"
    assert fields.get("99") is None
    assert "01" in fields and "99" not in fields and 1 not in fields


def test_unknown_list_name_is_a_key_error():
    with pytest.raises(KeyError):
        code_list("no_such_list")
    with pytest.raises(KeyError):
        code_list("../lists")


def test_code_lists_are_loaded_once():
    assert code_list("tech_fields") is code_list("tech_fields")


def test_codes_are_hashable_and_immutable():
    item = code_list("tech_fields").get("01")
    assert isinstance(item, Code)
    assert hash(item) == hash(code_list("tech_fields").get("01"))
    with pytest.raises(TypeError):
        item.extra["high_tech"] = "0"  # type: ignore[index]


def test_every_subtype_belongs_to_a_contract_type():
    types = code_list("contract_types")
    for subtype in code_list("subtypes"):
        assert subtype.extra["contract_type"] in types


def test_subtypes_match_the_interchange_format():
    assert [c.code for c in subtypes_for("development")] == ["commissioned", "cooperative"]
    assert len(subtypes_for("transfer")) == 7
    assert len(subtypes_for("license")) == 6
    assert [c.code for c in subtypes_for("service")] == ["general", "training", "intermediary"]


def test_consulting_has_no_subtypes():
    assert len(subtypes_for("consulting")) == 0


def test_know_how_means_different_things_under_transfer_and_license():
    assert subtypes_for("transfer").name_of("know_how") == "技术秘密转让"
    assert subtypes_for("license").name_of("know_how") == "技术秘密使用许可"
    assert subtypes_for("技术许可").resolve("技术秘密使用许可") == "know_how"
    assert subtypes_for("transfer").resolve("专利实施独占许可") is None


def test_subtypes_of_an_unknown_contract_type_is_a_key_error():
    with pytest.raises(KeyError):
        subtypes_for("sale")


def test_high_tech_fields_are_01_to_08():
    high = [c.code for c in code_list("tech_fields") if c.extra["high_tech"] == "1"]
    assert high == ["01", "02", "03", "04", "05", "06", "07", "08"]


def test_patent_ip_types_need_patent_numbers():
    patents = [c.code for c in code_list("ip_types") if c.extra["patent"] == "1"]
    assert patents == ["01", "02", "03", "04"]
    assert len(code_list("ip_types")) == 11


@pytest.mark.parametrize(
    ("nature", "group"),
    [
        ("010", "government"),
        ("014", "government"),
        ("020", "other_public"),
        ("021", "research_institute"),
        ("022", "university"),
        ("023", "medical"),
        ("024", "other_public"),
        ("030", "association"),
        ("100", "enterprise"),
        ("170", "enterprise"),
        ("240", "enterprise"),
        ("340", "enterprise"),
        ("400", "individual"),
        ("900", "other"),
        ("0211", "research_institute"),
    ],
)
def test_entity_natures_roll_up_into_statistical_groups(nature, group):
    assert nature_group(nature) == group


def test_unknown_entity_nature_has_no_group():
    assert nature_group("999") is None
    assert nature_group("") is None


def test_every_entity_nature_has_a_known_group():
    groups = code_list("nature_groups")
    assert len(groups) == 9
    assert len(code_list("entity_natures")) == 32
    for nature in code_list("entity_natures"):
        assert nature.extra["group"] in groups


def test_refusal_reasons_are_r01_to_r10():
    reasons = code_list("refusal_reasons")
    assert [c.code for c in reasons] == [f"R{i:02d}" for i in range(1, 11)]
    assert reasons.name_of("R10") == "侵害他人技术成果"


def test_objectives_and_plan_sources_are_complete():
    assert len(code_list("objectives")) == 13
    assert code_list("plan_sources").resolve("计划外") == "none"


def test_countries_cover_iso_3166_with_chinese_names():
    countries = code_list("countries")
    assert len(countries) == 249
    assert countries.name_of("CHN") == "中国"
    assert countries.name_of("USA") == "美国"
    assert countries.resolve("china") == "CHN"
    assert countries.resolve("chn") == "CHN"
    assert countries.resolve("CN") == "CHN"
    assert countries.resolve("Korea, Republic of") == "KOR"
    assert countries.resolve("韩国") == "KOR"


def test_hong_kong_macao_and_taiwan_count_as_hmt_and_belong_to_china_by_name():
    countries = code_list("countries")
    hmt = {c.code: c.name for c in countries if c.extra["hmt"] == "1"}
    assert hmt == {"HKG": "中国香港", "MAC": "中国澳门", "TWN": "中国台湾"}
    assert countries.resolve("香港") == "HKG"
    assert countries.resolve("台湾") == "TWN"
