"""Every write to a listing: one function per workflow step, called by CLI, web and API alike.

Each step locks the listing, checks the actor's permission and the expected version, asks the
workflow table whether the move is legal, applies it and appends the audit event, all in one
transaction. `kind` is "achievement" or "demand".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.codes.regions import is_within
from techmarket.domain.listing_workflow import (
    ListingAction,
    ListingStatus,
    check_listing_transition,
)
from techmarket.domain.listings import (
    KIND_LABELS,
    Kind,
    ListingRecord,
    canonical_row,
    parse_listing,
)
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.market import audit
from techmarket.market.models import LISTING_MODELS, Achievement, Listing
from techmarket.market.permissions import (
    ensure_can_close,
    ensure_can_edit,
    ensure_can_review,
    listing_not_found,
)
from techmarket.market.records import listing_fields, values_of
from techmarket.registry import audit as chain
from techmarket.registry.actors import Actor
from techmarket.registry.models import Party

Permit = Callable[[str, Actor, Listing], None]


def reviewing_agency(region: str | None, owner: Party | None = None) -> Agency | None:
    """The most local agency whose region holds the listing's region (else the owner's)."""
    place = region or (owner.region_code if owner is not None else "")
    if not place:
        return None
    holding = [
        agency
        for agency in Agency.objects.all()
        if agency.region_code and is_within(place, agency.region_code)
    ]
    # The most local: the one whose region lies within the most candidates' regions.
    regions = [agency.region_code for agency in holding]
    return max(
        holding,
        key=lambda a: sum(is_within(a.region_code, region) for region in regions),
        default=None,
    )


def party_named(identifier: str | None) -> Party | None:
    """The registry's party with this credit code, where the platform knows it."""
    return Party.objects.filter(identifier=identifier).first() if identifier else None


def link_parties(kind: Kind, listing: Listing, record: ListingRecord) -> None:
    if kind == "achievement":
        listing.holder_party = party_named(record["holder_id"])  # type: ignore[attr-defined, arg-type]
    else:
        listing.company_party = party_named(record["company_id"])  # type: ignore[attr-defined, arg-type]


def owner_for(actor: Actor, record: ListingRecord) -> Party | None:
    if actor.role is Role.SELLER:
        return Party.objects.filter(pk=actor.party_id).first() if actor.party_id else None
    key = "holder_id" if record.kind == "achievement" else "company_id"
    return party_named(record[key])  # type: ignore[arg-type]


def ensure_may_list(actor: Actor) -> None:
    """Organisations (sellers), agency staff and the operator publish listings; analysts read."""
    if actor.role is Role.SELLER and actor.party_id is None:
        raise PermissionDenied(
            "发布成果或需求须以单位用户的身份",
            "listings are published by a user of an organisation",
            code="listing_needs_organisation",
        )
    if actor.role not in (Role.SELLER, Role.OPERATOR, *REGISTRAR_ROLES):
        raise PermissionDenied(
            "无权发布成果或需求", "you may not publish listings", code="role_may_not_list"
        )


def _refuse_taken(kind: Kind, external_id: str, besides: int | None = None) -> None:
    model = LISTING_MODELS[kind]
    if model.objects.filter(external_id=external_id).exclude(pk=besides).exists():
        zh, en = KIND_LABELS[kind]
        raise Conflict(
            f"{zh}编号 {external_id} 已被使用；请另取一个编号",
            f"{en} external_id {external_id} is taken; choose another",
            code="duplicate_listing",
            external_id=external_id,
        )


def create_draft(
    kind: Kind,
    record: ListingRecord,
    *,
    actor: Actor,
    now: datetime,
    agency: Agency | None = None,
) -> Listing:
    """A new listing in draft; the owner is the actor's organisation (the holder's or
    company's registered party when the operator or agency staff enter it)."""
    ensure_may_list(actor)
    with transaction.atomic():
        _refuse_taken(kind, record.external_id)
        owner = owner_for(actor, record)
        region = record["region"]
        if agency is None:
            agency = actor.agency if actor.role in REGISTRAR_ROLES else None
            agency = agency or reviewing_agency(region, owner)  # type: ignore[arg-type]
        listing = LISTING_MODELS[kind](
            external_id=record.external_id,
            owner=owner,
            agency=agency,
            status=ListingStatus.DRAFT,
            fingerprint=record.fingerprint(),
            created_at=now,
            updated_at=now,
            **listing_fields(record),
        )
        link_parties(kind, listing, record)
        listing.save()
        audit.record(kind, listing, actor.username, ListingAction.CREATE, "", now)
    return listing


def _locked(kind: Kind, listing_id: int) -> Listing:
    listing = (
        LISTING_MODELS[kind].objects.select_for_update(of=("self",)).filter(pk=listing_id).first()
    )
    if listing is None:
        raise listing_not_found(kind, listing_id)
    return listing


