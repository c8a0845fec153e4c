"""成交额占 GDP 比重: entered GDP figures, and the tables that compare turnover with them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from techmarket.domain.problems import DomainError, NotFound
from techmarket.stats.engine import Scope, compute
from techmarket.stats.indicators import gdp_for, remove_value, set_value, value_rows
from techmarket.stats.periods import parse_period, share_pct
from tests.stats.helpers import figures_between

pytestmark = pytest.mark.django_db
D = Decimal
YI = D(10) ** 8


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_guangzhous_2021_turnover_was_8_55_percent_of_its_gdp():
    # 成交额 2,413.11 亿元 and "8.55 % of GDP" (domain.md §4.3); GDP 28,231.97 亿元 (the
    # city's 2021 statistical bulletin).
    assert share_pct(D("2413.11") * YI, D("28231.97") * YI) == D("8.55")


# -- the tables ----------------------------------------------------------------------------


def test_the_overview_of_a_year_shows_gdp_and_turnover_as_a_share_of_it(records, snapshot):
    gdp = {"440100": D("3.5")}  # small, so the share is large and every digit counts
    scope = Scope(parse_period("2025"), region="440100")
    [row] = compute(snapshot.con, "overview", scope, gdp=gdp).rows
    total = figures_between(records, "2025-01-01", "2025-12-31")["total"][1]
    assert row["gdp"] == D("350000000")
    assert row["total_amount_gdp_pct"] == pct(total, D("3.5") * YI)
    notes = compute(snapshot.con, "overview", scope, gdp=gdp).notes
    assert any("3.5 亿元" in note for note in notes)


def test_without_gdp_the_columns_are_null_and_a_note_says_so(records, snapshot):
    scope = Scope(parse_period("2025"), region="440100")
    result = compute(snapshot.con, "overview", scope, gdp={"440106": D("100")})
    [row] = result.rows
    assert (row["gdp"], row["total_amount_gdp_pct"]) == (None, None)
    assert {"gdp", "total_amount_gdp_pct"} <= {c.key for c in result.columns}
    assert any("未录入" in note and "440100" in note for note in result.notes)


def test_only_a_whole_year_is_compared_with_gdp(records, snapshot):
    gdp = {"440100": D("3.5")}
    half = compute(snapshot.con, "overview", Scope(parse_period("2025H1"), "440100"), gdp=gdp)
    assert half.rows[0]["total_amount_gdp_pct"] is None
    assert any("仅对整年" in note for note in half.notes)
    span = Scope(parse_period("2025-01-01..2025-12-31"), "440100")
    [row] = compute(snapshot.con, "overview", span, gdp=gdp).rows
    assert row["total_amount_gdp_pct"] is not None


def test_by_region_shows_the_share_for_children_whose_gdp_is_known(records, snapshot):
    scope = Scope(parse_period("2025"), region="440100", view="output")
    result = compute(snapshot.con, "by_region", scope, gdp={"440106": D("6.25")})
    rows = {r["code"]: r for r in result.rows}
    tianhe = figures_between(
        records,
        "2025-01-01",
        "2025-12-31",
        lambda r: r["seller_region"],
    )["440106"][1]
    assert rows["440106"]["total_amount_gdp_pct"] == pct(tianhe, D("6.25") * YI)
    assert all(r["gdp"] is None for code, r in rows.items() if code != "440106")
    assert any("1 个地区" in note for note in result.notes)


# -- entering GDP ----------------------------------------------------------------------------


def test_gdp_is_found_for_a_whole_year_only(agencies, now):
    set_value("gdp", "440100", 2020, "25019.11", user="analyst", now=now, source_note="统计公报")
    assert gdp_for(parse_period("2020")) == {"440100": D("25019.11")}
    assert gdp_for(parse_period("2020H1")) == {}
    assert gdp_for(parse_period("2021")) == {}


def test_entering_gdp_again_replaces_it_and_keeps_the_old_value(agencies, now):
    first, _ = set_value("gdp", "440100", 2020, "25000", user="analyst", now=now)
    second, changed = set_value("gdp", "440100", 2020, "25019.11", user="registrar", now=now)
    assert changed
    assert gdp_for(parse_period("2020")) == {"440100": D("25019.11")}
    history = value_rows("gdp", region="440100", include_history=True)
    assert [(r.value, r.in_force) for r in history] == [(D("25000"), False), (D("25019.11"), True)]
    first.refresh_from_db()
    assert first.superseded_by_id == second.pk and first.superseded_at == now


def test_entering_the_same_gdp_twice_adds_no_history(agencies, now):
    set_value("gdp", "440100", 2020, "25019.11", user="analyst", now=now)
    _, changed = set_value("gdp", "440100", 2020, "25019.110", user="analyst", now=now)
    assert not changed
    assert len(value_rows("gdp", include_history=True)) == 1


def test_a_withdrawn_gdp_is_no_longer_used_but_kept(agencies, now):
    set_value("gdp", "440100", 2020, "25019.11", user="analyst", now=now)
    remove_value("gdp", "440100", 2020, user="analyst", now=now)
    assert gdp_for(parse_period("2020")) == {}
    [row] = value_rows("gdp", include_history=True)
    assert (row.in_force, row.withdrawn_by) == (False, "analyst")
    with pytest.raises(NotFound):
        remove_value("gdp", "440100", 2020, user="analyst", now=now)


@pytest.mark.parametrize(
    ("region", "year", "value", "error", "message"),
    [
        ("449999", 2020, "1", NotFound, "unknown region code 449999"),
        ("4401", 2020, "1", NotFound, "unknown region code 4401"),
        ("440102", 2020, "1", DomainError, "not in use in 2020"),  # 东山区, merged in 2005
        ("440100", 2020, "-1", DomainError, "must be positive"),
        ("440100", 2020, "0", DomainError, "must be positive"),
        ("440100", 2020, "abc", DomainError, "not a number"),
        ("440100", 2020, "1.00001", DomainError, "more than 4 decimal places"),
        ("440100", 2030, "1", DomainError, "year must be from 1949"),
    ],
)
def test_bad_gdp_entries_are_refused_in_both_languages(
    agencies, now, region, year, value, error, message
):
    with pytest.raises(error) as raised:
        set_value("gdp", region, year, value, user="analyst", now=now)
    assert message in raised.value.message_en
    assert raised.value.message != raised.value.message_en  # a Chinese line too
    assert value_rows("gdp", include_history=True) == []


def test_the_whole_country_and_an_abolished_code_in_its_own_years_are_accepted(agencies, now):
    set_value("gdp", "000000", 2020, "1015986.2", user="analyst", now=now)
    set_value("gdp", "440102", 2004, "300", user="analyst", now=now)
    assert gdp_for(parse_period("2020")) == {"000000": D("1015986.2")}
