"""Draft → review → published → closed / expired, with owners editing and agency staff reviewing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.domain.listings import parse_listing
from techmarket.domain.problems import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from techmarket.market import selectors, services
from techmarket.registry.actors import system_actor
from techmarket.registry.audit import verify
from techmarket.registry.models import AuditEvent
from tests.market.builders import achievement_row

pytestmark = pytest.mark.django_db


def draft(actor, now, **overrides):
    record, problems = parse_listing("achievement", achievement_row(**overrides), 1)
    assert record is not None, problems
    return services.create_draft("achievement", record, actor=actor, now=now)


def submitted(seller, now):
    listing = draft(seller, now)
    return services.submit("achievement", listing.pk, actor=seller, now=now)


def test_a_seller_drafts_submits_and_a_registrar_of_the_region_publishes(seller, registrar, now):
    listing = draft(seller, now)
    assert listing.status == "draft" and listing.owner_id == seller.party_id
    assert listing.agency.code == "D440106"  # the most local agency holding 440106
    services.submit("achievement", listing.pk, actor=seller, now=now)
    published = services.publish("achievement", listing.pk, actor=registrar, now=now)
    assert published.status == "published" and published.published_at == now
    assert published.version == 3


def test_an_outsider_cannot_edit_another_organisations_draft(seller, outsider, now):
    listing = draft(seller, now)
    with pytest.raises(NotFound):
        services.update_draft("achievement", listing.pk, {"title": "改名"}, actor=outsider, now=now)


def test_an_outsider_cannot_edit_a_published_listing_either(seller, registrar, outsider, now):
    listing = submitted(seller, now)
    services.publish("achievement", listing.pk, actor=registrar, now=now)
    with pytest.raises(PermissionDenied) as refused:
        services.close("achievement", listing.pk, actor=outsider, now=now)
    assert refused.value.code == "not_own_listing"


def test_a_seller_cannot_review_its_own_listing(seller, now):
    listing = submitted(seller, now)
    with pytest.raises(PermissionDenied) as refused:
        services.publish("achievement", listing.pk, actor=seller, now=now)
    assert refused.value.code == "not_in_jurisdiction"


def test_a_registrar_of_another_district_cannot_see_or_review_a_draft(
    seller, other_district_registrar, now
):
    listing = submitted(seller, now)
    page = selectors.list_listings(other_district_registrar, "achievement")
    assert page.total == 0
    with pytest.raises(NotFound):
        services.publish("achievement", listing.pk, actor=other_district_registrar, now=now)


def test_a_registrar_of_another_province_cannot_see_drafts(seller, now, agencies):
    from techmarket.accounts.services import save_agency
    from tests.conftest import _person

    save_agency("P350000", name="福建省技术合同认定登记中心", region="350000")
    fujian = _person("fujian_registrar", "registrar", agency="P350000")
    listing = submitted(seller, now)
    assert selectors.list_listings(fujian, "achievement").total == 0
    with pytest.raises(NotFound):
        selectors.get_listing(fujian, "achievement", listing.pk)


def test_published_listings_are_visible_to_every_signed_in_user(
    seller, registrar, outsider, analyst, now
):
    listing = submitted(seller, now)
    services.publish("achievement", listing.pk, actor=registrar, now=now)
    for reader in (outsider, analyst):
        assert selectors.get_listing(reader, "achievement", listing.pk).pk == listing.pk


def test_a_return_needs_a_note_and_sends_the_listing_back_to_draft(seller, registrar, now):
    listing = submitted(seller, now)
    with pytest.raises(Exception) as refused:
        services.return_to_draft("achievement", listing.pk, actor=registrar, now=now, note=" ")
    assert refused.value.code == "note_required"
    returned = services.return_to_draft(
        "achievement", listing.pk, actor=registrar, now=now, note="请补充技术指标"
    )
    assert returned.status == "draft" and returned.note == "请补充技术指标"


def test_a_draft_edit_is_checked_like_an_import(seller, now):
    listing = draft(seller, now)
    with pytest.raises(ValidationFailed) as refused:
        services.update_draft("achievement", listing.pk, {"trl": "12"}, actor=seller, now=now)
    assert [p.field for p in refused.value.problems] == ["trl"]
    edited = services.update_draft("achievement", listing.pk, {"trl": "7"}, actor=seller, now=now)
    assert edited.trl == 7


def test_a_stale_version_is_refused(seller, now):
    listing = draft(seller, now)
    with pytest.raises(StaleObject):
        services.submit("achievement", listing.pk, actor=seller, now=now, expected_version=9)


def test_a_published_listing_cannot_be_submitted_again(seller, registrar, now):
    listing = submitted(seller, now)
    services.publish("achievement", listing.pk, actor=registrar, now=now)
    with pytest.raises(InvalidTransition):
        services.submit("achievement", listing.pk, actor=seller, now=now)


def test_listings_past_their_validity_expire_and_others_stay(seller, registrar, now):
    old = draft(seller, now, external_id="OLD", valid_until="2025-06-15")
    fresh = draft(seller, now, external_id="NEW", valid_until="2025-06-16")
    for listing in (old, fresh):
        services.submit("achievement", listing.pk, actor=seller, now=now)
        services.publish("achievement", listing.pk, actor=registrar, now=now)
    counts = services.expire_due(actor=system_actor(), now=now)
    assert counts == {"achievement": 1, "demand": 0}
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "published")
    assert services.expire_due(actor=system_actor(), now=now + timedelta(hours=1)) == {
        "achievement": 0,
        "demand": 0,
    }


def test_listing_steps_are_audited_in_the_one_chain_which_still_verifies(seller, registrar, now):
    listing = submitted(seller, now)
    services.publish("achievement", listing.pk, actor=registrar, now=now)
    events = list(AuditEvent.objects.filter(contract__isnull=True).order_by("seq"))
    assert [e.action for e in events] == [
        "achievement_create",
        "achievement_submit",
        "achievement_publish",
    ]
    assert events[-1].payload["external_id"] == "CG-001" and events[-1].actor == "registrar"
    assert verify().ok
