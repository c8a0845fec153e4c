"""The organisation's listing form: a new achievement or demand, or a change to a draft.

Every check is `domain.listings.parse_listing`'s, the one a file import runs, so a field gets
the same message here as in an import's problem report. As the user types, the form is checked
on the server (htmx) and each field's message replaces the one beside it; nothing is saved
until the user saves.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from techmarket.domain.identifiers import check_uscc
from techmarket.domain.listings import KIND_LABELS, Kind, parse_listing
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationFailed,
)
from techmarket.domain.workflow import Role
from techmarket.market import selectors, services
from techmarket.market.models import Listing
from techmarket.market.records import row_from_listing
from techmarket.registry.selectors import organisation_of
from techmarket.web.access import with_actor
from techmarket.web.listing_fields import MODE_LISTS, keys_of, sections
from techmarket.web.listing_pages import kind_in_url
from techmarket.web.templatetags.web_format import english, pick


def _sent(request: HttpRequest, kind: Kind) -> dict[str, str]:
    """The form's fields as file keys; ticked modes joined as a file writes them."""
    sent = {}
    for key in keys_of(kind):
        if key in MODE_LISTS:
            sent[key] = ";".join(v for v in request.POST.getlist(key) if v)
        else:
            sent[key] = request.POST.get(key, "").strip()
    return sent


def _by_field(kind: Kind, problems: list[Problem]) -> dict[str, list[Problem]]:
    keys = set(keys_of(kind))
    found: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        found[p.field if p.field in keys else ""].append(p)
    return found


def _own_organisation(actor: Any, kind: Kind) -> dict[str, str]:
    """A new listing starts with the user's own organisation as holder or company."""
    party = organisation_of(actor)
    if party is None:
        return {}
    prefix = "holder" if kind == "achievement" else "company"
    values = {
        f"{prefix}_name": party.name,
        "region": party.region_code,
    }
    if party.identifier and not check_uscc(party.identifier, "id"):  # an organisation's code
        values[f"{prefix}_id"] = party.identifier
    return values


def _form(
    request: HttpRequest,
    kind: Kind,
    values: dict[str, str],
    *,
    listing: Listing | None = None,
    problems: list[Problem] | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/market/listing_form.html",
        {
            "kind": kind,
            "plural": f"{kind}s",
            "kind_label": KIND_LABELS[kind],
            "listing": listing,
            "sections": sections(kind, values, _by_field(kind, problems or []), english=english()),
            "summary": [p for p in (problems or []) if p.severity == "error"],
            "error": error,
        },
        status=status,
    )


def _ensure_may_list(actor: Any) -> None:
    if actor.role is not Role.SELLER:
        raise PermissionDenied(
            "在页面上发布成果和需求的是单位用户；登记机构可批量导入",
            "an organisation's users publish listings here; agencies import files",
            code="only_seller_lists",
        )


@require_http_methods(["GET", "POST"])
@with_actor
def new_listing(request: HttpRequest, kind_name: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(kind_name)
    _ensure_may_list(actor)
    if request.method == "GET":
        return _form(request, kind, _own_organisation(actor, kind))
    values = _sent(request, kind)
    record, problems = parse_listing(kind, values, 1)
    if record is None:
        return _form(request, kind, values, problems=problems, status=422)
    try:
        listing = services.create_draft(kind, record, actor=actor, now=timezone.now())
    except Conflict as error:  # the external_id is taken: a message beside that field
        taken = Problem(1, "external_id", error.code, error.message, error.message_en)
        return _form(request, kind, values, problems=[taken], status=422)
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        return _form(request, kind, values, error=error, status=422)
    messages.success(
        request,
        pick(("草稿已保存。检查无误后请提交审核。", "Draft saved. Check it, then submit it.")),
    )
    return redirect("web:listing", kind_name=f"{kind}s", listing_id=listing.pk)


@require_http_methods(["GET", "POST"])
@with_actor
def edit_listing(request: HttpRequest, kind_name: str, listing_id: int) -> HttpResponse:
    """Change a draft (a new one, or one the agency returned with a note)."""
    actor = request.actor  # type: ignore[attr-defined]
    kind = kind_in_url(kind_name)
    listing = selectors.get_listing(actor, kind, listing_id)
    if "edit" not in {str(t.action) for t in selectors.listing_actions(actor, kind, listing)}:
        messages.error(request, pick(("当前不能修改", "It cannot be changed now")))
        return redirect("web:listing", kind_name=f"{kind}s", listing_id=listing.pk)
    if request.method == "GET":
        return _form(request, kind, row_from_listing(kind, listing), listing=listing)
    values = _sent(request, kind)
    version = request.POST.get("version", "")
    try:
        services.update_draft(
            kind,
            listing.pk,
            values,
            actor=actor,
            now=timezone.now(),
            expected_version=int(version) if version.isdecimal() else None,
        )
    except ValidationFailed as error:
        return _form(request, kind, values, listing=listing, problems=error.problems, status=422)
    except Conflict as error:
        taken = Problem(1, "external_id", error.code, error.message, error.message_en)
        return _form(request, kind, values, listing=listing, problems=[taken], status=422)
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        return _form(request, kind, values, listing=listing, error=error, status=409)
    messages.success(request, pick(("草稿已保存", "Draft saved")))
    return redirect("web:listing", kind_name=f"{kind}s", listing_id=listing.pk)


@require_POST
@with_actor
def check_listing(request: HttpRequest, kind_name: str) -> HttpResponse:
    """Live validation: every field's message, swapped in beside the field (htmx out-of-band)."""
    kind = kind_in_url(kind_name)
    values = _sent(request, kind)
    _, problems = parse_listing(kind, values, 1)
    return render(
        request,
        "web/parts/field_messages.html",
        {
            "sections": sections(kind, values, _by_field(kind, problems)),
            "summary": [p for p in problems if p.severity == "error"],
        },
    )
