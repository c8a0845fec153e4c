"""The review queue and contract lists: filters, a stable order and keyset pagination.

Every list goes through `permissions.visible_contracts`, so a front end cannot show what the
actor may not read. Pages are fetched by keyset (the last row's sort value and id), which costs
the same on page 1 and page 20,000 of a million contracts; an OFFSET would scan every row before.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import F, IntegerField, Q, QuerySet, Value

from techmarket.domain.problems import DomainError
from techmarket.domain.workflow import Status
from techmarket.registry import risk, text_search
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract
from techmarket.registry.permissions import visible_contracts

# Waiting for a registrar's decision: the states a deadline runs in.
OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.SECOND_REVIEW)
MAX_PAGE = 200
DEFAULT_PAGE = 50
# The text index's candidates read first for a list in id order (then 4×, 16×…): a page and
# its next-page probe, with room for candidates the actor cannot read or that only hold the
# text's trigrams.
FIRST_BATCH = 64

# sort key -> (model field, descending). Every order ends with the id, so it is total.
SORTS: dict[str, tuple[str, bool]] = {
    "-id": ("id", True),
    "id": ("id", False),
    "deadline": ("deadline", False),
    "-registered_on": ("registered_on", True),
    "registered_on": ("registered_on", False),
    "-signed_on": ("signed_on", True),
    "signed_on": ("signed_on", False),
    "-tech_amount": ("tech_amount", True),
    # the highest risk-signal score (an annotation, registry/risk.py): signalled ones first
    "-risk_score": ("risk_score", True),
}
ANNOTATED = frozenset({"risk_score"})


class ContractRow(NamedTuple):
    """One list row, read as plain values: a page of fifty needs no model instances."""

    id: int
    registration_number: str | None
    name: str
    contract_type: str
    subtype: str
    status: str
    agency_code: str
    seller_name: str
    buyer_name: str
    total_amount: Decimal
    tech_amount: Decimal
    signed_on: date
    registered_on: date | None
    deadline: date | None
    is_large: bool
    version: int
    risk_score: int | None  # the highest signal score; None without one, or for a seller

    @property
    def pk(self) -> int:
        return self.id


# The columns of a ContractRow, in its order, as the ORM names them.
_ROW_COLUMNS = tuple("agency__code" if f == "agency_code" else f for f in ContractRow._fields)


@dataclass(frozen=True)
class ContractFilter:
    """What a list asks for; every field is optional and they combine with AND."""

    statuses: tuple[str, ...] = ()
    agency_code: str = ""
    contract_type: str = ""
    signed_from: date | None = None
    signed_to: date | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    due_by: date | None = None  # deadline on or before this date (front ends count working days)
    overdue_on: date | None = None  # open and past its deadline on this date
    large: bool | None = None
    # carries at least one risk flag (recognition._risk_flags) or, for readers of signals, a
    # risk signal of the last scan (registry/risk.py)
    flagged: bool | None = None
    signalled: bool | None = None  # carries a risk signal (ignored for those who see none)
    text: str = ""  # part of the name, a party's name, the registration number or external id


@dataclass(frozen=True)
class ContractPage:
    items: list[ContractRow]
    next_cursor: str | None
    sort: str
    limit: int
    filters: ContractFilter = field(default_factory=ContractFilter)


def due_by(working_days: int, today: date) -> date:
    """The last deadline that falls within `working_days` working days from today (for lists
    and counts: a deadline to be stored is computed by the workflow)."""
    from techmarket.registry.services import recent_working_calendar

    if working_days < 0:
        raise _refuse(
            "due_within",
            "工作日数不能为负数",
            "the number of working days cannot be negative",
            "negative_working_days",
        )
    return recent_working_calendar().add_working_days(today, working_days)


def _refuse(field_name: str, zh: str, en: str, code: str) -> DomainError:
    return DomainError(zh, en, code=code, field=field_name)


def filtered(actor: Actor, filters: ContractFilter, *, text: bool = True) -> QuerySet[Contract]:
    """The contracts the actor may read that match the filters, unordered; without the text
    condition when `text` is false (a list in id order applies it itself, see `_rows_by_text`)."""
    contracts = visible_contracts(actor)
    known = {s.value for s in Status}
    unknown = [s for s in filters.statuses if s not in known]
    if unknown:
        raise _refuse(
            "status",
            f"未知的合同状态：{', '.join(unknown)}（可用：{', '.join(sorted(known))}）",
            f"unknown status {', '.join(unknown)} (use one of {', '.join(sorted(known))})",
            "unknown_status",
        )
    if filters.statuses:
        contracts = contracts.filter(status__in=filters.statuses)
    if filters.agency_code:
        contracts = contracts.filter(agency__code=filters.agency_code)
    if filters.contract_type:
        contracts = contracts.filter(contract_type=filters.contract_type)
    contracts = _between(contracts, "signed_on", filters.signed_from, filters.signed_to)
    contracts = _between(contracts, "registered_on", filters.registered_from, filters.registered_to)
    if filters.due_by is not None:
        contracts = contracts.filter(status__in=OPEN_STATUSES, deadline__lte=filters.due_by)
    if filters.overdue_on is not None:
        contracts = contracts.filter(status__in=OPEN_STATUSES, deadline__lt=filters.overdue_on)
    if filters.large is not None:
        contracts = contracts.filter(is_large=filters.large)
    sees_signals = risk.may_see_signals(actor)
    if filters.flagged is not None:
        no_flags = Q(risk_flags=[]) & ~risk.has_signals() if sees_signals else Q(risk_flags=[])
        contracts = contracts.exclude(no_flags) if filters.flagged else contracts.filter(no_flags)
    if filters.signalled is not None and sees_signals:
        signalled = risk.has_signals()
        contracts = contracts.filter(signalled if filters.signalled else ~signalled)
    if text and filters.text.strip():
        contracts = text_search.matching(contracts, filters.text.strip())
    return contracts


def _between(
    contracts: QuerySet[Contract], name: str, start: date | None, end: date | None
) -> QuerySet[Contract]:
    if start and end and start > end:
        raise _refuse(
            name,
            f"{name} 的起始日期 {start} 晚于结束日期 {end}",
            f"{name}: the start {start} is after the end {end}",
            "empty_date_range",
        )
    if start:
        contracts = contracts.filter(**{f"{name}__gte": start})
    if end:
        contracts = contracts.filter(**{f"{name}__lte": end})
    return contracts


def list_contracts(
    actor: Actor,
    filters: ContractFilter | None = None,
    *,
    sort: str = "-id",
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> ContractPage:
    """One page of contracts in a stable order, and the cursor of the next page (None at the end).

    Rows whose sort value is empty (no deadline, not registered) come after all others.
    """
    filters = filters or ContractFilter()
    if sort not in SORTS:
        raise _refuse(
            "sort",
            f"不支持的排序：{sort}（可用：{', '.join(SORTS)}）",
            f"cannot sort by {sort} (use one of {', '.join(SORTS)})",
            "unknown_sort",
        )
    if not 1 <= limit <= MAX_PAGE:
        raise _refuse(
            "limit",
            f"每页条数须在 1 到 {MAX_PAGE} 之间",
            f"limit must be between 1 and {MAX_PAGE}",
            "limit_out_of_range",
        )
    column, descending = SORTS[sort]
    text = filters.text.strip()
    by_text = column == "id" and text_search.walks(text)
    contracts = filtered(actor, filters, text=not by_text).annotate(
        risk_score=risk.top_score()
        if risk.may_see_signals(actor)
        else Value(None, output_field=IntegerField())
    )
    key = _decode(cursor, column) if cursor else None
    if by_text:
        rows = _rows_by_text(contracts, text, descending, key, limit + 1)
    else:
        rows = _rows(contracts, column, descending, key, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode(column, rows[-1]) if more and rows else None
    return ContractPage(rows, next_cursor, sort, limit, filters)


def _rows(
    contracts: QuerySet[Contract],
    column: str,
    descending: bool,
    key: tuple[Any, int] | None,
    count: int,
) -> list[ContractRow]:
    """Up to `count` rows after `key` in page order: rows with a sort value, then the empty ones.

    The two parts are read apart, each in a plain (column, id) order that an index on the
    column can give without sorting; one query ordered by "is it empty" first could not use it,
    and sorted every matching row (a quarter of a million for a year's registrations).
    """
    id_order = "-id" if descending else "id"
    if column == "id":
        after = contracts.filter(_id_after(descending, key[1])) if key else contracts
        return _read(after.order_by(id_order)[:count])
    rows: list[ContractRow] = []
    if key is None or key[0] is not None:
        with_value = contracts.filter(**{f"{column}__isnull": False})
        if key is not None:
            with_value = with_value.filter(_beyond(column, descending, key))
        order = F(column).desc() if descending else F(column).asc()
        rows = _read(with_value.order_by(order, id_order)[:count])
    if len(rows) < count:
        empty = contracts.filter(**{f"{column}__isnull": True})
        if key is not None and key[0] is None:
            empty = empty.filter(_id_after(descending, key[1]))
        rows += _read(empty.order_by(id_order)[: count - len(rows)])
    return rows


def _rows_by_text(
    contracts: QuerySet[Contract],
    text: str,
    descending: bool,
    key: tuple[Any, int] | None,
    count: int,
) -> list[ContractRow]:
    """Up to `count` rows containing `text` after `key`, in id order, read batch by batch from
    the text index's candidates in that order: a page of a seller's 3,000 contracts reads 64.

    Batches grow fourfold; once `text_search.FEW` candidates are read without filling the page
    (a common word among contracts the actor mostly cannot read), the rest is one query as
    any other order makes it.
    """
    id_order = "-id" if descending else "id"
    after = key[1] if key else None
    rows: list[ContractRow] = []
    read, batch = 0, FIRST_BATCH
    while len(rows) < count:
        if read >= text_search.FEW:
            rest = text_search.matching(contracts, text)
            if after is not None:
                rest = rest.filter(_id_after(descending, after))
            return rows + _read(rest.order_by(id_order)[: count - len(rows)])
        ids = text_search.candidates_in_order(text, descending=descending, after=after, most=batch)
        if not ids:
            break
        chosen = contracts.filter(id__in=text_search.among(ids))
        if not text_search.proposes_exactly(text):
            chosen = chosen.filter(text_search.exact(text))
        rows += _read(chosen.order_by(id_order)[: count - len(rows)])
        if len(ids) < batch:
            break
        read, after, batch = read + len(ids), ids[-1], batch * 4
    return rows


def _read(contracts: QuerySet[Contract]) -> list[ContractRow]:
    return [ContractRow(*values) for values in contracts.values_list(*_ROW_COLUMNS)]


def _id_after(descending: bool, last_id: int) -> Q:
    return Q(id__lt=last_id) if descending else Q(id__gt=last_id)


def _beyond(column: str, descending: bool, key: tuple[Any, int]) -> Q:
    """Rows with a value strictly after the cursor's row; the first condition alone bounds an
    index range, the second excludes the rows of the cursor's value up to its id."""
    value, last_id = key
    up_to, beyond = ("lte", "lt") if descending else ("gte", "gt")
    return Q(**{f"{column}__{up_to}": value}) & (
        Q(**{f"{column}__{beyond}": value}) | _id_after(descending, last_id)
    )


def _encode(column: str, row: ContractRow) -> str:
    value = getattr(row, column)
    raw = json.dumps([None if value is None else str(value), row.pk, column])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, column: str) -> tuple[Any, int]:
    """The cursor's row key; a cursor of another sort order is refused, not misread."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, last_id, cursor_column = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if (
            type(last_id) is not int
            or not 0 < last_id < 2**63
            or cursor_column != column
            or not (value is None or isinstance(value, str))
        ):
            raise ValueError(last_id)
        if value is not None and column in ANNOTATED:
            value = int(value)
        elif value is not None:  # the value must be one the sort column can hold
            value = Contract._meta.get_field(column).to_python(value)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, ValidationError):
        raise _refuse(
            "cursor",
            "分页游标无效：请从第一页重新开始",
            "the page cursor is not valid: start again from the first page",
            "invalid_cursor",
        ) from None
    return value, last_id


def summary(contract: ContractRow) -> dict[str, object]:
    """One list row as every front end shows it: no party identifiers, amounts as strings."""
    return {
        "id": contract.pk,
        "registration_number": contract.registration_number,
        "name": contract.name,
        "contract_type": contract.contract_type,
        "subtype": contract.subtype,
        "status": contract.status,
        "agency": contract.agency_code,
        "seller_name": contract.seller_name,
        "buyer_name": contract.buyer_name,
        "total_amount": f"{contract.total_amount:.2f}",
        "tech_amount": f"{contract.tech_amount:.2f}",
        "signed_on": contract.signed_on.isoformat(),
        "registered_on": contract.registered_on.isoformat() if contract.registered_on else None,
        "deadline": contract.deadline.isoformat() if contract.deadline else None,
        "is_large": contract.is_large,
        "version": contract.version,
        "risk_score": contract.risk_score,
    }
