"""GB/T 2260 division codes over time."""

from datetime import date

import pytest

from techmarket.codes.regions import (
    all_regions,
    children,
    current_codes,
    full_name,
    get_region,
    is_valid_on,
    is_within,
    parent_code,
    province_code,
)


def test_a_current_code_is_found_with_its_level():
    tianhe = get_region("440106")
    assert tianhe is not None
    assert (tianhe.name, tianhe.level, tianhe.end_year) == ("天河区", "county", None)
    assert get_region("440100").level == "city"
    assert get_region("440000").level == "province"
    assert get_region("999999") is None


def test_chongwen_district_was_valid_until_it_was_abolished_in_2010():
    assert is_valid_on("110103", date(2009, 12, 31))
    assert is_valid_on("110103", date(2010, 6, 30))  # change year: tolerated
    assert not is_valid_on("110103", date(2011, 1, 1))
    chongwen = get_region("110103")
    assert (chongwen.name, chongwen.end_year, chongwen.new_codes) == ("崇文区", 2010, ("110101",))


def test_abolished_district_maps_to_its_successor():
    assert current_codes("110103") == ("110101",)


def test_a_code_in_use_maps_to_itself():
    assert current_codes("440106") == ("440106",)


def test_unknown_code_maps_to_nothing():
    assert current_codes("999999") == ()


def test_county_upgraded_to_a_district_gets_a_new_code():
    # 增城市 (county-level city) became 广州市增城区 in 2014
    assert is_valid_on("440183", date(2013, 5, 1))
    assert not is_valid_on("440183", date(2015, 1, 1))
    assert not is_valid_on("440118", date(2012, 1, 1))
    assert is_valid_on("440118", date(2015, 1, 1))
    assert current_codes("440183") == ("440118",)


def test_a_renamed_code_keeps_its_code_and_history():
    # 210311 was 郊区, then 旧堡区, since 1996 千山区
    assert get_region("210311").name == "千山区"
    assert get_region("210311", date(1990, 1, 1)).name == "旧堡区"
    assert current_codes("210311") == ("210311",)


def test_a_dissolved_prefecture_maps_to_the_prefectures_holding_its_counties():
    assert current_codes("132900") == ("130900",)  # 沧州地区 -> 沧州市


def test_a_partial_transfer_is_not_a_successor():
    # 红桥区 handed part of its area to 北辰区 in 2020 but is still in use
    assert get_region("120106").new_codes == ()
    assert current_codes("120106") == ("120106",)


def test_a_county_under_a_prefecture_has_the_prefecture_as_parent():
    assert parent_code("360426") == "360400"  # 德安县 -> 九江市
    assert parent_code("360400") == "360000"
    assert parent_code("360000") is None


def test_a_district_of_beijing_has_the_municipality_as_parent():
    assert parent_code("110101") == "110000"
    assert parent_code("110103") == "110000"


def test_a_county_directly_under_its_province_has_the_province_as_parent():
    assert parent_code("429004") == "420000"  # 仙桃市, 省直辖县级市
    assert parent_code("469001") == "460000"  # 五指山市


def test_parent_follows_the_record_valid_on_the_date():
    # 419001: 义马市 under the province 1987-1990, today 济源市, also directly under the province
    assert parent_code("419001", date(1988, 1, 1)) == "410000"
    assert parent_code("999999") is None


def test_province_code_is_the_first_two_digits():
    assert province_code("440106") == "440000"
    with pytest.raises(ValueError):
        province_code("4401")


def test_is_within_follows_the_code_structure():
    assert is_within("440106", "440100")
    assert is_within("440106", "440000")
    assert is_within("440106", "000000")
    assert is_within("440106", "440106")
    assert not is_within("440106", "440300")
    assert not is_within("440106", "450000")
    assert is_within("110103", "110000")  # abolished codes too
    assert not is_within("440106", "4401")


def test_full_name_joins_province_prefecture_and_county():
    assert full_name("440106") == "广东省广州市天河区"
    assert full_name("110101") == "北京市东城区"
    assert full_name("440100") == "广东省广州市"
    assert full_name("440000") == "广东省"
    assert full_name("110103") == "北京市崇文区"
    assert full_name("999999") == "999999"


def test_children_of_guangzhou_contain_tianhe():
    kids = children("440100")
    assert "440106" in {r.code for r in kids}
    assert all(r.level == "county" and r.code.startswith("4401") for r in kids)


def test_children_of_the_root_are_the_provinces():
    provinces = children("000000")
    assert len(provinces) == 34
    assert "110000" in {r.code for r in provinces}


def test_children_of_beijing_are_its_districts_and_depend_on_the_date():
    now = {r.code for r in children("110000")}
    assert "110101" in now and "110103" not in now
    assert "110103" in {r.code for r in children("110000", date(2005, 1, 1))}


def test_all_regions_now_match_the_2024_list():
    current = all_regions()
    assert len(current) == 3213
    assert all(r.end_year is None for r in current)
    assert "110103" in {r.code for r in all_regions(date(2005, 1, 1))}
