"""/entities: single changes to the register — revoke a recognition (If-Match), record a
district move or a rename of an organisation — each through `entities.services`, which check
the role, the jurisdiction and the facts and audit the change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Router, Schema
from pydantic import ConfigDict, Field

from techmarket.api.auth import actor_of
from techmarket.api.contracts import expected_version
from techmarket.api.entities import ERRORS
from techmarket.api.entity_schemas import RecognitionOut
from techmarket.entities import selectors, services
from techmarket.registry.models import Party

router = Router(tags=["entities"])


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    effective_on: date = Field(description="the day the revocation takes effect (may be past)")
    reason: str = Field(max_length=300, description="why, in the notice's words")


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    region: str = Field(max_length=60, description="the district it moves to: code or name")
    on: date = Field(description="the day it is registered there")


class RenameIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200, description="the new name")
    on: date = Field(description="the day of the rename")


class OrganisationChangeOut(Schema):
    id: int
    name: str
    uscc: str | None
    region: str
    region_name: str


def _organisation(party: Party) -> dict[str, Any]:
    return {
        "id": party.pk,
        "name": party.name,
        "uscc": party.identifier,
        "region": party.region_code,
        "region_name": selectors.region_name(party.region_code),
    }


@router.post(
    "/recognitions/{recognition_id}/revoke",
    response={200: RecognitionOut, **ERRORS},
    summary="Revoke a recognition",
)
def revoke(
    request: HttpRequest,
    recognition_id: int,
    body: RevokeIn,
    response: HttpResponse,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """Revoked from `effective_on` (agency admins of its region). `If-Match` is the
    recognition's version (its `version` in the lists); a stale one answers 412, a recognition
    revoked already 409."""
    row = services.revoke(
        services.get_recognition(recognition_id),
        effective_on=body.effective_on,
        reason=body.reason,
        actor=actor_of(request),
        now=timezone.now(),
        expected_version=expected_version(if_match),
    )
    response["ETag"] = f'"{row.version}"'
    return selectors.recognition_row(row, timezone.localdate())


@router.post(
    "/organisations/{key}/move",
    response={200: OrganisationChangeOut, **ERRORS},
    summary="Record a district move",
)
def move(request: HttpRequest, key: str, body: MoveIn) -> dict[str, Any]:
    """The organisation (id or USCC) is registered in `region` from `on`; counts follow it from
    that day. Agency admins record moves into or out of their jurisdiction."""
    actor = actor_of(request)
    party = services.find_party(key[:40])
    services.move(
        party,
        services.region_code(body.region, actor),
        on=body.on,
        actor=actor,
        now=timezone.now(),
    )
    return _organisation(party)


@router.post(
    "/organisations/{key}/rename",
    response={200: OrganisationChangeOut, **ERRORS},
    summary="Record a rename",
)
def rename(request: HttpRequest, key: str, body: RenameIn) -> dict[str, Any]:
    """The organisation (id or USCC) is named `name` from `on`; the old name is kept so older
    lists still match it (agency admins of its region)."""
    party = services.find_party(key[:40])
    services.rename(party, body.name, on=body.on, actor=actor_of(request), now=timezone.now())
    return _organisation(party)
