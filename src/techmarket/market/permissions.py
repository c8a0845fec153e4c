"""Who may see and change a listing, decided once here from the actor.

Published listings are visible to every signed-in user. Drafts and listings in review are seen
by their owner organisation's users, by agency staff whose jurisdiction holds the listing's
reviewing agency, and by the operator. Owners edit; staff of the jurisdiction review.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techmarket.domain.listing_workflow import ListingStatus
from techmarket.domain.listings import KIND_LABELS
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.market.models import Listing
from techmarket.registry.actors import Actor
from techmarket.registry.permissions import agencies_in_reach


def visible(actor: Actor, listings: QuerySet) -> QuerySet:
    """The listings of `listings` the actor may read."""
    if actor.role is Role.OPERATOR:
        return listings
    published = Q(status=ListingStatus.PUBLISHED)
    if actor.role is Role.SELLER:
        own = Q(owner_id=actor.party_id) if actor.party_id else Q(pk__in=[])
        return listings.filter(published | own)
    if actor.role in REGISTRAR_ROLES:
        reach = agencies_in_reach(actor)
        return listings.filter(published | Q(agency_id__in=reach or []))
    return listings.filter(published)


def listing_not_found(kind: str, key: object) -> NotFound:
    """The one answer for a listing that is absent or out of reach (no hint that it exists)."""
    zh, en = KIND_LABELS[kind]
    return NotFound(f"找不到{zh} {key}", f"no {en} {key}", code="listing_not_found", kind=kind)


def owns(actor: Actor, listing: Listing) -> bool:
    return (
        actor.role is Role.SELLER
        and actor.party_id is not None
        and (listing.owner_id == actor.party_id)
    )


def reviews(actor: Actor, listing: Listing) -> bool:
    """Staff of an agency whose region holds the listing's reviewing agency's region."""
    if actor.role not in REGISTRAR_ROLES or listing.agency_id is None:
        return False
    return listing.agency_id in (agencies_in_reach(actor) or [])


def can_view(actor: Actor, listing: Listing) -> bool:
    return (
        actor.role is Role.OPERATOR
        or listing.status == ListingStatus.PUBLISHED
        or owns(actor, listing)
        or reviews(actor, listing)
    )


def ensure_can_edit(kind: str, actor: Actor, listing: Listing) -> None:
    """Only the owner organisation's users (or the operator) change and submit a listing."""
    if not can_view(actor, listing):
        raise listing_not_found(kind, listing.pk)
    if actor.role is Role.OPERATOR or owns(actor, listing):
        return
    raise PermissionDenied(
        "只能修改本单位发布的成果或需求",
        "only your own organisation's listings can be changed",
        code="not_own_listing",
    )


def ensure_can_review(kind: str, actor: Actor, listing: Listing) -> None:
    """Only staff of the listing's jurisdiction (or the operator) publish or return it."""
    if not can_view(actor, listing):
        raise listing_not_found(kind, listing.pk)
    if actor.role is Role.OPERATOR or reviews(actor, listing):
        return
    raise PermissionDenied(
        "只能审核本辖区的成果或需求",
        "only listings of your jurisdiction can be reviewed",
        code="not_in_jurisdiction",
    )


def ensure_can_close(kind: str, actor: Actor, listing: Listing) -> None:
    """The owner withdraws its listing; staff of the jurisdiction take one down."""
    if actor.role in REGISTRAR_ROLES:
        ensure_can_review(kind, actor, listing)
    else:
        ensure_can_edit(kind, actor, listing)
