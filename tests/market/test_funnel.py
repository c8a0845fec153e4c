"""The funnel on a small known set: each stage counted in the period the lead reached it, the
registered contract's amounts, conversion rates, by field, region, broker and month."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from techmarket.domain.problems import DomainError, PermissionDenied
from techmarket.market import lead_services
from techmarket.registry.actors import system_actor
from techmarket.stats.funnel import funnel, region_at_level
from tests.conftest import SHANGHAI
from tests.market.leads import achievement, demand
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db


def on(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def leads(broker, seller, registrar, agencies, now):
    """A: 05 in 黄埔 by the broker, signed in February, registered in March (1,000,000 / 800,000 yuan);
    B: 01 in 天河 by the broker, contacted then dropped in February;
    C: 01 in 黄埔 without a broker, proposed on 30 December 2024 and contacted in January."""
    contract = registered(seller, registrar, agencies["city"], now)
    cg1 = achievement(on(1, 2), tech_field="05")
    cg2 = achievement(on(1, 2), external_id="CG-002", tech_field="01")
    xq1 = demand(on(1, 2), region="440112")
    xq2 = demand(on(1, 2), external_id="XQ-002", region="440106")
    a = lead_services.propose(cg1.pk, xq1.pk, actor=broker, now=on(1, 10))
    lead_services.contact(a.pk, actor=broker, now=on(2, 1))
    lead_services.negotiate(a.pk, actor=broker, now=on(2, 10))
    lead_services.sign(a.pk, actor=broker, now=on(2, 28))
    lead_services.register(
        a.pk, registration_number=contract.registration_number, actor=broker, now=on(3, 20)
    )
    b = lead_services.propose(cg2.pk, xq2.pk, actor=broker, now=on(2, 5))
    lead_services.contact(b.pk, actor=broker, now=on(2, 6))
    lead_services.drop(b.pk, reason="价格谈不拢", actor=broker, now=on(2, 20))
    c = lead_services.propose(cg2.pk, xq1.pk, actor=seller, now=on(12, 30, 2024))
    lead_services.contact(c.pk, actor=seller, now=on(1, 5))
    return a, b, c


def figures(report):
    keys = ("proposed", "contacted", "negotiating", "signed", "registered")
    return {row["key"]: tuple(row[k] for k in keys) for row in report.as_dict()["rows"]}


def test_by_field_counts_each_stage_in_the_year_it_was_reached(leads):
    report = funnel(system_actor(), "2025", by="field")
    assert figures(report) == {"01": (1, 2, 0, 0, 0), "05": (1, 1, 1, 1, 1)}
    total = report.as_dict()["total"]
    assert (total["proposed"], total["contacted"], total["signed"], total["registered"]) == (
        2,
        3,
        1,
        1,
    )
    assert total["total_amount"] == Decimal("1000000.00")
    assert total["tech_amount"] == Decimal("800000.00")
    assert total["contact_rate"] == Decimal("150.00")  # C was proposed in 2024
    assert total["conversion"] == Decimal("50.00")
    field_05 = report.as_dict()["rows"][1]
    assert field_05["name"] == "新材料及其应用" and field_05["register_rate"] == Decimal("100.00")


def test_the_year_before_holds_only_the_december_proposal(leads):
    assert figures(funnel(system_actor(), "2024", by="field")) == {"01": (1, 0, 0, 0, 0)}


def test_by_region_at_district_and_city_level(leads):
    by_county = figures(funnel(system_actor(), "2025", by="region", level="county"))
    assert by_county == {"440106": (1, 1, 0, 0, 0), "440112": (1, 2, 1, 1, 1)}
    by_city = funnel(system_actor(), "2025", by="region", level="city").as_dict()
    assert [(r["key"], r["name"], r["proposed"]) for r in by_city["rows"]] == [
        ("440100", "广东省广州市", 2)
    ]


def test_by_broker(leads):
    a, _, _ = leads
    assert figures(funnel(system_actor(), "2025", by="broker")) == {
        "": (0, 1, 0, 0, 0),
        str(a.broker_id): (2, 2, 1, 1, 1),
    }


def test_by_month_within_a_quarter(leads):
    assert figures(funnel(system_actor(), "2025Q1", by="month")) == {
        "2025-01": (1, 1, 0, 0, 0),
        "2025-02": (1, 2, 1, 1, 0),
        "2025-03": (0, 0, 0, 0, 1),
    }
    march = funnel(system_actor(), "2025-03", by="field").as_dict()["total"]
    assert (march["signed"], march["registered"]) == (0, 1)
    assert march["total_amount"] == Decimal("1000000.00")  # counted when the contract is linked
    february = funnel(system_actor(), "2025-02", by="field").as_dict()["total"]
    assert (february["signed"], february["total_amount"]) == (1, Decimal("0.00"))


def test_a_district_registrar_reads_only_the_jurisdiction(leads, other_district_registrar):
    report = funnel(other_district_registrar, "2025", by="region", level="county")
    assert list(figures(report)) == ["440112"]
    with pytest.raises(PermissionDenied) as refused:
        funnel(other_district_registrar, "2025", region="440106")
    assert refused.value.code == "region_not_in_jurisdiction"


def test_a_broker_reads_the_funnel_of_their_own_leads(leads, broker, other_broker):
    assert funnel(broker, "2025").as_dict()["total"]["proposed"] == 2
    assert funnel(other_broker, "2025").rows == []


def test_a_bad_period_or_grouping_is_refused_with_its_code(leads):
    with pytest.raises(DomainError) as period:
        funnel(system_actor(), "2025Q5")
    assert period.value.code == "bad_period"
    with pytest.raises(DomainError) as grouping:
        funnel(system_actor(), "2025", by="colour")
    assert grouping.value.code == "unknown_funnel_grouping"


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("440106", "city", "440100"),
        ("440106", "province", "440000"),
        ("110105", "city", "110000"),  # a municipality's district counts as the municipality
        ("429004", "city", "429004"),  # 仙桃: a county directly under its province
        ("440000", "city", "440000"),  # recorded only at province level
    ],
)
def test_region_levels(code, level, expected):
    assert region_at_level(code, level) == expected
