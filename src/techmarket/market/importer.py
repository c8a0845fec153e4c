"""Importing achievements and demands from CSV, xlsx or JSON Lines: all rows or none.

Every row is checked first (`domain.listings.parse_listing`, the services' parser too); any
error leaves the database untouched and the result lists each problem with its row and field,
as a contract import does. Then, in one transaction, new listings are created (published, or
drafts with `draft=True`; a seller's go to the agency's review, see `imported_status`) and those already there (same kind and external_id) are updated in
place. A listing whose content is unchanged is left alone, so importing the same file twice
changes nothing and writes no audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from techmarket.domain.listing_workflow import ListingAction, ListingStatus
from techmarket.domain.listings import TABLES, Kind, ListingRecord, parse_listing
from techmarket.domain.problems import Problem, has_errors
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.interchange.readers import open_records
from techmarket.interchange.sources import FileInput
from techmarket.market import audit
from techmarket.market.models import LISTING_MODELS, Listing
from techmarket.market.permissions import owns, reviews
from techmarket.market.records import listing_fields
from techmarket.market.services import (
    apply_record,
    ensure_may_list,
    link_parties,
    owner_for,
    reviewing_agency,
)
from techmarket.registry import audit as chain
from techmarket.registry.actors import Actor

BATCH = 500


@dataclass
class ListingImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    # The listings created or changed, for the embedder (`market.vectors.embed_listings`).
    changed_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "problems": [p.as_dict() for p in self.problems],
        }


def _problem(row: int, key: str, code: str, zh: str, en: str) -> Problem:
    return Problem(row, key, code, zh, en)


def check_file(
    kind: Kind,
    file: FileInput,
    *,
    format: str | None = None,
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[tuple[int, ListingRecord]], list[Problem], int]:
    """Parse every row: (row, record) pairs, the problems, and the number of rows read.
    A whole-file defect raises FileProblem."""
    source = open_records(file, format, name=name, table=TABLES[kind])
    records: list[tuple[int, ListingRecord]] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    rows = 0
    for row, raw in source:
        rows += 1
        record, found = parse_listing(kind, raw, row, wan_yuan_fields=source.wan_yuan_fields)
        problems += found
        if record is not None:
            earlier = first_row.setdefault(record.external_id, row)
            if earlier != row:
                problems.append(
                    _problem(
                        row,
                        "external_id",
                        "duplicate_in_file",
                        f"编号 {record.external_id} 在文件中重复（第 {earlier} 行已出现）",
                        f"external_id {record.external_id} repeats row {earlier} of the file",
                    )
                )
            else:
                records.append((row, record))
        if progress is not None:
            progress(1)
    return records, problems, rows


def _may_update(actor: Actor, listing: Listing) -> bool:
    return actor.role is Role.OPERATOR or owns(actor, listing) or reviews(actor, listing)


def import_listings(
    kind: Kind,
    file: FileInput,
    *,
    actor: Actor,
    now: datetime,
    draft: bool = False,
    format: str | None = None,
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ListingImportResult:
    """Import a file of one kind of listing: all rows or none (see the module's description).
    Sellers import their organisation's listings; agency staff those they review; the operator
    any. Importing over another organisation's listing is a problem on its row."""
    ensure_may_list(actor)
    result = ListingImportResult(kind)
    records, result.problems, result.rows = check_file(
        kind, file, format=format, name=name, progress=progress
    )
    model = LISTING_MODELS[kind]
    existing: dict[str, Listing] = {}
    ids = [record.external_id for _, record in records]
    for start in range(0, len(ids), BATCH):
        for listing in model.objects.filter(external_id__in=ids[start : start + BATCH]):
            existing[listing.external_id] = listing  # type: ignore[attr-defined]
    for row, record in records:
        listing = existing.get(record.external_id)
        if listing is not None and not _may_update(actor, listing):
            result.problems.append(
                _problem(
                    row,
                    "external_id",
                    "external_id_taken",
                    f"编号 {record.external_id} 已被其他单位使用",
                    f"external_id {record.external_id} is used by another organisation",
                )
            )
    result.problems.sort(key=lambda p: p.row)
    if not result.ok:
        return result
    with transaction.atomic():
        _write(kind, records, existing, result, actor=actor, now=now, draft=draft)
    result.committed = True
    return result


def imported_status(actor: Actor, *, draft: bool) -> ListingStatus:
    """Where a new imported listing starts: a draft when asked; published when the agency or
    the operator imports it (they are the reviewers); in review when a seller does, since a
    seller's listing is published only after the agency has looked at it."""
    if draft:
        return ListingStatus.DRAFT
    if actor.role in REGISTRAR_ROLES or actor.role is Role.OPERATOR:
        return ListingStatus.PUBLISHED
    return ListingStatus.REVIEW


def _write(
    kind: Kind,
    records: list[tuple[int, ListingRecord]],
    existing: dict[str, Listing],
    result: ListingImportResult,
    *,
    actor: Actor,
    now: datetime,
    draft: bool,
) -> None:
    model = LISTING_MODELS[kind]
    status = imported_status(actor, draft=draft)
    staff_agency = actor.agency if actor.role in REGISTRAR_ROLES else None
    new: list[tuple[int, Listing]] = []
    changed: list[tuple[int, Listing]] = []
    for row, record in records:
        listing = existing.get(record.external_id)
        if listing is None:
            owner = owner_for(actor, record)
            listing = model(
                external_id=record.external_id,
                owner=owner,
                agency=staff_agency or reviewing_agency(record["region"], owner),  # type: ignore[arg-type]
                status=status,
                fingerprint=record.fingerprint(),
                published_at=now if status is ListingStatus.PUBLISHED else None,
                created_at=now,
                updated_at=now,
                **listing_fields(record),
            )
            link_parties(kind, listing, record)
            new.append((row, listing))
        elif listing.fingerprint == record.fingerprint():
            result.unchanged += 1
        else:
            apply_record(kind, listing, record)
            listing.version += 1
            listing.updated_at = now
            changed.append((row, listing))
    model.objects.bulk_create([listing for _, listing in new], batch_size=BATCH)
    for _, listing in changed:
        listing.save()
    events = [
        audit.pending(kind, listing, actor.username, ListingAction.IMPORT, "", now, row=row)
        for row, listing in new
    ] + [
        audit.pending(
            kind,
            listing,
            actor.username,
            ListingAction.IMPORT_UPDATE,
            listing.status,
            now,
            row=row,
        )
        for row, listing in changed
    ]
    chain.append(events)
    result.created, result.updated = len(new), len(changed)
    result.changed_ids = [listing.pk for _, listing in new + changed]
