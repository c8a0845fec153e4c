"""Flows between regions: seller's place → buyer's place, checked against plain Python."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from techmarket.codes.regions import full_name
from techmarket.stats.engine import Scope, compute
from techmarket.stats.periods import parse_period

pytestmark = pytest.mark.django_db
HMT = {"HKG", "MAC", "TWN"}


def _place(row: dict, side: str) -> str:
    """The test's own rule: a Guangzhou party by its district, others by province."""
    country, region = row[f"{side}_country"], row[f"{side}_region"]
    if country in HMT:
        return "hmt"
    if country != "CHN":
        return "abroad"
    return region if region.startswith("4401") else region[:2] + "0000"


def test_flows_from_guangzhou_sellers_match_plain_python(records, snapshot):
    result = compute(
        snapshot.con, "flow_matrix", Scope(parse_period("2025"), region="440100", view="output")
    )
    expected: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for row in records:
        if row["registered_on"].startswith("2025") and row["seller_region"].startswith("4401"):
            bucket = expected[(_place(row, "seller"), _place(row, "buyer"))]
            bucket[0] += 1
            bucket[1] += Decimal(row["total_amount"])
    got = {
        (r["seller_place"], r["buyer_place"]): [r["count"], r["total_amount"]] for r in result.rows
    }
    assert got == {key: value for key, value in expected.items()}
    assert len(got) > 3  # the fixture's contracts go to several places
    totals = [r["total_amount"] for r in result.rows]
    assert totals == sorted(totals, reverse=True) and result.rows[0]["rank"] == 1
    assert sum(r["share_pct"] for r in result.rows) == pytest.approx(100, abs=0.1)


def test_each_place_is_named_for_the_reader(records, snapshot):
    result = compute(snapshot.con, "flow_matrix", Scope(parse_period("2025"), region="440100"))
    for row in result.rows:
        for side in ("seller", "buyer"):
            code, name = row[f"{side}_place"], row[f"{side}_place_name"]
            assert name == {"hmt": "港澳台", "abroad": "境外"}.get(code) or name == full_name(code)
