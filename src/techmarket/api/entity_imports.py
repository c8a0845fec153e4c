"""/entities/import/{kind}: a list of innovation entities imported as the caller, all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from techmarket.api.auth import actor_of
from techmarket.api.schemas import ProblemItem, ProblemOut
from techmarket.domain.problems import ValidationFailed
from techmarket.entities.importer import import_entities

router = Router(tags=["entities"])


class EntityImportOut(Schema):
    rows: int
    created: int
    updated: int
    skipped: int
    problems: list[ProblemItem]


class EntityImportOptions(Schema):
    batch: str = ""
    granted_on: date | None = None
    level: str = ""


@router.post(
    "/import/{kind}",
    response={
        200: EntityImportOut,
        401: ProblemOut,
        403: ProblemOut,
        422: ProblemOut,
    },
    summary="Import a recognition, rename, revocation, move, candidate, resident or training list",
)
def import_list(
    request: HttpRequest,
    kind: str,
    file: File[UploadedFile],
    options: Form[EntityImportOptions],
) -> dict[str, Any]:
    """CSV, JSON Lines or xlsx with Chinese headers or English keys (see docs/entities.md).
    `batch`, `granted_on` and `level` apply to rows that give none (a 备案公告 prints its
    date once; for rename, revocation and move notices `granted_on` is the effective date). A file with any error is refused (422, every problem listed with its row and
    field, unmatched names included) and nothing is written; a re-import changes nothing."""
    result = import_entities(
        kind,
        file,
        name=file.name,
        actor=actor_of(request),
        now=timezone.now(),
        batch=options.batch,
        granted_on=options.granted_on,
        level=options.level,
    )
    if not result.ok:
        raise ValidationFailed(result.problems)
    return result.as_dict()
