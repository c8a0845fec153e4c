"""/achievements and /demands: drafts, lists, one listing, its workflow steps, file imports.

One router per kind, built by the same function, so the two kinds answer alike. Every rule is
the market services' (`market.services`, `market.steps`, `market.importer`); this translates.
(No `from __future__ import annotations` here: ninja reads the routes' annotations, and the
record schemas are the factory's own variables.)
"""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, create_model

from techmarket.api.auth import actor_of
from techmarket.api.listing_schemas import (
    AchievementRecordIn,
    DemandRecordIn,
    ListingActionIn,
    ListingDetailOut,
    ListingImportOut,
    ListingPageOut,
    ListingStepOut,
)
from techmarket.api.schemas import ProblemOut
from techmarket.domain.listings import KIND_LABELS, Kind, parse_listing
from techmarket.domain.problems import DomainError, ValidationFailed
from techmarket.market import selectors, services
from techmarket.market.importer import import_listings
from techmarket.market.models import Listing
from techmarket.market.records import row_from_listing
from techmarket.market.steps import run_listing_step

ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    412: ProblemOut,
    422: ProblemOut,
}
StepName = Literal["submit", "publish", "return", "close"]
MAX_PAGE_NUMBER = 100_000


class ListingQuery(Schema):
    status: str | None = Field(
        default=None, description="draft, review, published, closed or expired"
    )
    field: str | None = Field(default=None, max_length=10, description="technology field code")
    region: str | None = Field(
        default=None, max_length=6, description="GB/T 2260 code; its subdivisions are included"
    )
    q: str = Field(default="", max_length=200, description="in the title, summary or id")
    maturity: str | None = Field(
        default=None, max_length=30, description="achievements: a maturity code"
    )
    mode: str | None = Field(
        default=None,
        max_length=30,
        description="a transfer mode (achievements) or cooperation mode (demands) code",
    )
    mine: bool = Field(default=False, description="only your organisation's listings")
    page: int = Field(default=1, ge=1, le=MAX_PAGE_NUMBER)
    limit: int = Field(default=50, ge=1, le=selectors.MAX_PER_PAGE)


class ListingImportOptions(Schema):
    draft: bool = Field(default=False, description="import as drafts instead of publishing")


