"""The demo market: listings of the demo registry's parties and a lead that reached a contract."""

from __future__ import annotations

import pytest
from django.utils import timezone

from techmarket.market.demo import load_market_demo
from techmarket.market.models import Achievement, Demand, Lead
from techmarket.registry.audit import verify
from techmarket.registry.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_market_is_published_and_its_lead_reached_a_registered_contract():
    now = timezone.now()  # as `techmarket demo` runs: contracts up to today
    load_demo(contracts=60, years=[now.year - 1, now.year], region="440100", seed=1, now=now)
    made = load_market_demo(region="440100", seed=1, now=now, pairs=10)
    assert made == {"achievements": 10, "demands": 5, "leads": 1}
    assert set(Achievement.objects.values_list("status", flat=True)) == {"published"}
    assert set(Demand.objects.values_list("status", flat=True)) == {"published"}
    lead = Lead.objects.get()
    assert lead.status == "registered" and lead.contract.status == "registered"
    assert verify().ok
    again = load_market_demo(region="440100", seed=1, now=now, pairs=10)
    assert again == {"achievements": 0, "demands": 0, "leads": 0}
