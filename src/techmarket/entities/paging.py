"""Keyset pages of the register's lists: the conventions of the contract lists (a limit of
1–200, 50 by default, an opaque `next_cursor`), on a sort value that is never empty.

Empty dates are replaced by a sentinel in the sort value (open-ended validity sorts last), so
one (value, id) comparison finds the next page; an OFFSET would read every row before it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import DateField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from techmarket.domain.problems import DomainError

MAX_PAGE = 200
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class Sort:
    """A list order: the column, its direction and what stands for an empty value."""

    column: str
    descending: bool
    empty: date | None = None  # None: the column is never empty (the id)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    sort: str
    limit: int


def refuse(field: str, zh: str, en: str, code: str) -> DomainError:
    return DomainError(zh, en, code=code, field=field)


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise refuse(
            "limit",
            f"每页条数须在 1 到 {MAX_PAGE} 之间",
            f"limit must be between 1 and {MAX_PAGE}",
            "limit_out_of_range",
        )


def choose(sorts: dict[str, Sort], sort: str) -> Sort:
    if sort not in sorts:
        raise refuse(
            "sort",
            f"不支持的排序：{sort}（可用：{', '.join(sorts)}）",
            f"cannot sort by {sort} (use one of {', '.join(sorts)})",
            "unknown_sort",
        )
    return sorts[sort]


def page_of(
    rows: QuerySet[Any], sort_name: str, sort: Sort, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """Up to `limit` model rows after the cursor in the sort's order, and the next cursor."""
    check_limit(limit)
    if sort.empty is None:
        rows = rows.annotate(sort_key=F(sort.column))
    else:
        rows = rows.annotate(
            sort_key=Coalesce(F(sort.column), Value(sort.empty), output_field=DateField())
        )
    if cursor:
        value, last_id = _decode(cursor, sort_name, sort)
        beyond, tie = ("lt", "lt") if sort.descending else ("gt", "gt")
        rows = rows.filter(
            Q(**{f"sort_key__{beyond}": value}) | Q(sort_key=value, **{f"id__{tie}": last_id})
        )
    order = ("-sort_key", "-id") if sort.descending else ("sort_key", "id")
    found = list(rows.order_by(*order)[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    next_cursor = _encode(found[-1].sort_key, found[-1].pk, sort_name) if more and found else None
    return found, next_cursor


def _encode(value: object, last_id: int, sort_name: str) -> str:
    raw = json.dumps([str(value), last_id, sort_name])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort_name: str, sort: Sort) -> tuple[Any, int]:
    """The cursor's row key; a cursor of another order is refused, not misread."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, last_id, name = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if type(last_id) is not int or not 0 < last_id < 2**63 or name != sort_name:
            raise ValueError(last_id)
        key: Any = int(value) if sort.empty is None else date.fromisoformat(value)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise refuse(
            "cursor",
            "分页游标无效：请从第一页重新开始",
            "the page cursor is not valid: start again from the first page",
            "invalid_cursor",
        ) from None
    return key, last_id
