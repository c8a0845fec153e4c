"""环比 (period-on-period growth) agrees with the same figures computed in plain Python."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import growth_pct, parse_period
from tests.stats.helpers import figures_between

pytestmark = pytest.mark.django_db

MEASURES = ("count", "total_amount", "tech_amount")


def by_type(row):
    return row["contract_type"]


def assert_growth(row, kind, now, before):
    """Each measure's growth of ``kind`` (yoy or pop) is growth_pct(now, before), null if absent."""
    for index, measure in enumerate(MEASURES):
        expected = growth_pct(now[index], before[index] if before else None)
        assert row[f"{measure}_{kind}_pct"] == expected, (row["code"], measure, kind)


def table(snapshot, name, period):
    return compute(snapshot.con, name, Scope(parse_period(period), region="440100"))


def test_a_half_year_is_compared_with_the_half_before_it_and_the_same_half_last_year(
    records, snapshot
):
    result = table(snapshot, "by_type", "2025H1")
    now = figures_between(records, "2025-01-01", "2025-06-30", by_type)
    previous = figures_between(records, "2024-07-01", "2024-12-31", by_type)
    last_year = figures_between(records, "2024-01-01", "2024-06-30", by_type)
    assert {row["code"] for row in result.rows} == set(now)
    for row in result.rows:
        assert_growth(row, "pop", now[row["code"]], previous.get(row["code"]))
        assert_growth(row, "yoy", now[row["code"]], last_year.get(row["code"]))
    assert any(r["total_amount_pop_pct"] != r["total_amount_yoy_pct"] for r in result.rows)
    assert "2024H2" in result.notes[-1]


def test_the_first_quarter_is_compared_with_last_years_fourth(records, snapshot):
    [row] = table(snapshot, "overview", "2025Q1").rows
    now = figures_between(records, "2025-01-01", "2025-03-31")["total"]
    before = figures_between(records, "2024-10-01", "2024-12-31")["total"]
    assert_growth(row, "pop", now, before)
    assert row["total_amount_pop_pct"] is not None


def test_a_years_previous_period_is_last_year_so_its_pop_equals_its_yoy(records, snapshot):
    result = table(snapshot, "by_field", "2025")
    for row in result.rows:
        for measure in MEASURES:
            assert row[f"{measure}_pop_pct"] == row[f"{measure}_yoy_pct"]
    assert "与同比相同" in result.notes[-1]


def test_a_date_range_is_compared_with_as_many_days_just_before_it(records, snapshot):
    result = table(snapshot, "by_type", "2025-02-10..2025-03-20")
    days = (date(2025, 3, 20) - date(2025, 2, 10)).days + 1
    first = (date(2025, 2, 10) - timedelta(days=days)).isoformat()
    now = figures_between(records, "2025-02-10", "2025-03-20", by_type)
    before = figures_between(records, first, "2025-02-09", by_type)
    for row in result.rows:
        assert_growth(row, "pop", now[row["code"]], before.get(row["code"]))


def test_year_to_date_has_no_pop_growth_and_says_why(records, snapshot):
    result = table(snapshot, "by_type", "2025YTD06")
    assert result.rows
    assert all(r[f"{m}_pop_pct"] is None for r in result.rows for m in MEASURES)
    assert any(r["total_amount_yoy_pct"] is not None for r in result.rows)
    assert "年初至某月" in result.notes[-1]


def test_pop_growth_is_null_not_zero_without_a_previous_period_in_the_data(records, snapshot):
    [row] = table(snapshot, "overview", "2024-01").rows  # nothing before 2024
    assert row["count"] > 0
    assert (row["count_pop_pct"], row["total_amount_pop_pct"]) == (None, None)


def test_an_empty_period_after_a_full_one_falls_by_a_hundred_percent(records, snapshot):
    [row] = table(snapshot, "overview", "2026-01").rows
    before = figures_between(records, "2025-12-01", "2025-12-31")["total"]
    assert row["count"] == 0 and before[0] > 0
    assert row["count_pop_pct"] == growth_pct(0, before[0]) == -100


def test_every_table_with_growth_carries_the_pop_columns(records, snapshot):
    for name in ("overview", "by_type", "by_region", "flows", "monthly"):
        keys = [c.key for c in table(snapshot, name, "2025H1").columns]
        assert {"count_pop_pct", "total_amount_pop_pct", "tech_amount_pop_pct"} <= set(keys)
    top = [c.key for c in table(snapshot, "top_sellers", "2025H1").columns]
    assert "total_amount_pop_pct" not in top  # a table without growth has none


