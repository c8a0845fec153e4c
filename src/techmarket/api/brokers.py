"""/brokers: the register of technology brokers (技术经纪人), each with the track record their
leads make; kept by the operator and agency administrators (`broker_services.save_broker`).
(No `from __future__ import annotations`: ninja reads the routes' annotations.)
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.lead_schemas import (
    BrokerCreateIn,
    BrokerDetailOut,
    BrokerIn,
    BrokerListOut,
)
from techmarket.api.leads import ERRORS, plain
from techmarket.domain.problems import DomainError
from techmarket.market import lead_selectors
from techmarket.market.broker_services import save_broker
from techmarket.market.models import BrokerProfile

router = Router(tags=["brokers"])


class BrokerQuery(Schema):
    field: str | None = Field(default=None, max_length=10, description="a technology field code")
    region: str | None = Field(
        default=None, max_length=6, description="GB/T 2260 code the broker serves"
    )


def broker_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdecimal() or len(value) > 12:
        raise DomainError(
            f"If-Match 须为经纪人档案的 ETag（版本号），而不是 {if_match!r}",
            f"If-Match must be the broker profile's ETag (its version), not {if_match!r}",
            code="invalid_if_match",
            field="If-Match",
        )
    return int(value)


def _saved(request: HttpRequest, body: BrokerIn, username: str | None, **extra: Any) -> Any:
    return save_broker(
        actor=actor_of(request),
        now=timezone.now(),
        username=username,
        name=body.name,
        fields=body.fields,
        regions=body.regions,
        certificate_number=body.certificate_number,
        organisation=body.organisation,
        trainings=[(t.on, t.course, t.hours, t.issuer) for t in body.trainings],
        **extra,
    )


def detail(broker: BrokerProfile) -> dict[str, Any]:
    return plain(lead_selectors.broker_summary(broker))


@router.get(
    "", response={200: BrokerListOut, **ERRORS}, summary="List brokers", operation_id="list_brokers"
)
def list_all(request: HttpRequest, query: Query[BrokerQuery]) -> dict[str, Any]:
    """The register of brokers (a directory open to every signed-in user), by name; `field`
    and `region` keep those who cover the field and serve the region."""
    actor_of(request)
    brokers = lead_selectors.list_brokers(field=query.field or None, region=query.region or None)
    items = [plain(lead_selectors.broker_summary(b, with_record=False)) for b in brokers]
    return {"items": items, "total": len(items)}


@router.post(
    "",
    response={200: BrokerDetailOut, 201: BrokerDetailOut, **ERRORS},
    summary="Register a broker",
    operation_id="save_broker",
)
def create(request: HttpRequest, body: BrokerCreateIn, response: HttpResponse) -> Status[Any]:
    """The operator and agency administrators register a broker: by `username` (a user with
    the role broker) or, without one, by certificate number. A profile found so is updated
    (200) rather than duplicated (201 for a new one)."""
    broker, created = _saved(request, body, body.username or None)
    response["Location"] = f"/api/v1/brokers/{broker.pk}"
    response["ETag"] = f'"{broker.version}"'
    return Status(201 if created else 200, detail(broker))


@router.get(
    "/{broker_id}",
    response={200: BrokerDetailOut, **ERRORS},
    summary="One broker",
    operation_id="get_broker",
)
def get_one(request: HttpRequest, broker_id: int, response: HttpResponse) -> dict[str, Any]:
    """The broker's profile, training records and track record (computed from their leads)."""
    actor_of(request)
    broker = lead_selectors.get_broker(broker_id)
    response["ETag"] = f'"{broker.version}"'
    return detail(broker)


@router.put(
    "/{broker_id}",
    response={200: BrokerDetailOut, **ERRORS},
    summary="Change a broker's profile",
    operation_id="update_broker",
)
def update(
    request: HttpRequest,
    broker_id: int,
    body: BrokerIn,
    response: HttpResponse,
    if_match: str | None = Header(default=None, alias="If-Match", max_length=100),
) -> dict[str, Any]:
    """The whole profile as sent; training records are added, never removed. A profile with
    no sign-in is found by its certificate number, which therefore stays as it is. A stale
    `If-Match` answers 412."""
    broker = lead_selectors.get_broker(broker_id)
    saved, _ = _saved(
        request,
        body,
        broker.user.username if broker.user else None,
        expected_version=broker_version(if_match),
        broker_id=broker.pk,
    )
    response["ETag"] = f'"{saved.version}"'
    return detail(saved)
