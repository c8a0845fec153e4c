"""The listing list's filters: text in title, summary or id; maturity; one mode; one's own."""

from __future__ import annotations

import pytest

from techmarket.domain.listings import parse_listing
from techmarket.market import selectors, services
from tests.market.builders import achievement_row, demand_row

pytestmark = pytest.mark.django_db


def make(kind, actor, now, **overrides):
    row = (achievement_row if kind == "achievement" else demand_row)(**overrides)
    record, problems = parse_listing(kind, row, 1)
    assert record is not None, problems
    return services.create_draft(kind, record, actor=actor, now=now)


def ids(page):
    return {listing.external_id for listing in page.items}


def test_text_is_found_in_the_summary_and_the_external_id_too(seller, now):
    make("achievement", seller, now, external_id="CG-A", summary="固态电解质界面改性")
    make("achievement", seller, now, external_id="CG-B", title="光伏组件清洗机器人")
    assert ids(selectors.list_listings(seller, "achievement", text="电解质")) == {"CG-A"}
    assert ids(selectors.list_listings(seller, "achievement", text="cg-b")) == {"CG-B"}


def test_a_mode_matches_one_of_several_codes_and_not_a_part_of_one(seller, now):
    make("achievement", seller, now, external_id="CG-A", transfer_modes="转让;许可;作价入股")
    make("achievement", seller, now, external_id="CG-B", transfer_modes="许可")
    make("achievement", seller, now, external_id="CG-C", transfer_modes="合作开发")
    assert ids(selectors.list_listings(seller, "achievement", mode="license")) == {"CG-A", "CG-B"}
    assert ids(selectors.list_listings(seller, "achievement", mode="equity")) == {"CG-A"}
    assert ids(selectors.list_listings(seller, "achievement", mode="transfer")) == {"CG-A"}


def test_maturity_filters_achievements_and_is_ignored_for_demands(seller, now):
    make("achievement", seller, now, external_id="CG-A", maturity="通过中试")
    make("achievement", seller, now, external_id="CG-B", maturity="通过小试")
    make("demand", seller, now, external_id="XQ-A")
    assert ids(selectors.list_listings(seller, "achievement", maturity="pilot_tested")) == {"CG-A"}
    assert ids(selectors.list_listings(seller, "demand", maturity="pilot_tested")) == {"XQ-A"}


def test_mine_keeps_only_the_organisations_own_listings(seller, outsider, registrar, now):
    make("achievement", seller, now, external_id="CG-OWN")
    theirs = make("achievement", outsider, now, external_id="CG-THEIRS", region="440106")
    services.submit("achievement", theirs.pk, actor=outsider, now=now)
    services.publish("achievement", theirs.pk, actor=registrar, now=now)
    assert ids(selectors.list_listings(seller, "achievement")) == {"CG-OWN", "CG-THEIRS"}
    assert ids(selectors.list_listings(seller, "achievement", mine=True)) == {"CG-OWN"}
    assert ids(selectors.list_listings(registrar, "achievement", mine=True)) == set()


def names(actions):
    return [str(t.action) for t in actions]


def test_the_owner_is_offered_edit_submit_and_close_on_a_draft_staff_only_close(
    seller, registrar, now
):
    listing = make("achievement", seller, now)
    assert names(selectors.listing_actions(seller, "achievement", listing)) == [
        "edit",
        "submit",
        "close",
    ]
    assert names(selectors.listing_actions(registrar, "achievement", listing)) == ["close"]


def test_only_the_jurisdictions_staff_are_offered_publish_and_return(
    seller, registrar, other_district_registrar, outsider, now
):
    listing = make("achievement", seller, now)
    listing = services.submit("achievement", listing.pk, actor=seller, now=now)
    assert names(selectors.listing_actions(registrar, "achievement", listing)) == [
        "publish",
        "return",
        "close",
    ]
    assert names(selectors.listing_actions(seller, "achievement", listing)) == ["close"]
    assert selectors.listing_actions(other_district_registrar, "achievement", listing) == []
    assert selectors.listing_actions(outsider, "achievement", listing) == []
