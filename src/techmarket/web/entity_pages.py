"""The innovation-entity register's pages (创新主体库): the recognition list with its filters
and xlsx export, an organisation, the expiring list and the cultivation board.

Every read is `entities.selectors` (the API's and CLI's too), so a reader sees only the
organisations now registered in their region; a stage move is `entities.services.set_stage`
with the version the card was drawn at. The filters live in the URL (UI.md: a view can be
bookmarked, and its export is exactly what the filters select).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from techmarket.domain import entities as rules
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.entities import access, selectors, services, tables
from techmarket.web.access import with_actor
from techmarket.web.downloads import with_query
from techmarket.web.templatetags.web_format import pick

KINDS = [(k.code, (k.zh, k.en)) for k in rules.KINDS.values()]


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"日期须为 YYYY-MM-DD：{text}",
            f"a date is written YYYY-MM-DD, not {text}",
            code="invalid_date",
            field=field,
        ) from None


def _number(text: str | None, field: str, default: int | None) -> int | None:
    if not text:
        return default
    if not text.isdecimal() or len(text) > 6:
        raise DomainError(
            f"须为整数：{text}", f"a whole number, not {text}", code="invalid_number", field=field
        )
    return int(text)


def _filters(query: QueryDict) -> selectors.RecognitionFilter:
    return selectors.RecognitionFilter(
        kind=query.get("kind", ""),
        level=query.get("level", ""),
        status=query.get("status", ""),
        as_of=_day(query.get("as_of"), "as_of"),
        region=query.get("region", "")[:6],
        granted_year=_number(query.get("granted_year"), "granted_year", None),
        batch=query.get("batch", "")[:200],
        text=query.get("q", "")[:200],
    )


def _xlsx(table: Any, filename: str) -> HttpResponse:
    response = HttpResponse(tables.workbook(table), content_type=tables.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base(request: HttpRequest, tab: str) -> dict[str, Any]:
    actor = request.actor  # type: ignore[attr-defined]
    return {
        "q": request.GET,
        "tab": tab,
        "kinds": KINDS,
        "levels": list(rules.LEVELS.items()),
        "statuses": list(rules.STATUSES.items()),
        "jurisdiction": access.jurisdiction(actor),
    }


@require_safe
@with_actor
def recognitions(request: HttpRequest) -> HttpResponse:
    """认定名录: recognitions of the reader's region, filtered, 50 a page, exported whole."""
    actor = request.actor  # type: ignore[attr-defined]
    today = timezone.localdate()
    context = _base(request, "recognitions")
    try:
        filters = _filters(request.GET)
        if request.GET.get("format") == "xlsx":
            rows = selectors.all_recognitions(actor, filters, today=today, cap=tables.EXPORT_CAP)
            region = access.readable_region(actor, filters.region or None)
            table = tables.recognitions_table(rows, as_of=filters.as_of or today, region=region)
            return _xlsx(table, f"recognitions-{today:%Y%m%d}.xlsx")
        page = selectors.list_recognitions(
            actor,
            filters,
            today=today,
            sort=request.GET.get("sort", "-granted_on"),
            cursor=request.GET.get("cursor") or None,
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        context["error"] = error
        return render(request, "web/entities/recognitions.html", context, status=400)
    context.update(
        rows=page.items,
        as_of=filters.as_of or today,
        next_url=with_query(request.GET, cursor=page.next_cursor) if page.next_cursor else None,
        first_url=with_query(request.GET, cursor=None) if request.GET.get("cursor") else None,
        export_url=with_query(request.GET, cursor=None, format="xlsx"),
    )
    return render(request, "web/entities/recognitions.html", context)


@require_safe
@with_actor
def organisation(request: HttpRequest, key: str) -> HttpResponse:
    """One organisation: identity, history, recognitions (status today), candidacies,
    residencies and its registered contracts as seller; agency admins record a move or
    revoke a recognition here."""
    return _organisation_page(request, key)


def _organisation_page(
    request: HttpRequest, key: str, error: DomainError | None = None, form: str = ""
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    detail = selectors.organisation_detail(actor, key[:40], on=timezone.localdate())
    context = _base(request, "recognitions")
    context.update(
        org=detail,
        may_change=actor.role in access.WRITERS,
        revocable=[r for r in detail["recognitions"] if not r["revoked_on"]],
        change_error=error,
        change_form=form,
        posted=request.POST if error is not None else {},
    )
    return render(request, "web/entities/organisation.html", context, status=400 if error else 200)


def _after_change(request: HttpRequest, party_key: str, region: str, done: tuple[str, str]):
    """Back to the organisation with the message; to the list when it has left the reader's
    jurisdiction (its page is no longer theirs to read)."""
    messages.success(request, pick(done))
    try:
        access.readable_region(request.actor, region or None)  # type: ignore[attr-defined]
    except PermissionDenied:
        return redirect("web:entities")
    return redirect("web:entity_organisation", key=party_key)


@require_POST
@with_actor
def organisation_move(request: HttpRequest, key: str) -> HttpResponse:
    """The organisation page's move form: the district (code or name) and the day."""
    actor = request.actor  # type: ignore[attr-defined]
    access.check_can_write(actor)
    party = selectors.find_organisation(actor, key[:40])
    try:
        row = services.move(
            party,
            services.region_code(request.POST.get("region", "")[:60], actor),
            on=_day(request.POST.get("on"), "on") or _required_day(),
            actor=actor,
            now=timezone.now(),
        )
    except NotFound:
        raise
    except DomainError as error:
        return _organisation_page(request, key, error, "move")
    return _after_change(
        request,
        str(party.pk),
        party.region_code,
        (f"已记录迁移：自 {row.valid_from} 起", f"Move recorded from {row.valid_from}"),
    )


@require_POST
@with_actor
def organisation_revoke(request: HttpRequest, key: str) -> HttpResponse:
    """The organisation page's revoke form: which recognition (at the version the page showed),
    from which day, why."""
    actor = request.actor  # type: ignore[attr-defined]
    access.check_can_write(actor)
    party = selectors.find_organisation(actor, key[:40])
    chosen, _, version = request.POST.get("recognition", "").partition(":")
    try:
        if not chosen.isdecimal() or len(chosen) > 12:
            raise DomainError(
                "请选择要撤销的认定",
                "choose the recognition to revoke",
                code="recognition_required",
            )
        recognition = services.get_recognition(int(chosen))
        if recognition.party_id != party.pk:
            raise NotFound(
                f"认定记录 {chosen} 不存在",
                f"no recognition {chosen}",
                code="recognition_not_found",
            )
        services.revoke(
            recognition,
            effective_on=_day(request.POST.get("on"), "on") or _required_day(),
            reason=request.POST.get("reason", "")[:300],
            actor=actor,
            now=timezone.now(),
            expected_version=int(version) if version.isdecimal() and len(version) < 12 else None,
        )
    except NotFound:
        raise
    except DomainError as error:
        return _organisation_page(request, key, error, "revoke")
    return _after_change(
        request,
        str(party.pk),
        party.region_code,
        (f"已撤销 {recognition.number or recognition.batch}", f"Revoked {recognition.number}"),
    )


def _required_day() -> date:
    raise DomainError("请填写日期（YYYY-MM-DD）", "give the day (YYYY-MM-DD)", code="date_required")


@require_safe
@with_actor
def expiring(request: HttpRequest) -> HttpResponse:
    """到期提醒: certificates ending in the next N months, to chase re-recognition."""
    actor = request.actor  # type: ignore[attr-defined]
    today = timezone.localdate()
    context = _base(request, "expiring")
    query = request.GET
    try:
        months = _number(query.get("within_months"), "within_months", 6) or 6
        on = _day(query.get("as_of"), "as_of") or today
        region, kind = query.get("region", "")[:6], query.get("kind", "")
        if query.get("format") == "xlsx":
            rows = selectors.all_expiring(
                actor, within_months=months, on=on, region=region, kind=kind, cap=tables.EXPORT_CAP
            )
            shown = access.readable_region(actor, region or None)
            table = tables.expiring_table(rows, on=on, months=months, region=shown)
            return _xlsx(table, f"expiring-{on:%Y%m%d}.xlsx")
        page = selectors.list_expiring(
            actor,
            within_months=months,
            on=on,
            region=region,
            kind=kind,
            cursor=query.get("cursor") or None,
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        context["error"] = error
        return render(request, "web/entities/expiring.html", context, status=400)
    context.update(
        rows=page.items,
        months=months,
        on=on,
        next_url=with_query(query, cursor=page.next_cursor) if page.next_cursor else None,
        first_url=with_query(query, cursor=None) if query.get("cursor") else None,
        export_url=with_query(query, cursor=None, format="xlsx"),
    )
    return render(request, "web/entities/expiring.html", context)


def _board_context(request: HttpRequest, error: DomainError | None = None) -> dict[str, Any]:
    actor = request.actor  # type: ignore[attr-defined]
    query = request.GET if request.method == "GET" else request.POST
    board = selectors.candidate_board(
        actor,
        round_name=query.get("round", "")[:100],
        district=query.get("district", "")[:6],
        kind=query.get("kind", ""),
    )
    # the view the board shows, without what a move posted (its token, version and stage)
    view = QueryDict(mutable=True)
    view.update({k: query.get(k, "") for k in ("district", "kind") if query.get(k)})
    view["round"] = board["round"]
    context = _base(request, "candidates")
    context.update(
        board=board,
        yields=selectors.round_yield(
            actor,
            round_name=board["round"],
            district=query.get("district", "")[:6],
            kind=query.get("kind", ""),
        ),
        may_move=actor.role in access.WRITERS,
        stage_labels=rules.CANDIDATE_STAGES,
        move_error=error,
        export_url=with_query(view, format="xlsx"),
        yield_export_url=with_query(view, format="yield-xlsx"),
    )
    return context


@require_safe
@with_actor
def candidates(request: HttpRequest) -> HttpResponse:
    """培育库: a round's candidates by stage, each district's counts and the round's yield."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        context = _board_context(request)
    except PermissionDenied:
        raise
    except DomainError as error:
        context = _base(request, "candidates")
        context["error"] = error
        return render(request, "web/entities/candidates.html", context, status=400)
    kind = request.GET.get("format")
    district = request.GET.get("district", "")[:6]
    region = access.readable_region(actor, district or None)
    if kind == "xlsx":
        rows = selectors.all_candidates(
            actor,
            round_name=context["board"]["round"],
            district=district,
            kind=request.GET.get("kind", ""),
            cap=tables.EXPORT_CAP,
        )
        table = tables.candidates_table(rows, round_name=context["board"]["round"], region=region)
        return _xlsx(table, f"candidates-{timezone.localdate():%Y%m%d}.xlsx")
    if kind == "yield-xlsx":
        table = tables.yield_table(context["yields"], region=region)
        return _xlsx(table, f"round-yield-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "web/entities/candidates.html", context)


MOVED: dict[str, tuple[str, str]] = {
    "applied": ("已记为已申报", "Marked as applied"),
    "recognised": ("已记为已认定", "Marked as recognised"),
    "dropped": ("已退出培育库", "Dropped from the round"),
}


@require_POST
@with_actor
def move(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """A card's button: the candidate to the stage chosen, at the version the card showed.
    With htmx the board is drawn again in place; without, the page is reloaded."""
    actor = request.actor  # type: ignore[attr-defined]
    stage = request.POST.get("stage", "")
    version = request.POST.get("version", "")
    error: DomainError | None = None
    try:
        services.set_stage(
            selectors.get_candidate(actor, candidate_id),
            stage,
            actor=actor,
            now=timezone.now(),
            expected_version=int(version) if version.isdecimal() and len(version) < 12 else None,
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as caught:
        error = caught
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(request, error)
        return render(request, "web/entities/parts/candidate_board.html", context)
    if error is None:
        messages.success(request, pick(MOVED.get(stage, ("已更新", "Updated"))))
    else:
        messages.error(request, pick((error.message, error.message_en)))
    kept = {k: request.POST.get(k, "") for k in ("round", "district", "kind")}
    return redirect(f"{reverse('web:entity_candidates')}?{urlencode(kept)}")
