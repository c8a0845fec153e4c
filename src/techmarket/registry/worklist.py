"""What waits for the actor (待办): counts per waiting state, due soon and overdue.

Counted over the open states only (a few thousand rows at most, read through the (agency,
status) index), never over the registered bulk, so the counts can sit on every page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from techmarket.accounts.models import Agency
from techmarket.domain.workflow import Role, Status
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.contract_list import OPEN_STATUSES, due_by
from techmarket.registry.models import Contract
from techmarket.registry.permissions import agencies_in_reach, visible_contracts

# A deadline this many working days away or nearer is announced (the "two days").
DUE_SOON_WORKING_DAYS = 2

# The states in which a contract waits for someone of the role to act.
WAITING_FOR: dict[Role, tuple[Status, ...]] = {
    Role.SELLER: (Status.DRAFT, Status.CORRECTION_REQUESTED),
    Role.REGISTRAR: OPEN_STATUSES,
    Role.AGENCY_ADMIN: OPEN_STATUSES,
}


@dataclass(frozen=True)
class Worklist:
    by_status: dict[str, int] = field(default_factory=dict)
    due_soon: int = 0  # open, deadline within DUE_SOON_WORKING_DAYS working days, not yet past
    overdue: int = 0  # open and past the deadline
    due_soon_by: date | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def worklist(actor: Actor, today: date) -> Worklist:
    """The actor's to-do counts; empty for roles nothing waits for (analysts).

    Every page's frame shows them, so a worker keeps them until the audit chain moves: every
    change of a contract's state or deadline writes an event, so a count kept under the
    chain's last sequence number is exact (one indexed read instead of the grouped count:
    measured, 3 ms of a contract page's CPU).
    """
    waiting = WAITING_FOR.get(actor.role, ())
    if not waiting:
        return Worklist()
    if actor.role is Role.SELLER:
        owner = actor.party_id
    else:
        owner = actor.agency.pk if actor.agency else None
    soon = due_by(DUE_SOON_WORKING_DAYS, today)  # moves with the calendar too
    key = (actor.role, owner, today, soon, audit.head_seq())
    found = _kept.get(key)
    if found is None:
        if len(_kept) >= _MOST_KEPT:
            _kept.clear()
        found = _kept[key] = _count(actor, today, soon, waiting)
    return found


_kept: dict[tuple[object, ...], Worklist] = {}
_MOST_KEPT = 1000


def forget_kept_worklists() -> None:
    """For tests that change contracts without the services."""
    _kept.clear()


def _count(actor: Actor, today: date, soon: date, waiting: tuple[Status, ...]) -> Worklist:
    if actor.role is Role.SELLER:
        contracts = visible_contracts(actor).filter(status__in=waiting)
    else:
        # A registrar acts on the own agency's contracts only (permissions.ensure_can_act);
        # the sub-agencies' queues are theirs to work, not this one's to-do. The own agency
        # is always within reach, so the permission filter's agency list is not needed here.
        own = actor.agency.pk if actor.agency else None
        contracts = Contract.objects.filter(agency_id=own, status__in=waiting)
    rows = contracts.values("status").annotate(
        n=Count("id"),
        soon=Count("id", filter=Q(deadline__gte=today, deadline__lte=soon)),
        late=Count("id", filter=Q(deadline__lt=today)),
    )
    by_status = {s.value: 0 for s in waiting}
    due_soon = overdue = 0
    for row in rows:
        by_status[row["status"]] = row["n"]
        if row["status"] in OPEN_STATUSES:
            due_soon += row["soon"]
            overdue += row["late"]
    return Worklist(by_status, due_soon, overdue, soon)


@dataclass(frozen=True)
class Backlog:
    agency_code: str
    agency_name: str
    open: int
    overdue: int


def backlog_by_agency(actor: Actor, today: date) -> list[Backlog]:
    """Open applications and overdue ones per agency within the actor's reach (the bureau's
    view of who is behind), largest backlog first.

    Counted agency by agency, each through the (agency, status) index. One grouped query over
    all the agencies' contracts made SQLite scan every contract: it knows only the average
    number of rows per (agency, status), which the registered ones make huge, not that open
    ones are few (1.1 s at two million contracts; docs/performance.md).
    """
    if actor.role is Role.SELLER:
        return []
    reach = agencies_in_reach(actor)
    sql, params = _backlog_sql(None if reach is None else tuple(reach), today)
    with connection.cursor() as cursor:  # the query built once (building it cost 3 ms a page)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Backlog(code, name, n, late) for code, name, n, late in rows]


@functools.lru_cache(maxsize=256)
def _backlog_sql(reach: tuple[int, ...] | None, today: date) -> tuple[str, tuple[object, ...]]:
    agencies = Agency.objects.all() if reach is None else Agency.objects.filter(pk__in=reach)
    open_here = Contract.objects.filter(agency=OuterRef("pk"), status__in=OPEN_STATUSES)

    def counted(contracts: QuerySet[Contract]) -> Coalesce:
        per_agency = contracts.order_by().values("agency").annotate(n=Count("id")).values("n")
        return Coalesce(Subquery(per_agency), 0)

    rows = (
        agencies.annotate(n=counted(open_here), late=counted(open_here.filter(deadline__lt=today)))
        .filter(n__gt=0)
        .order_by("-n", "code")
        .values_list("code", "name", "n", "late")
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)
