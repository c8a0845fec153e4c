"""Agency service quality (优秀登记机构): how fast and how well each agency decides, from the audit trail.

Every figure is read from `AuditEvent` rows the workflow services wrote, never from counters kept
on the side, with a handful of grouped queries whatever the number of contracts:

- received / registered / refused / withdrawn: contracts whose submit / register / refuse /
  withdraw event falls in the period (local dates, Asia/Shanghai). Contracts loaded by a bulk
  import carry an ``import`` event instead: they were not applications the agency served, so
  they count nowhere here.
- decided = registered + refused in the period. Working days from application to decision are
  the working days in (submit date, decision date] (`WorkingCalendar.working_days_between`, the
  admins' calendar corrections included); the median is the usual one, the 90th percentile the
  nearest-rank value (the smallest value at least 90 % of decisions do not exceed).
- within the legal limit: the decision date is on or before the last deadline the services set
  before it (``accept`` sets it, ``request_correction`` stops the clock, ``resubmit`` sets a new
  one; each writes it into its event). A refusal before acceptance was decided before any clock
  started and counts as within.
- correction rate: contracts received in the period with at least one ``request_correction``
  (at any time up to now) over received; refusal rate: refused over decided.
- open backlog at the period's end, or today if that is earlier: contracts submitted by then and
  neither registered, refused nor withdrawn by then. Overdue: those whose clock is running
  (accepted or in review, not waiting for a correction) with their last deadline already past.
- registered turnover: the total amount (成交额, as now in force) of the contracts registered in
  the period.

Ranking (documented choice): share decided within the limit, highest first; then the median
working days, lowest first; then more decisions first; then the agency code. An agency that
decided nothing in the period has nothing to judge it by: it is listed after the ranked ones,
with no rank.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.codes.regions import is_within
from techmarket.codes.workdays import WorkingCalendar
from techmarket.domain.problems import DomainError
from techmarket.domain.workflow import Action, Status
from techmarket.registry.actors import Actor
from techmarket.registry.models import AuditEvent, Contract
from techmarket.registry.services import working_calendar
from techmarket.stats.access import readable_region
from techmarket.stats.periods import Period, PeriodError, parse_period, share_pct
from techmarket.stats.table_cache import TableCache

SUBMIT, REGISTER, REFUSE, WITHDRAW = (
    str(Action.SUBMIT),
    str(Action.REGISTER),
    str(Action.REFUSE),
    str(Action.WITHDRAW),
)
CLOSING = (REGISTER, REFUSE, WITHDRAW)
# The events that (re)start the review clock and carry the deadline they set.
CLOCK_STARTS = (str(Action.ACCEPT), str(Action.RESUBMIT))
# Submitted and neither decided nor withdrawn (a correction awaited included).
OPEN_NOW = (
    str(Status.SUBMITTED),
    str(Status.ACCEPTED),
    str(Status.CORRECTION_REQUESTED),
    str(Status.UNDER_REVIEW),
    str(Status.SECOND_REVIEW),
)
# An open application whose clock runs: not waiting for the seller's correction, not unaccepted.
CLOCK_RUNNING = frozenset(
    {str(Status.ACCEPTED), str(Status.UNDER_REVIEW), str(Status.SECOND_REVIEW)}
)


@dataclass
class AgencyQuality:
    """One agency's service figures for one period (percentages with two places)."""

    code: str
    name: str
    region: str
    received: int = 0
    registered: int = 0
    refused: int = 0
    withdrawn: int = 0
    decided: int = 0
    median_working_days: float | None = None
    p90_working_days: int | None = None
    decided_within_limit: int = 0
    within_limit_pct: Decimal | None = None
    corrected: int = 0
    correction_rate_pct: Decimal | None = None
    refusal_rate_pct: Decimal | None = None
    backlog: int = 0
    overdue: int = 0
    registered_turnover: Decimal = field(default_factory=lambda: Decimal("0.00"))
    rank: int | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: amounts and percentages as strings, as every statistics document."""
        return {
            key: (f"{value:.2f}" if isinstance(value, Decimal) else value)
            for key, value in self.__dict__.items()
        }


def parse_quality_period(text: str) -> Period:
    """A ``--period`` value, refused with the statistics' own error code when unreadable."""
    try:
        return parse_period(text)
    except PeriodError as error:
        raise DomainError(error.message, error.message_en, code=error.code) from None


# The figures read the whole audit trail of the period (2.5 s for a year at two million
# contracts), so each worker keeps them a while: a period that has ended changes only through a
# rare amendment, one that runs to today with every decision.
KEEP_SECONDS_ENDED, KEEP_SECONDS_RUNNING = 600.0, 30.0
_kept = TableCache(max_entries=64)


