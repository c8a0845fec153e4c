"""The contract lists: the registrar's queue, the seller's own contracts, the analyst's view.

One page for all three, since the list selector already narrows it to what the reader may see;
the filters live in the URL, so a view can be bookmarked and shared (UI.md, NetBox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from techmarket.codes.lists import code_list
from techmarket.domain.problems import DomainError
from techmarket.domain.workflow import Role, Status
from techmarket.interchange.writers import write_records
from techmarket.registry import contract_list, risk
from techmarket.registry.records import EXPORT_KEYS
from techmarket.registry.selectors import export_selected
from techmarket.registry.worklist import WAITING_FOR
from techmarket.web.access import with_actor
from techmarket.web.context import todo_of
from techmarket.web.downloads import with_query, written_file
from techmarket.web.rows import table_rows

# An export is written while the reader waits: beyond this, narrow the filters or use the CLI.
EXPORT_LIMIT = 100_000
SORT_LABELS: dict[str, tuple[str, str]] = {
    "-id": ("最新在前", "newest first"),
    "deadline": ("期限最近在前", "nearest deadline first"),
    "-tech_amount": ("技术交易额从大到小", "largest first"),
    "-registered_on": ("登记日期从新到旧", "registered, newest first"),
    "-signed_on": ("签订日期从新到旧", "signed, newest first"),
    "-risk_score": ("风险信号分值从高到低", "highest risk signal first"),
}


@dataclass(frozen=True)
class ListRequest:
    filters: contract_list.ContractFilter
    sort: str
    cursor: str | None
    due_within: int | None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"日期须为 YYYY-MM-DD：{text}",
            f"a date is written YYYY-MM-DD, not {text}",
            code="invalid_date",
        ) from None


def _working_days(text: str | None) -> int | None:
    if not text:
        return None
    if not text.isdecimal() or int(text) > 365:
        raise DomainError(
            f"“几个工作日内到期”须为 0 到 365 的整数，而不是 {text}",
            f"“due within” is a whole number of working days from 0 to 365, not {text}",
            code="invalid_due_within",
        )
    return int(text)


def list_request(actor: Any, query: QueryDict, today: date) -> ListRequest:
    """The URL's filters as the list selector's; `queue=1` is the registrar's open queue."""
    statuses = tuple(query.getlist("status"))
    agency = query.get("agency", "")
    if query.get("queue") and actor.role is not Role.SELLER:
        statuses = statuses or tuple(WAITING_FOR.get(actor.role, ()))
        agency = agency or (actor.agency.code if actor.agency else "")
    due_within = _working_days(query.get("due_within"))
    large = {"1": True, "0": False}.get(query.get("large", ""))
    filters = contract_list.ContractFilter(
        statuses=statuses,
        agency_code=agency,
        contract_type=query.get("type", ""),
        signed_from=_day(query.get("signed_from")),
        signed_to=_day(query.get("signed_to")),
        due_by=contract_list.due_by(due_within, today) if due_within is not None else None,
        overdue_on=today if query.get("overdue") else None,
        large=large,
        flagged=True if query.get("flagged") == "1" else None,
        signalled=True if query.get("signalled") == "1" else None,
        text=query.get("q", "")[:200],
    )
    default_sort = "deadline" if query.get("queue") else "-id"
    return ListRequest(filters, query.get("sort", default_sort), query.get("cursor"), due_within)


@require_safe
@with_actor
def contracts(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    today = timezone.localdate()
    counts = todo_of(request, actor).by_status
    context: dict[str, Any] = {
        "q": request.GET,
        "statuses": [(s.value, counts.get(s.value)) for s in Status],
        "chosen_statuses": request.GET.getlist("status"),
        "types": code_list("contract_types"),
        "sorts": SORT_LABELS
        if risk.may_see_signals(actor)
        else {k: v for k, v in SORT_LABELS.items() if k != "-risk_score"},
        "sees_signals": risk.may_see_signals(actor),
        "queue": bool(request.GET.get("queue")),
    }
    try:
        wanted = list_request(actor, request.GET, today)
        if request.GET.get("format") == "xlsx":
            return _export(actor, wanted.filters)
        page = contract_list.list_contracts(
            actor, wanted.filters, sort=wanted.sort, cursor=wanted.cursor
        )
    except DomainError as error:
        context["error"] = error
        return render(request, "web/contracts.html", context, status=400)
    context.update(
        chosen_statuses=list(wanted.filters.statuses),  # the queue's own, when none is chosen
        rows=table_rows(page.items, today),
        next_url=with_query(request.GET, cursor=page.next_cursor) if page.next_cursor else None,
        first_url=with_query(request.GET, cursor=None) if wanted.cursor else None,
        export_url=with_query(request.GET, cursor=None, format="xlsx"),
        sort=page.sort,
        can_batch=actor.role in (Role.REGISTRAR, Role.AGENCY_ADMIN),
        can_list=actor.role is Role.SELLER,
    )
    template = "web/parts/contract_table.html" if request.htmx else "web/contracts.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _export(actor: Any, filters: contract_list.ContractFilter) -> HttpResponse:
    """Exactly the filtered list (every page of it), in the public record format."""
    selection = contract_list.filtered(actor, filters)
    if selection[: EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
        raise DomainError(
            f"所选合同超过 {EXPORT_LIMIT:,} 份，请缩小筛选范围（如按签订日期）后再导出",
            f"more than {EXPORT_LIMIT:,} contracts are selected: narrow the filters"
            " (for example by signing date) and export again",
            code="export_too_large",
        )
    return written_file(
        lambda path: write_records(
            path, export_selected(actor, selection), format="xlsx", keys=EXPORT_KEYS
        ),
        ".xlsx",
        f"contracts-{timezone.localdate():%Y%m%d}.xlsx",
    )
