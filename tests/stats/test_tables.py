"""The standard tables agree with the same figures computed independently in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from techmarket.registry.models import Contract
from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import growth_pct, parse_period
from techmarket.stats.snapshot import Snapshot
from tests.domain.builders import valid_row
from tests.stats.helpers import import_registered as _import

pytestmark = pytest.mark.django_db


def _expected(rows, year, key):
    totals = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for row in rows:
        if row["registered_on"].startswith(str(year)):
            bucket = totals[key(row)]
            bucket[0] += 1
            bucket[1] += Decimal(row["total_amount"])
            bucket[2] += Decimal(row["tech_amount"])
    return totals


def test_by_type_matches_plain_python_with_growth_and_shares(records, snapshot):
    result = compute(snapshot.con, "by_type", Scope(parse_period("2025"), region="440100"))
    now = _expected(records, 2025, lambda r: r["contract_type"])
    before = _expected(records, 2024, lambda r: r["contract_type"])
    whole = sum(v[1] for v in now.values())
    assert {r["code"] for r in result.rows} == set(now)
    for row in result.rows:
        count, total, tech = now[row["code"]]
        assert (row["count"], row["total_amount"], row["tech_amount"]) == (count, total, tech)
        prior = before.get(row["code"])
        assert row["total_amount_yoy_pct"] == growth_pct(total, prior[1] if prior else None)
        assert row["share_pct"] == (total / whole * 100).quantize(Decimal("0.01"))
    assert [r["rank"] for r in result.rows] == list(range(1, len(result.rows) + 1))


def test_the_overview_total_is_the_exact_sum_of_the_year(records, snapshot):
    result = compute(snapshot.con, "overview", Scope(parse_period("2024"), region="440100"))
    ((count, total, tech),) = _expected(records, 2024, lambda r: "all").values()
    row = result.rows[0]
    assert (row["count"], row["total_amount"], row["tech_amount"]) == (count, total, tech)
    assert row["count_yoy_pct"] is None  # no 2023 data: growth is null, not 0 or infinite


def test_monthly_cumulative_ends_at_the_year_total(records, snapshot):
    scope = Scope(parse_period("2025"), region="440100")
    monthly = compute(snapshot.con, "monthly", scope).rows
    overview = compute(snapshot.con, "overview", scope).rows[0]
    assert len(monthly) == 12
    assert monthly[-1]["cumulative_total_amount"] == overview["total_amount"]
    assert sum(m["count"] for m in monthly) == overview["count"]


def test_an_empty_period_has_a_zero_total_and_no_rows_elsewhere(records, snapshot):
    scope = Scope(parse_period("2019H1"), region="440100")
    assert compute(snapshot.con, "overview", scope).rows[0]["count"] == 0
    assert compute(snapshot.con, "by_type", scope).rows == []


def test_output_by_region_sums_to_the_city_total(records, snapshot):
    scope = Scope(parse_period("2025"), region="440100", view="output")
    districts = compute(snapshot.con, "by_region", scope).rows
    total = compute(snapshot.con, "overview", scope).rows[0]["total_amount"]
    assert sum(r["total_amount"] for r in districts) == total
    assert all(r["code"].startswith("4401") for r in districts)


def test_flows_split_output_by_where_the_buyer_is(records, snapshot):
    scope = Scope(parse_period("2025"), region="440100", view="output")
    flows = {r["code"]: r["count"] for r in compute(snapshot.con, "flows", scope).rows}
    rows = [r for r in records if r["registered_on"].startswith("2025")]
    abroad = sum(1 for r in rows if r["buyer_country"] not in ("CHN", "HKG", "MAC", "TWN"))
    hmt = sum(1 for r in rows if r["buyer_country"] in ("HKG", "MAC", "TWN"))
    local = sum(1 for r in rows if r["buyer_country"] == "CHN" and r["buyer_region"][:4] == "4401")
    assert (flows.get("abroad", 0), flows.get("hmt", 0), flows.get("in_region", 0)) == (
        abroad,
        hmt,
        local,
    )


def test_december_31_and_january_1_land_in_their_own_years(agencies, tmp_path):
    _import(
        agencies["city"],
        [
            dict(
                valid_row(external_id="D31", signed_on="2024-12-01", valid_to="2026-12-31"),
                registered_on="2024-12-31",
            ),
            dict(
                valid_row(external_id="J01", signed_on="2024-12-01", valid_to="2026-12-31"),
                registered_on="2025-01-01",
            ),
        ],
    )
    with Snapshot(tmp_path / "s.duckdb") as snap:
        snap.refresh()
        for year in ("2024", "2025"):
            row = compute(snap.con, "overview", Scope(parse_period(year), "440100")).rows[0]
            assert row["count"] == 1


def test_a_cancelled_contract_counts_only_before_its_cancellation(
    agencies, registrar, tmp_path, now
):
    from techmarket.registry import services
    from techmarket.registry.models import Contract

    _import(agencies["city"], [dict(valid_row(external_id="C1"), registered_on="2025-04-01")])
    contract = Contract.objects.get()
    services.cancel(contract.pk, actor=registrar, now=now, note="解除")  # 2025-06-16
    with Snapshot(tmp_path / "s.duckdb") as snap:
        snap.refresh()
        period = parse_period("2025H1")
        before = Scope(period, "440100", as_of=date(2025, 6, 15))
        after = Scope(period, "440100", as_of=date(2025, 6, 30))
        assert compute(snap.con, "overview", before).rows[0]["count"] == 1
        assert compute(snap.con, "overview", after).rows[0]["count"] == 0


def test_an_abolished_district_code_rolls_up_to_its_successor(agencies, tmp_path):
    # 440102 东山区 was merged into 440104 越秀区 in 2005.
    row = valid_row(
        external_id="OLD",
        seller_region="440102",
        signed_on="2004-06-01",
        valid_from="2004-06-01",
        valid_to="2006-12-31",
    )
    _import(agencies["city"], [dict(row, registered_on="2004-07-01")])
    with Snapshot(tmp_path / "s.duckdb") as snap:
        snap.refresh()
        scope = Scope(parse_period("2004"), region="440100", view="output")
        assert [r["code"] for r in compute(snap.con, "by_region", scope).rows] == ["440104"]


def test_a_refresh_picks_up_new_registrations_only(agencies, tmp_path):
    _import(agencies["city"], [dict(valid_row(external_id="A"), registered_on="2025-04-01")])
    with Snapshot(tmp_path / "s.duckdb") as snap:
        assert snap.refresh().facts == 1
        _import(agencies["city"], [dict(valid_row(external_id="B"), registered_on="2025-04-02")])
        report = snap.refresh()
        assert (report.rebuilt, report.contracts_changed, report.facts) == (False, 1, 2)


def test_growth_of_a_range_longer_than_a_year_counts_each_year_once(records, snapshot):
    scope = Scope(parse_period("2024-07-01..2025-12-31"), region="440100")
    row = compute(snapshot.con, "by_type", scope).rows
    overview = compute(snapshot.con, "overview", scope).rows[0]
    assert (
        sum(r["count"] for r in row)
        == overview["count"]
        == sum(1 for r in records if r["registered_on"] >= "2024-07-01")
    )


def _seller_code(row):
    if not row["seller_id"]:
        return row["seller_name"]
    if row["seller_nature"] == "400":  # a natural person's ID is shown masked
        return row["seller_id"][:6] + "********" + row["seller_id"][-4:]
    return row["seller_id"]


def test_top_sellers_match_plain_python_with_codes_masked_for_people(records, snapshot):
    result = compute(snapshot.con, "top_sellers", Scope(parse_period("2025"), region="440100"))
    by_seller = _expected(records, 2025, _seller_code)
    names = {_seller_code(r): r["seller_name"] for r in records}
    expected = sorted(by_seller.items(), key=lambda item: -item[1][1])[:20]
    assert [r["total_amount"] for r in result.rows] == [v[1] for _, v in expected]
    for row in result.rows:
        assert (row["count"], row["total_amount"], row["tech_amount"]) == tuple(
            by_seller[row["code"]]
        )
        assert row["name"] == names[row["code"]]


def test_large_contracts_list_numbers_and_names_by_technology_value(records, snapshot):
    result = compute(snapshot.con, "large_contracts", Scope(parse_period("2025"), region="440100"))
    large = [
        r
        for r in records
        if r["registered_on"].startswith("2025") and Decimal(r["tech_amount"]) >= 5_000_000
    ]
    assert large, "the generated year should hold large contracts"
    large.sort(key=lambda r: -Decimal(r["tech_amount"]))
    assert [(r["name"], r["tech_amount"]) for r in result.rows] == [
        (r["name"], Decimal(r["tech_amount"])) for r in large[:200]
    ]
    numbers = {
        (name, tech): number
        for name, tech, number in Contract.objects.values_list(
            "name", "tech_amount", "registration_number"
        )
    }
    assert [r["code"] for r in result.rows] == [
        numbers[(r["name"], r["tech_amount"])] for r in result.rows
    ]
