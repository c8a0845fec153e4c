"""Published listings and leads walked through the real services, for the lead and funnel tests."""

from __future__ import annotations

from techmarket.domain.listings import parse_listing
from techmarket.market import lead_services, services
from techmarket.registry.actors import system_actor
from tests.domain.builders import BUYER_ID
from tests.market.builders import achievement_row, demand_row

# The demand's company is the buyer of `tests.domain.builders.valid_record`, and the
# achievement's holder its seller: a contract built from that record is the lead's deal.
BUYER_NAME = "北京某理工大学"


def published(kind: str, now, **overrides: str):
    operator = system_actor()
    row = achievement_row(**overrides) if kind == "achievement" else demand_row(**overrides)
    record, problems = parse_listing(kind, row, 1)
    assert record is not None, problems
    listing = services.create_draft(kind, record, actor=operator, now=now)
    services.submit(kind, listing.pk, actor=operator, now=now)
    return services.publish(kind, listing.pk, actor=operator, now=now)


def achievement(now, **overrides: str):
    return published("achievement", now, **overrides)


def demand(now, **overrides: str):
    defaults = {"company_name": BUYER_NAME, "company_id": BUYER_ID}
    return published("demand", now, **{**defaults, **overrides})


def walk_to_signed(lead, actor, now):
    """contacted → negotiating → signed, one step each."""
    for step in (lead_services.contact, lead_services.negotiate, lead_services.sign):
        lead = step(lead.pk, actor=actor, now=now)
    return lead