def forget_kept_figures() -> None:
    _kept.clear()


def agency_quality(
    actor: Actor, period: Period | str, region: str | None = None, *, today: date
) -> list[AgencyQuality]:
    """Each agency of the readable region with its service figures for ``period``, ranked
    (as computed at most KEEP_SECONDS_… ago in this process)."""
    area = readable_region(actor, region)
    if isinstance(period, str):
        period = parse_quality_period(period)
    key = (period, area, today)
    kept = _kept.get(key)
    keep = KEEP_SECONDS_ENDED if period.end < today else KEEP_SECONDS_RUNNING
    if kept is not None and monotonic() - kept[0] <= keep:
        return [replace(row) for row in kept[1]]
    rows = _computed(period, area, today)
    _kept.put(key, (monotonic(), rows))
    return [replace(row) for row in rows]


def _computed(period: Period, area: str, today: date) -> list[AgencyQuality]:
    agencies = [a for a in Agency.objects.order_by("code") if is_within(a.region_code, area)]
    rows = {a.pk: AgencyQuality(a.code, a.name, a.region_code) for a in agencies}
    if not rows:
        return []
    ids = list(rows)
    start, end = _instant(period.start), _instant(period.end + timedelta(days=1))
    in_period = AuditEvent.objects.filter(contract__agency_id__in=ids, at__gte=start, at__lt=end)
    _count_events(rows, in_period)
    _count_corrections(rows, in_period)
    _decisions(rows, in_period, working_calendar())
    as_of = min(period.end, today)
    if as_of >= today:  # the period runs to today: the contracts' own state says it
        _backlog_now(rows, ids, today)
    else:
        _backlog(rows, ids, as_of)
    return _ranked(list(rows.values()))


def agency_quality_document(
    actor: Actor, period: str, region: str | None = None, *, today: date
) -> dict[str, object]:
    """The figures as one JSON document (CLI `--json`, the API): the period's canonical label,
    the region read, and the agencies in rank order."""
    area = readable_region(actor, region)
    parsed = parse_quality_period(period)
    rows = agency_quality(actor, parsed, area, today=today)
    return {
        "period": parsed.label,
        "region": area,
        "as_of": min(parsed.end, today).isoformat(),
        "agencies": [row.as_dict() for row in rows],
    }