def _step(
    kind: Kind,
    listing_id: int,
    action: ListingAction,
    *,
    actor: Actor,
    now: datetime,
    permit: Permit,
    expected_version: int | None = None,
    change: Callable[[Listing], dict[str, object]] | None = None,
) -> Listing:
    with transaction.atomic():
        listing = _locked(kind, listing_id)
        permit(kind, actor, listing)
        if expected_version is not None and listing.version != expected_version:
            zh, en = KIND_LABELS[kind]
            raise StaleObject(
                f"{zh} {listing_id} 已被修改（现为第 {listing.version} 版，所读为第 "
                f"{expected_version} 版）；请重新读取后再操作",
                f"{en} {listing_id} has changed since it was read (now version "
                f"{listing.version}, read as {expected_version}); read it again",
                code="stale_version",
                listing=listing_id,
                version=listing.version,
                expected_version=expected_version,
            )
        from_status = listing.status
        listing.status = check_listing_transition(action, from_status, actor.role)
        payload = change(listing) if change else {}
        listing.version += 1
        listing.updated_at = now
        listing.save()
        audit.record(kind, listing, actor.username, action, from_status, now, **payload)
    return listing


def update_draft(
    kind: Kind,
    listing_id: int,
    changes: Mapping[str, object],
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Listing:
    """The owner changes fields of a draft (file keys → raw values); the whole listing is
    checked again, as an import checks it. A changed text drops the stale vector."""

    def change(listing: Listing) -> dict[str, object]:
        current = canonical_row(kind, values_of(kind, listing))
        record, problems = parse_listing(kind, {**current, **changes}, 1)
        if record is None:
            raise ValidationFailed(problems)
        _refuse_taken(kind, record.external_id, besides=listing.pk)
        apply_record(kind, listing, record)
        return {"fields": ",".join(sorted(changes))}

    return _step(
        kind,
        listing_id,
        ListingAction.EDIT,
        actor=actor,
        now=now,
        permit=ensure_can_edit,
        expected_version=expected_version,
        change=change,
    )


def apply_record(kind: Kind, listing: Listing, record: ListingRecord) -> None:
    """Put a record's content on a listing; the vector goes when the content changed."""
    if listing.fingerprint != record.fingerprint():
        listing.vector = None
        listing.vector_model = ""
    listing.external_id = record.external_id  # type: ignore[attr-defined]
    for key, value in listing_fields(record).items():
        setattr(listing, key, value)
    listing.fingerprint = record.fingerprint()
    link_parties(kind, listing, record)


def submit(
    kind: Kind, listing_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Listing:
    """The owner sends a draft to its agency for review."""

    def change(listing: Listing) -> dict[str, object]:
        if listing.agency_id is None:
            raise DomainError(
                "找不到负责审核的登记机构：请填写所在地区（平台所辖地区内）",
                "no agency reviews this listing: give its region (within the platform's area)",
                code="no_reviewing_agency",
                field="region",
            )
        listing.note = ""
        return {}

    return _step(
        kind,
        listing_id,
        ListingAction.SUBMIT,
        actor=actor,
        now=now,
        permit=ensure_can_edit,
        expected_version=expected_version,
        change=change,
    )


def publish(
    kind: Kind, listing_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Listing:
    """Staff of the jurisdiction publish a listing in review: every signed-in user sees it."""

    def change(listing: Listing) -> dict[str, object]:
        listing.published_at = now
        return {}

    return _step(
        kind,
        listing_id,
        ListingAction.PUBLISH,
        actor=actor,
        now=now,
        permit=ensure_can_review,
        expected_version=expected_version,
        change=change,
    )


def return_to_draft(
    kind: Kind,
    listing_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None = None,
) -> Listing:
    """Staff send a listing back to its owner with what to change."""
    if not note.strip():
        raise DomainError(
            "退回时须说明需修改的内容",
            "a return must say what is to be changed",
            code="note_required",
            action=str(ListingAction.RETURN),
        )

    def change(listing: Listing) -> dict[str, object]:
        listing.note = note
        return {"note": note}

    return _step(
        kind,
        listing_id,
        ListingAction.RETURN,
        actor=actor,
        now=now,
        permit=ensure_can_review,
        expected_version=expected_version,
        change=change,
    )


def close(
    kind: Kind,
    listing_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Listing:
    """The owner withdraws a listing, or staff of the jurisdiction take it down."""

    def change(listing: Listing) -> dict[str, object]:
        if note:
            listing.note = note
        return {"note": note}

    return _step(
        kind,
        listing_id,
        ListingAction.CLOSE,
        actor=actor,
        now=now,
        permit=ensure_can_close,
        expected_version=expected_version,
        change=change,
    )


def expire_due(*, actor: Actor, now: datetime) -> dict[str, int]:
    """Published listings past their validity (achievements) or deadline (demands) expire:
    the job the operator's scheduler or command line runs daily. Returns counts by kind."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            "只有系统可以批量下架到期的成果和需求",
            "only the operator expires listings",
            code="role_may_not_act",
        )
    today = timezone.localdate(now)
    counts: dict[str, int] = {}
    for kind, model in LISTING_MODELS.items():
        date_field = "valid_until" if model is Achievement else "deadline"
        with transaction.atomic():
            due = list(
                model.objects.select_for_update()
                .filter(status=ListingStatus.PUBLISHED, **{f"{date_field}__lt": today})
                .order_by("pk")
            )
            events = []
            for listing in due:
                from_status = listing.status
                listing.status = check_listing_transition(
                    ListingAction.EXPIRE, from_status, actor.role
                )
                listing.version += 1
                listing.updated_at = now
                events.append(
                    audit.pending(
                        kind,
                        listing,
                        actor.username,
                        ListingAction.EXPIRE,
                        from_status,
                        now,
                        on=getattr(listing, date_field),
                    )
                )
            model.objects.bulk_update(due, ["status", "version", "updated_at"], batch_size=500)
            chain.append(events)
        counts[kind] = len(due)
    return counts