def expected_version(if_match: str | None, kind: Kind) -> int | None:
    """`If-Match: "7"` (the ETag of GET) → 7; no header → no check."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdecimal():
        zh, en = KIND_LABELS[kind]
        raise DomainError(
            f"If-Match 须为{zh}的 ETag（版本号），而不是 {if_match!r}",
            f"If-Match must be the {en}'s ETag (its version), not {if_match!r}",
            code="invalid_if_match",
            field="If-Match",
        )
    return int(value)


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def summary(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "external_id": listing.external_id,  # type: ignore[attr-defined]
        "title": listing.title,
        "status": listing.status,
        "tech_field": listing.tech_field,
        "region": listing.region_code,
        "owner": listing.owner.name if listing.owner_id else None,
        "published_at": _iso(listing.published_at),
        "updated_at": listing.updated_at.isoformat(),
        "version": listing.version,
    }


def detail(kind: Kind, listing: Listing, actor: Any) -> dict[str, Any]:
    record = row_from_listing(kind, listing)
    record.pop("status", None)
    return {
        **summary(listing),
        "kind": kind,
        "agency": listing.agency.code if listing.agency_id else None,
        "note": listing.note,
        "created_at": listing.created_at.isoformat(),
        "record": record,
        "actions": [
            {"action": str(t.action), "label_zh": t.label_zh, "label_en": t.label_en}
            for t in selectors.listing_actions(actor, kind, listing)
        ],
    }


def step_out(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "external_id": listing.external_id,  # type: ignore[attr-defined]
        "status": listing.status,
        "version": listing.version,
    }


def _sent(record: Any) -> dict[str, str]:
    """Only the fields sent; null empties one."""
    return {k: "" if v is None else v for k, v in record.model_dump(exclude_unset=True).items()}


def listing_router(kind: Kind, record_in: Any) -> Router:
    """The endpoints of one kind of listing under its plural path."""
    plural = f"{kind}s"
    en = KIND_LABELS[kind][1]
    router = Router(tags=[plural])

    # A new listing in draft; its reviewing agency follows from its region (or the owner's).
    DraftIn = create_model(f"{kind.title()}DraftIn", __base__=Schema, record=(record_in, ...))

    @router.get(
        "",
        response={200: ListingPageOut, **ERRORS},
        summary=f"List {plural}",
        operation_id=f"list_{plural}",
    )
    def list_all(request: HttpRequest, query: Query[ListingQuery]) -> dict[str, Any]:
        """Published listings for everyone; drafts and listings in review for their owner and
        the reviewing jurisdiction. Newest change first, a page at a time."""
        page = selectors.list_listings(
            actor_of(request),
            kind,
            status=query.status or None,
            tech_field=query.field or None,
            region=query.region or None,
            text=query.q,
            maturity=query.maturity or None,
            mode=query.mode or None,
            mine=query.mine,
            page=query.page,
            per_page=query.limit,
        )
        return {
            "items": [summary(listing) for listing in page.items],
            "total": page.total,
            "page": page.page,
            "limit": page.per_page,
            "pages": page.pages,
        }

    @router.post(
        "",
        response={201: ListingStepOut, **ERRORS},
        summary=f"Create a draft {en}",
        operation_id=f"create_{kind}",
    )
    def create(request: HttpRequest, body: DraftIn, response: HttpResponse) -> Status[Any]:
        """A new listing in draft, checked as an import checks a row (every problem at once).
        The external_id is unique: a retry of the same request answers 409 `duplicate_listing`."""
        record, problems = parse_listing(kind, _sent(body.record), 1)
        if record is None:
            raise ValidationFailed(problems)
        listing = services.create_draft(kind, record, actor=actor_of(request), now=timezone.now())
        response["Location"] = f"/api/v1/{plural}/{listing.pk}"
        response["ETag"] = f'"{listing.version}"'
        return Status(201, step_out(listing))

    @router.post(
        "/import",
        response={200: ListingImportOut, **ERRORS},
        summary=f"Import a file of {plural}",
        operation_id=f"import_{plural}",
    )
    def import_file(
        request: HttpRequest, file: File[UploadedFile], options: Form[ListingImportOptions]
    ) -> dict[str, Any]:
        """CSV, JSON Lines or xlsx (docs/market.md), all rows or none: a file with an error
        is refused (422, every problem listed) and nothing is written. New listings are
        published unless `draft`; an existing external_id is updated in place."""
        result = import_listings(
            kind,
            file,
            name=file.name,
            actor=actor_of(request),
            now=timezone.now(),
            draft=options.draft,
        )
        if not result.ok:
            raise ValidationFailed(result.problems)
        return result.as_dict()

    @router.get(
        "/{listing_id}",
        response={200: ListingDetailOut, **ERRORS},
        summary=f"One {en}",
        operation_id=f"get_{kind}",
    )
    def get_one(request: HttpRequest, listing_id: int, response: HttpResponse) -> dict[str, Any]:
        """The listing, if the caller may read it (else 404, as if absent); `ETag` is its
        version, for `If-Match`."""
        actor = actor_of(request)
        listing = selectors.get_listing(actor, kind, listing_id)
        response["ETag"] = f'"{listing.version}"'
        return detail(kind, listing, actor)

    @router.patch(
        "/{listing_id}",
        response={200: ListingStepOut, **ERRORS},
        summary=f"Change a draft {en}",
        operation_id=f"edit_{kind}",
    )
    def edit(
        request: HttpRequest,
        listing_id: int,
        changes: record_in,  # type: ignore[valid-type]
        response: HttpResponse,
        if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
    ) -> dict[str, Any]:
        """Only the fields sent change (null empties one); the whole listing is checked
        again. A stale `If-Match` answers 412."""
        listing = services.update_draft(
            kind,
            listing_id,
            _sent(changes),
            actor=actor_of(request),
            now=timezone.now(),
            expected_version=expected_version(if_match, kind),
        )
        response["ETag"] = f'"{listing.version}"'
        return step_out(listing)

    @router.post(
        "/{listing_id}/actions/{action}",
        response={200: ListingStepOut, **ERRORS},
        summary=f"Run a workflow step on a {en}",
        operation_id=f"act_on_{kind}",
    )
    def act(
        request: HttpRequest,
        listing_id: int,
        action: StepName,
        response: HttpResponse,
        body: ListingActionIn | None = None,
        if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
    ) -> dict[str, Any]:
        """submit (the owner), publish and return (staff of the jurisdiction; a return needs
        a `note`), close (either). A stale `If-Match` answers 412."""
        listing = run_listing_step(
            kind,
            action,
            listing_id,
            actor=actor_of(request),
            now=timezone.now(),
            expected_version=expected_version(if_match, kind),
            note=(body or ListingActionIn()).note,
        )
        response["ETag"] = f'"{listing.version}"'
        return step_out(listing)

    return router


achievements = listing_router("achievement", AchievementRecordIn)
demands = listing_router("demand", DemandRecordIn)