def _instant(day: date) -> datetime:
    """Midnight opening ``day`` in the platform's time zone: periods are local dates."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def _count_events(rows: dict[int, AgencyQuality], in_period) -> None:  # type: ignore[no-untyped-def]
    counted = (
        in_period.filter(action__in=(SUBMIT, *CLOSING))
        .values_list("contract__agency_id", "action")
        .annotate(n=Count("contract_id", distinct=True))
        .order_by()
    )
    attribute = {SUBMIT: "received", REGISTER: "registered", REFUSE: "refused"}
    attribute[WITHDRAW] = "withdrawn"
    for agency_id, action, n in counted:
        setattr(rows[agency_id], attribute[action], n)
    for row in rows.values():
        row.decided = row.registered + row.refused


def _count_corrections(rows: dict[int, AgencyQuality], in_period) -> None:  # type: ignore[no-untyped-def]
    asked = AuditEvent.objects.filter(
        contract_id=OuterRef("contract_id"), action=str(Action.REQUEST_CORRECTION)
    )
    corrected = (
        in_period.filter(action=SUBMIT)
        .filter(Exists(asked))
        .values_list("contract__agency_id")
        .annotate(n=Count("contract_id", distinct=True))
        .order_by()
    )
    for agency_id, n in corrected:
        rows[agency_id].corrected = n


def _decisions(rows: dict[int, AgencyQuality], in_period, calendar: WorkingCalendar) -> None:  # type: ignore[no-untyped-def]
    """One query for every decision in the period, with its application date and deadline."""
    submitted_at = AuditEvent.objects.filter(contract_id=OuterRef("contract_id"), action=SUBMIT)
    last_deadline = AuditEvent.objects.filter(
        contract_id=OuterRef("contract_id"), action__in=CLOCK_STARTS, seq__lt=OuterRef("seq")
    ).order_by("-seq")
    decisions = (
        in_period.filter(action__in=(REGISTER, REFUSE))
        .annotate(
            applied_at=Subquery(submitted_at.order_by("seq").values("at")[:1]),
            deadline=Subquery(
                last_deadline.annotate(d=KeyTextTransform("deadline", "payload")).values("d")[:1]
            ),
        )
        .values_list("contract__agency_id", "action", "at", "applied_at", "deadline")
        .order_by()
    )
    amounts = defaultdict(list)  # registered contracts' amounts, summed in Decimal below
    registered_ids = in_period.filter(action=REGISTER).values_list(
        "contract__agency_id", "contract__total_amount"
    )
    for agency_id, amount in registered_ids.order_by():
        amounts[agency_id].append(amount)
    days: dict[int, list[int]] = defaultdict(list)
    counter = _WorkingDayCounter(calendar)
    for agency_id, _action, at, applied_at, deadline in decisions:
        decided_on = _local_day(at)
        row = rows[agency_id]
        if applied_at is not None:
            days[agency_id].append(counter.between(_local_day(applied_at), decided_on))
        if not deadline or decided_on <= date.fromisoformat(deadline):
            row.decided_within_limit += 1
    for agency_id, row in rows.items():
        spent = sorted(days.get(agency_id, []))
        if spent:
            row.median_working_days = float(statistics.median(spent))
            row.p90_working_days = spent[math.ceil(0.9 * len(spent)) - 1]
        row.within_limit_pct = share_pct(row.decided_within_limit, row.decided)
        row.correction_rate_pct = share_pct(row.corrected, row.received)
        row.refusal_rate_pct = share_pct(row.refused, row.decided)
        row.registered_turnover = sum(amounts.get(agency_id, []), Decimal("0.00"))


class _WorkingDayCounter:
    """`working_days_between` by a running count per day, so a million decisions cost no loops."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.first: date | None = None
        self.cumulative: list[int] = []

    def _index(self, day: date) -> int:
        if self.first is None or day < self.first:
            self.first, self.cumulative = day, []
        while len(self.cumulative) <= (day - self.first).days:
            d = self.first + timedelta(days=len(self.cumulative))
            previous = self.cumulative[-1] if self.cumulative else 0
            self.cumulative.append(previous + self.calendar.is_working_day(d))
        return (day - self.first).days

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end], as `WorkingCalendar.working_days_between`."""
        if end < start:
            return -self.between(end, start)
        low = self._index(start)  # first, so that the table starts no later than ``start``
        return self.cumulative[self._index(end)] - self.cumulative[low]


def _backlog_now(rows: dict[int, AgencyQuality], ids: list[int], today: date) -> None:
    """Applications open today, from the contracts' status and deadline (the (agency, status)
    index), rather than from every submission in the trail: the same answer as `_backlog` for
    today, without reading the history."""
    counted = (
        Contract.objects.filter(agency_id__in=ids, status__in=OPEN_NOW)
        .values("agency_id")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(status__in=CLOCK_RUNNING, deadline__lt=today)),
        )
        .order_by()
    )
    for row in counted:
        rows[row["agency_id"]].backlog = row["n"]
        rows[row["agency_id"]].overdue = row["late"]


def _backlog(rows: dict[int, AgencyQuality], ids: list[int], as_of: date) -> None:
    """Applications open at the end of ``as_of``: submitted by then, not closed by then."""
    cutoff = _instant(as_of + timedelta(days=1))
    before = AuditEvent.objects.filter(contract_id=OuterRef("contract_id"), at__lt=cutoff)
    closed = before.filter(action__in=CLOSING)
    status_then = before.order_by("-seq").values("to_status")[:1]
    deadline_then = (
        before.filter(action__in=CLOCK_STARTS)
        .order_by("-seq")
        .annotate(d=KeyTextTransform("deadline", "payload"))
        .values("d")[:1]
    )
    open_rows = (
        AuditEvent.objects.filter(contract__agency_id__in=ids, action=SUBMIT, at__lt=cutoff)
        .exclude(Exists(closed))
        .annotate(status=Subquery(status_then), deadline=Subquery(deadline_then))
        .values_list("contract__agency_id", "status", "deadline")
        .order_by()
    )
    for agency_id, status, deadline in open_rows:
        row = rows[agency_id]
        row.backlog += 1
        if status in CLOCK_RUNNING and deadline and date.fromisoformat(deadline) < as_of:
            row.overdue += 1


def _ranked(rows: list[AgencyQuality]) -> list[AgencyQuality]:
    judged = [r for r in rows if r.decided]
    judged.sort(
        key=lambda r: (
            -(r.within_limit_pct or Decimal(0)),
            r.median_working_days if r.median_working_days is not None else math.inf,
            -r.decided,
            r.code,
        )
    )
    for rank, row in enumerate(judged, start=1):
        row.rank = rank
    return judged + sorted((r for r in rows if not r.decided), key=lambda r: r.code)