# -- the monthly table -------------------------------------------------------------------


def month_figures(rows):
    """Whole-month figures keyed "YYYY-MM"."""
    return figures_between(rows, "0000", "9999", lambda row: row["registered_on"][:7])


def test_each_month_is_compared_with_the_month_before_and_january_with_december(records, snapshot):
    months = month_figures(records)
    rows = table(snapshot, "monthly", "2025").rows
    assert [r["code"] for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    for row in rows:
        year, month = int(row["code"][:4]), int(row["code"][5:])
        prior = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
        assert_growth(row, "pop", months[row["code"]], months.get(prior))
        assert_growth(row, "yoy", months[row["code"]], months.get(f"{year - 1}-{month:02d}"))
    assert rows[0]["total_amount_pop_pct"] is not None  # December 2024 is in the data


def test_a_single_month_and_a_quarter_reach_back_to_the_month_before_them(records, snapshot):
    months = month_figures(records)
    [march] = table(snapshot, "monthly", "2025-03").rows
    assert_growth(march, "pop", months["2025-03"], months["2025-02"])
    january = table(snapshot, "monthly", "2025Q1").rows[0]
    assert_growth(january, "pop", months["2025-01"], months["2024-12"])


def test_january_of_the_first_year_has_no_pop_growth(records, snapshot):
    rows = table(snapshot, "monthly", "2024").rows
    assert rows[0]["count_pop_pct"] is None
    assert rows[1]["count_pop_pct"] is not None


def test_a_month_only_partly_in_a_range_has_no_pop_and_the_next_compares_with_a_whole_month(
    records, snapshot
):
    months = month_figures(records)
    rows = table(snapshot, "monthly", "2025-01-15..2025-03-31").rows
    january, february, _ = rows
    assert january["count"] == figures_between(records, "2025-01-15", "2025-01-31")["total"][0]
    assert january["count_pop_pct"] is None
    assert_growth(february, "pop", months["2025-02"], months["2025-01"])  # all of January


def test_a_range_longer_than_a_year_counts_each_month_on_its_own_boundaries(records, snapshot):
    # The range and last year's same range overlap in July 2024, which each cuts differently.
    rows = {r["code"]: r for r in table(snapshot, "monthly", "2024-07-15..2025-07-20").rows}
    july_2024 = figures_between(records, "2024-07-15", "2024-07-31")["total"]
    july_2025 = figures_between(records, "2025-07-01", "2025-07-20")["total"]
    july_2025_base = figures_between(records, "2024-07-01", "2024-07-20")["total"]
    assert rows["2024-07"]["count"] == july_2024[0]
    assert rows["2025-07"]["count"] == july_2025[0]
    assert_growth(rows["2025-07"], "yoy", july_2025, july_2025_base)
    whole_july = figures_between(records, "2024-07-01", "2024-07-31")["total"]
    assert_growth(rows["2024-08"], "pop", month_figures(records)["2024-08"], whole_july)


def test_a_range_to_28_february_compares_with_last_years_28_february_not_the_29th(
    agencies, records, tmp_path
):
    from techmarket.stats.snapshot import Snapshot
    from tests.domain.builders import valid_row
    from tests.stats.helpers import import_registered

    leap_day = dict(
        valid_row(external_id="LEAP", signed_on="2024-02-01", valid_to="2026-12-31"),
        registered_on="2024-02-29",
    )
    import_registered(agencies["city"], [leap_day])
    rows = [*records, leap_day]
    with Snapshot(tmp_path / "leap.duckdb") as snap:
        snap.refresh()
        result = compute(
            snap.con, "monthly", Scope(parse_period("2024-03-01..2025-02-28"), "440100")
        )
    february = {r["code"]: r for r in result.rows}["2025-02"]
    now = figures_between(rows, "2025-02-01", "2025-02-28")["total"]
    assert_growth(february, "yoy", now, figures_between(rows, "2024-02-01", "2024-02-28")["total"])
    march = {r["code"]: r for r in result.rows}["2024-03"]
    whole_february = figures_between(rows, "2024-02-01", "2024-02-29")["total"]
    assert_growth(
        march, "pop", figures_between(rows, "2024-03-01", "2024-03-31")["total"], whole_february
    )
