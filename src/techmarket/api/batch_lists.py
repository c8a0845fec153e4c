"""/batch-lists: a seller's 登记清单 of chosen registered contracts, under one verification code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from techmarket.api.auth import actor_of
from techmarket.api.schemas import ProblemOut
from techmarket.registry.batch_lists import batch_list_pdf, create_batch_list
from techmarket.registry.certificates import verify_url

router = Router(tags=["certificates"])
ERRORS: dict[int, Any] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
}


class BatchListIn(Schema):
    model_config = ConfigDict(extra="forbid")
    contract_ids: list[int] = Field(min_length=1, max_length=500)


class BatchListOut(Schema):
    id: int
    verification_code: str
    verify_url: str
    contracts: int


@router.post("", response={201: BatchListOut, **ERRORS}, summary="Make a batch list")
def make(request: HttpRequest, body: BatchListIn) -> Status[dict[str, Any]]:
    """Registered contracts of the caller's organisation, in the order given; contracts at or
    above the second-review threshold are never mixed with smaller ones."""
    batch = create_batch_list(body.contract_ids, actor_of(request), timezone.now())
    return Status(
        201,
        {
            "id": batch.pk,
            "verification_code": batch.verification_code,
            "verify_url": verify_url(batch.verification_code),
            "contracts": batch.entries.count(),
        },
    )


@router.get(
    "/{batch_list_id}.pdf",
    response={200: None, **ERRORS},
    summary="The batch list (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "登记清单 (PDF)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def pdf(request: HttpRequest, batch_list_id: int) -> HttpResponse:
    response = HttpResponse(
        batch_list_pdf(batch_list_id, actor_of(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="batch-list-{batch_list_id}.pdf"'
    return response
