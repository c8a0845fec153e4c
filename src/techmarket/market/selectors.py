"""Reading listings: permission-filtered lists with filters and pages, one listing, exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from techmarket.domain.listing_workflow import (
    ListingAction,
    ListingStatus,
    ListingTransition,
    available_listing_actions,
)
from techmarket.domain.listings import Kind
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.market.models import LISTING_MODELS, Listing
from techmarket.market.permissions import (
    can_view,
    ensure_can_close,
    ensure_can_edit,
    ensure_can_review,
    listing_not_found,
    visible,
)
from techmarket.market.records import row_from_listing
from techmarket.registry.actors import Actor

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page:
    items: list[Listing]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_listings(actor: Actor, kind: Kind) -> QuerySet:
    """Every listing of the kind the actor may read (published ones for everyone)."""
    return visible(actor, LISTING_MODELS[kind].objects.all())


def published_listings(kind: Kind) -> QuerySet:
    """What matching searches: the published listings, whoever asks."""
    return LISTING_MODELS[kind].objects.filter(status=ListingStatus.PUBLISHED)


def region_prefix(code: str) -> str:
    """The leading digits a region's subdivisions share: 440000 → 44, 440100 → 4401."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def list_listings(
    actor: Actor,
    kind: Kind,
    *,
    status: str | None = None,
    tech_field: str | None = None,
    region: str | None = None,
    text: str | None = None,
    maturity: str | None = None,
    mode: str | None = None,
    mine: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """One page of the listings the actor may read, newest change first. `region` includes the
    region's subdivisions; `text` is searched in the title, the summary and the external id;
    `mode` is one transfer mode (achievements) or cooperation mode (demands); `mine` keeps
    the listings of the actor's own organisation."""
    if status is not None and status not in {s.value for s in ListingStatus}:
        raise DomainError(
            f"未知状态 {status}",
            f"unknown status {status}",
            code="unknown_status",
            field="status",
        )
    listings = visible_listings(actor, kind)
    if status:
        listings = listings.filter(status=status)
    if tech_field:
        listings = listings.filter(tech_field=tech_field)
    if region:
        listings = listings.filter(region_code__startswith=region_prefix(region))
    if text and text.strip():
        words = text.strip()
        listings = listings.filter(
            Q(title__icontains=words)
            | Q(summary__icontains=words)
            | Q(external_id__icontains=words)
        )
    if maturity and kind == "achievement":  # demands have no maturity
        listings = listings.filter(maturity=maturity)
    if mode:
        listings = listings.filter(_holding_mode(kind, mode))
    if mine:
        listings = listings.filter(owner_id=actor.party_id) if actor.party_id else listings.none()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    total = listings.count()
    start = (page - 1) * per_page
    items = list(listings.order_by("-updated_at", "-pk")[start : start + per_page])
    return Page(items, total, page, per_page)


def _holding_mode(kind: Kind, mode: str) -> Q:
    """The listings whose ";"-separated mode codes include `mode` (codes hold no ";")."""
    column = "transfer_modes" if kind == "achievement" else "cooperation_modes"
    return (
        Q(**{column: mode})
        | Q(**{f"{column}__startswith": f"{mode};"})
        | Q(**{f"{column}__endswith": f";{mode}"})
        | Q(**{f"{column}__contains": f";{mode};"})
    )


def get_listing(actor: Actor, kind: Kind, listing_id: int) -> Listing:
    """One listing, or the same not-found answer whether it is absent or out of reach."""
    listing = LISTING_MODELS[kind].objects.filter(pk=listing_id).first()
    if listing is None or not can_view(actor, listing):
        raise listing_not_found(kind, listing_id)
    return listing


# Which permission each step of a listing asks for (services.py uses the same ones).
_PERMITS = {
    ListingAction.EDIT: ensure_can_edit,
    ListingAction.SUBMIT: ensure_can_edit,
    ListingAction.PUBLISH: ensure_can_review,
    ListingAction.RETURN: ensure_can_review,
    ListingAction.CLOSE: ensure_can_close,
}


def listing_actions(actor: Actor, kind: Kind, listing: Listing) -> list[ListingTransition]:
    """The steps this actor may take on this listing now: what a page shows as buttons and
    the API lists as `actions` (the workflow table, narrowed by who owns or reviews it)."""
    allowed = []
    for transition in available_listing_actions(listing.status, actor.role):
        permit = _PERMITS.get(transition.action)
        if permit is None:
            continue
        try:
            permit(kind, actor, listing)
        except (PermissionDenied, NotFound):
            continue
        allowed.append(transition)
    return allowed


def export_rows(actor: Actor, kind: Kind, *, status: str | None = None) -> Iterator[dict[str, str]]:
    """Rows in the import format (plus status) of every listing the actor may read."""
    listings = visible_listings(actor, kind)
    if status:
        listings = listings.filter(status=status)
    for listing in listings.order_by("pk").iterator(chunk_size=2000):
        yield row_from_listing(kind, listing)


def find_listing(actor: Actor, kind: Kind, key: str | int) -> Listing:
    """A listing by id or by its external_id (what match results print), if the actor may
    read it; an external_id wins over an id, as a registration number does for contracts."""
    text = str(key).strip()
    model = LISTING_MODELS[kind]
    listing = model.objects.filter(external_id=text).first()
    if listing is None and text.isdecimal() and len(text) < 12:
        listing = model.objects.filter(pk=int(text)).first()
    if listing is None or not can_view(actor, listing):
        raise listing_not_found(kind, text)
    return listing
