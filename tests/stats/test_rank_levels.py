"""Rankings at one level across a whole area, as the press reports them: every city of China."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.domain.problems import DomainError
from techmarket.registry.actors import system_actor
from techmarket.stats.engine import Scope, compute
from techmarket.stats.levels import LevelError
from techmarket.stats.periods import parse_period
from techmarket.stats.queries import parse_scope, read_tables
from techmarket.stats.snapshot import Snapshot
from tests.domain.builders import valid_row
from tests.stats.helpers import import_registered

pytestmark = pytest.mark.django_db

# Buyers (吸纳) in three provinces and two municipalities; amounts in yuan.
THIS_YEAR = {
    "110108": 5_000_000,  # 北京市海淀区
    "110105": 1_000_000,  # 北京市朝阳区
    "440106": 3_000_000,  # 广州市天河区
    "440112": 500_000,  # 广州市黄埔区
    "440305": 3_000_000,  # 深圳市南山区
    "310115": 2_000_000,  # 上海市浦东新区
    "320102": 1_000_000,  # 南京市玄武区
}
LAST_YEAR = {"110108": 3_000_000, "440106": 2_000_000}


def _row(number: int, region: str, amount: int, year: int) -> dict[str, str]:
    row = valid_row(
        external_id=f"R{year}-{number}",
        buyer_region=region,
        signed_on=f"{year}-03-01",
        valid_from=f"{year}-03-15",
        valid_to=f"{year + 1}-12-31",
        total_amount=f"{amount}.00",
        tech_amount=f"{amount - 200_000}.00",
    )
    return dict(row, registered_on=f"{year}-04-01")


@pytest.fixture
def nationwide(agencies, tmp_path):
    rows = [_row(n, code, amount, 2025) for n, (code, amount) in enumerate(THIS_YEAR.items())]
    rows += [_row(n, code, amount, 2024) for n, (code, amount) in enumerate(LAST_YEAR.items())]
    import_registered(agencies["city"], rows)
    with Snapshot(tmp_path / "s.duckdb") as snap:
        snap.refresh()
        yield snap


def _ranking(snap, level, region="000000", period="2025"):
    scope = Scope(parse_period(period), region=region, view="absorbed", level=level)
    return compute(snap.con, "by_region", scope)


def test_beijing_counts_as_a_city_and_guangzhou_ranks_second_after_it(nationwide):
    rows = _ranking(nationwide, "city").rows
    assert [(r["code"], r["rank"]) for r in rows] == [
        ("110000", 1),
        ("440100", 2),
        ("440300", 3),
        ("310000", 4),
        ("320100", 5),
    ]
    assert rows[0]["name"] == "北京市" and rows[0]["total_amount"] == Decimal("6000000.00")
    assert rows[1]["count"] == 2 and rows[1]["tech_amount"] == Decimal("3100000.00")


def test_shares_are_of_the_whole_country_and_the_rows_sum_to_its_total(nationwide):
    whole = Decimal(sum(THIS_YEAR.values()))
    overview = compute(
        nationwide.con, "overview", Scope(parse_period("2025"), view="absorbed")
    ).rows[0]
    for level in ("province", "city", "county"):
        rows = _ranking(nationwide, level).rows
        assert sum(r["total_amount"] for r in rows) == overview["total_amount"] == whole
        assert sum(r["count"] for r in rows) == overview["count"] == len(THIS_YEAR)
        for row in rows:
            assert row["share_pct"] == (row["total_amount"] / whole * 100).quantize(Decimal("0.01"))


def test_growth_compares_each_city_with_itself_a_year_before(nationwide):
    rows = {r["code"]: r for r in _ranking(nationwide, "city").rows}
    assert rows["110000"]["total_amount_yoy_pct"] == Decimal("100.00")  # 3 → 6 million
    assert rows["440100"]["total_amount_yoy_pct"] == Decimal("75.00")  # 2 → 3.5 million
    assert rows["440100"]["total_amount_pop_pct"] == Decimal("75.00")  # a year: PoP is YoY
    assert rows["440300"]["total_amount_yoy_pct"] is None  # nothing a year before


def test_provinces_rank_guangdong_first_and_province_level_is_by_region_of_china(nationwide):
    ranked = _ranking(nationwide, "province")
    assert [(r["code"], r["rank"]) for r in ranked.rows] == [
        ("440000", 1),
        ("110000", 2),
        ("310000", 3),
        ("320000", 4),
    ]
    assert ranked.rows == _ranking(nationwide, None).rows  # China's children are its provinces


def test_counties_include_the_municipal_districts_ties_broken_by_code(nationwide):
    rows = _ranking(nationwide, "county").rows
    assert [r["code"] for r in rows] == [
        "110108",
        "440106",
        "440305",
        "310115",
        "110105",
        "320102",
        "440112",
    ]
    assert rows[0]["name"] == "北京市海淀区"


def test_within_a_province_every_county_of_its_cities_is_ranked(nationwide):
    rows = _ranking(nationwide, "county", region="440000").rows
    assert [r["code"] for r in rows] == ["440106", "440305", "440112"]
    assert [r["share_pct"] for r in rows] == [Decimal("46.15"), Decimal("46.15"), Decimal("7.69")]


def test_the_table_says_it_ranks_a_level_and_that_municipalities_are_cities(nationwide):
    ranked = _ranking(nationwide, "city")
    assert ranked.level == "city" and "市级" in ranked.title_zh
    assert any("直辖市" in note for note in ranked.notes)
    assert _ranking(nationwide, None).level is None


def test_an_abolished_district_code_ranks_under_its_current_city(agencies, tmp_path):
    # 440102 东山区 was merged into 440104 越秀区 in 2005.
    row = valid_row(
        external_id="OLD",
        buyer_region="440102",
        signed_on="2004-06-01",
        valid_from="2004-06-01",
        valid_to="2006-12-31",
    )
    import_registered(agencies["city"], [dict(row, registered_on="2004-07-01")])
    with Snapshot(tmp_path / "s.duckdb") as snap:
        snap.refresh()
        assert [r["code"] for r in _ranking(snap, "city", period="2004").rows] == ["440100"]
        assert [r["code"] for r in _ranking(snap, "county", period="2004").rows] == ["440104"]


@pytest.mark.parametrize(
    ("region", "level", "code"),
    [
        ("440000", "province", "level_not_below_region"),
        ("110000", "city", "level_not_below_region"),  # a municipality is itself a city
        ("440100", "city", "level_not_below_region"),
        ("440106", "county", "level_not_below_region"),
        ("000000", "town", "unknown_region_level"),
    ],
)
def test_a_level_not_below_the_region_is_refused_with_its_code(region, level, code):
    with pytest.raises(DomainError) as refused:
        parse_scope("2025", region, "registered", level=level)
    assert refused.value.code == code
    assert refused.value.message and refused.value.message_en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message_en)


def test_levels_below_the_region_are_accepted():
    assert parse_scope("2025", "110000", "output", level="county").level == "county"
    assert parse_scope("2025", "440000", "output", level="city").level == "city"
    assert parse_scope("2025", "440000", "output", level="").level is None
    with pytest.raises(LevelError):
        Scope(parse_period("2025"), region="440000", level="province")


def test_only_by_region_ranks_at_a_level(tmp_path):
    scope = parse_scope("2025", "000000", "absorbed", level="city")
    with pytest.raises(DomainError) as refused:
        read_tables(system_actor(), ["by_region", "by_type"], scope, path=tmp_path / "s.duckdb")
    assert refused.value.code == "level_only_for_by_region"
