"""/imports: a file of contract records, checked or imported as the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from techmarket.api.auth import actor_of
from techmarket.api.schemas import ProblemItem, ProblemOut
from techmarket.domain.problems import ValidationFailed
from techmarket.registry.importer import import_records
from techmarket.registry.selectors import agency_by_code

router = Router(tags=["imports"])


class ImportOut(Schema):
    rows: int
    created: int
    skipped: int
    committed: bool
    problems: list[ProblemItem]


class ImportOptions(Schema):
    agency_code: str | None = None
    as_registered: bool = False
    dry_run: bool = False


@router.post(
    "",
    response={200: ImportOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Check or import a file of contracts",
)
def import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    options: Form[ImportOptions],
) -> dict[str, Any]:
    """CSV, JSON Lines or xlsx in the public record format, all or nothing. With `dry_run`
    the file is only checked (200 with every problem); otherwise a file with an error is
    refused (422, every problem listed) and nothing is written."""
    agency = agency_by_code(options.agency_code) if options.agency_code else None
    result = import_records(
        file,
        name=file.name,
        agency=agency,
        actor=actor_of(request),
        now=timezone.now(),
        as_registered=options.as_registered,
        dry_run=options.dry_run,
    )
    if not options.dry_run and not result.ok:
        raise ValidationFailed(result.problems)
    return result.as_dict()
