"""Reads of the innovation-entity register, always through the jurisdiction filter.

An actor reads the organisations whose *current* district lies within their agency's region
(`entities.access`), and the candidates of the districts within it. Lists page by keyset like
the contract lists (`entities.paging`). A recognition's status is derived for the day asked
about (`domain.entities.status_on`): in force, not yet, expired or revoked; only revocations
are stored.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from techmarket.codes.regions import ROOT, get_region, is_within
from techmarket.domain import entities as rules
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.domain.workflow import Role, Status
from techmarket.entities import access
from techmarket.entities.models import (
    Candidate,
    PartyName,
    PartyProfile,
    PartyRegion,
    Recognition,
    Residency,
)
from techmarket.entities.paging import Page, Sort, choose, page_of, refuse
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract, Party
from techmarket.server.rows import rows

STATUS_FILTERS = tuple(rules.STATUSES)  # recognised (in force), expired, revoked, not_yet
RECOGNITION_SORTS: dict[str, Sort] = {
    "-granted_on": Sort("granted_on", True, date.min),
    "valid_to": Sort("valid_to", False, date.max),
    "-id": Sort("id", True),
}
EXPIRING_SORT = Sort("valid_to", False, date.max)
MAX_MONTHS = 36
CARDS_PER_STAGE = 100


def region_q(region: str, field: str) -> Q:
    """Rows whose region lies in `region` by prefix, as `codes.regions.is_within` judges."""
    if region == ROOT:
        return Q()
    if region.endswith("0000"):
        return Q(**{f"{field}__startswith": region[:2]})
    if region.endswith("00"):
        return Q(**{f"{field}__startswith": region[:4]})
    return Q(**{field: region})


def region_name(code: str) -> str:
    found = get_region(code) if code else None
    return found.name if found else code


# -- recognitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecognitionFilter:
    """What a recognition list asks for; every field optional, combined with AND."""

    kind: str = ""
    level: str = ""
    status: str = ""  # as of `as_of`: recognised (in force), expired, revoked, not_yet
    as_of: date | None = None  # the day the status is read for (front ends pass today)
    region: str = ""  # the organisation's current district lies within it
    granted_year: int | None = None
    batch: str = ""
    text: str = ""  # part of the name, the USCC or the certificate number


def status_q(status: str, day: date, prefix: str = "") -> Q:
    """Recognitions whose derived status on `day` is `status` (the rule of `status_on`)."""
    p = prefix
    revoked = Q(**{f"{p}revoked_on__lte": day})
    started = Q(**{f"{p}granted_on__isnull": True}) | Q(**{f"{p}granted_on__lte": day})
    not_ended = Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": day})
    if status == "revoked":
        return revoked
    if status == "not_yet":
        return ~revoked & Q(**{f"{p}granted_on__gt": day})
    if status == "expired":
        return ~revoked & started & Q(**{f"{p}valid_to__lt": day})
    if status == "recognised":
        return ~revoked & started & not_ended
    raise refuse(
        "status",
        f"未知的状态：{status}（可用：{', '.join(STATUS_FILTERS)}）",
        f"unknown status {status} (use one of {', '.join(STATUS_FILTERS)})",
        "unknown_entity_status",
    )


def _check_choice(field: str, value: str, table: dict[str, Any], code: str) -> None:
    if value and value not in table:
        raise refuse(
            field,
            f"未知的{field}：{value}（可用：{', '.join(table)}）",
            f"unknown {field} {value} (use one of {', '.join(table)})",
            code,
        )


def recognitions(actor: Actor, filters: RecognitionFilter, today: date) -> QuerySet[Recognition]:
    """The recognitions the actor may read that match the filters, unordered."""
    region = access.readable_region(actor, filters.region or None)
    _check_choice("kind", filters.kind, rules.KINDS, "unknown_entity_kind")
    _check_choice("level", filters.level, rules.LEVELS, "unknown_entity_level")
    rows = Recognition.objects.filter(region_q(region, "party__region_code"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.status:
        rows = rows.filter(status_q(filters.status, filters.as_of or today))
    if filters.granted_year is not None:
        year = filters.granted_year
        rows = rows.filter(granted_on__gte=date(year, 1, 1), granted_on__lte=date(year, 12, 31))
    if filters.batch.strip():
        rows = rows.filter(batch__icontains=filters.batch.strip())
    text = filters.text.strip()
    if text:
        number = rules.normalise_number(text)
        rows = rows.filter(
            Q(party__name__icontains=text)
            | Q(party__identifier=number)
            | Q(number__icontains=number)
        )
    return rows


def recognition_row(row: Recognition, day: date) -> dict[str, Any]:
    """One recognition as every front end shows it, its status derived for `day`."""
    kind = rules.kind_of(row.kind)
    party = row.party
    return {
        "id": row.pk,
        "party_id": party.pk,
        "name": party.name,
        "uscc": party.identifier,
        "region": party.region_code,
        "region_name": region_name(party.region_code),
        "kind": row.kind,
        "kind_name": kind.zh if kind else row.kind,
        "kind_name_en": kind.en if kind else row.kind,
        "level": row.level,
        "number": row.number,
        "batch": row.batch,
        "granted_on": row.granted_on,
        "valid_to": row.valid_to,
        "valid_to_printed": row.valid_to_printed,
        "revoked_on": row.revoked_on,
        "status": rules.status_on(day, row.granted_on, row.valid_to, row.revoked_on),
        "version": row.version,
    }


def list_recognitions(
    actor: Actor,
    filters: RecognitionFilter,
    *,
    today: date,
    sort: str = "-granted_on",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """One page of recognitions in a stable order, and the cursor of the next page."""
    order = choose(RECOGNITION_SORTS, sort)
    rows = recognitions(actor, filters, today).select_related("party")
    found, next_cursor = page_of(rows, sort, order, cursor, limit)
    day = filters.as_of or today
    return Page([recognition_row(r, day) for r in found], next_cursor, sort, limit)


def all_recognitions(
    actor: Actor, filters: RecognitionFilter, *, today: date, cap: int
) -> list[dict[str, Any]]:
    """Every recognition of the filters, for an export; refused beyond `cap` rows."""
    rows = recognitions(actor, filters, today)
    _check_cap(rows, cap)
    day = filters.as_of or today
    ordered = rows.select_related("party").order_by("-granted_on", "-id")
    return [recognition_row(r, day) for r in ordered.iterator(chunk_size=2000)]


def _check_cap(rows: QuerySet[Any], cap: int) -> None:
    if rows[: cap + 1].count() > cap:
        raise refuse(
            "filters",
            f"所选记录超过 {cap:,} 条，请缩小筛选范围后再导出",
            f"more than {cap:,} rows are selected: narrow the filters and export again",
            "export_too_large",
        )


# -- the organisation page ----------------------------------------------------------------------


def _can_read_region(actor: Actor, region: str) -> bool:
    own = access.jurisdiction(actor)
    return own == ROOT or (bool(region) and is_within(region, own))


def find_organisation(actor: Actor, key: str | int) -> Party:
    """An organisation by id or USCC, if its current district is within the actor's reach."""
    own = access.jurisdiction(actor)  # a seller or broker is refused before anything is read
    text = str(key).strip()
    by_key = Q(identifier=text.upper())
    if text.isdecimal() and len(text) < 12:
        by_key |= Q(pk=int(text))
    party = Party.objects.filter(by_key).order_by("pk").first() if text.isprintable() else None
    if party is None:
        raise NotFound(
            f"单位 {text} 不存在", f"no organisation {text}", code="organisation_not_found"
        )
    if not _can_read_region(actor, party.region_code):
        raise PermissionDenied(
            f"单位所在地区 {party.region_code or '（未知）'} 不在本机构管辖范围（{own}）内",
            f"the organisation's region {party.region_code or '(unknown)'} is outside the "
            f"agency's jurisdiction ({own})",
            code="region_not_in_jurisdiction",
            region=party.region_code,
            jurisdiction=own,
        )
    return party


def organisation_detail(actor: Actor, key: str | int, *, on: date) -> dict[str, Any]:
    """The organisation page: identity, district history, former names, recognitions with their
    status on `on`, candidacies, residencies and its registered contracts as seller."""
    party = find_organisation(actor, key)
    profile = PartyProfile.objects.filter(party=party).first()
    contracts = Contract.objects.filter(seller_party=party, status=Status.REGISTERED).aggregate(
        count=Count("id"), total=Sum("total_amount"), tech=Sum("tech_amount")
    )
    held = party.recognitions.select_related("party").order_by("-granted_on", "-id")
    return {
        "id": party.pk,
        "name": party.name,
        "uscc": party.identifier,
        "nature": party.nature,
        "region": party.region_code,
        "region_name": region_name(party.region_code),
        "industry": profile.industry if profile else "",
        "as_of": on,
        "regions": [
            {
                "region": r.region_code,
                "region_name": region_name(r.region_code),
                "valid_from": None if r.valid_from == date.min else r.valid_from,
            }
            for r in PartyRegion.objects.filter(party=party).order_by("valid_from")
        ],
        "former_names": [
            {"name": n.name, "until": n.until}
            for n in PartyName.objects.filter(party=party).order_by("until", "pk")
        ],
        "recognitions": [recognition_row(r, on) for r in held],
        "candidacies": [
            candidate_row(c) for c in party.candidacies.order_by("-year", "round", "kind")
        ],
        "residents": [
            residency_row(r, r.resident)
            for r in Residency.objects.filter(carrier=party)
            .select_related("resident")
            .order_by("-entered_on", "pk")
        ],
        "residencies": [
            residency_row(r, r.carrier)
            for r in Residency.objects.filter(resident=party)
            .select_related("carrier")
            .order_by("-entered_on", "pk")
        ],
        "contracts": {
            "registered": contracts["count"],
            "total_amount": contracts["total"] or Decimal("0.00"),
            "tech_amount": contracts["tech"] or Decimal("0.00"),
        },
    }


def residency_row(row: Residency, other: Party) -> dict[str, Any]:
    """A residency seen from one side: `other` is the resident, or the carrier."""
    return {
        "id": row.pk,
        "party_id": other.pk,
        "name": other.name,
        "uscc": other.identifier,
        "entered_on": row.entered_on,
        "left_on": row.left_on,
        "exit_reason": row.exit_reason,
    }


def seller_recognitions(
    actor: Actor, contract: Contract, *, on: date
) -> list[dict[str, Any]] | None:
    """The seller's recognitions in force on `on`, for the contract page (some tax relief
    depends on them): for agency staff and the seller itself; None for anyone else. The caller
    has already been allowed to read the contract."""
    staff = actor.role in access.READERS
    own = actor.role is Role.SELLER and actor.party_id == contract.seller_party_id
    if not (staff or own) or contract.seller_party_id is None:
        return None
    # A prepared query (`server.rows`) and the in-force rule in Python: every contract page
    # asks, and a seller holds a handful of recognitions.
    held = [
        r
        for r in rows(
            Recognition,
            where={"party": contract.seller_party_id},
            order_by=("kind", "-granted_on"),
        )
        if rules.status_on(on, r.granted_on, r.valid_to, r.revoked_on) == "recognised"
    ]
    for r in held:
        r._state.fields_cache["party"] = contract.seller_party
    return [recognition_row(r, on) for r in held]


# -- expiring -----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _expiring(
    actor: Actor, *, within_months: int, on: date, region: str = "", kind: str = ""
) -> QuerySet[Recognition]:
    if not 1 <= within_months <= MAX_MONTHS:
        raise refuse(
            "within_months",
            f"月数须在 1 到 {MAX_MONTHS} 之间",
            f"within_months must be between 1 and {MAX_MONTHS}",
            "months_out_of_range",
        )
    readable = access.readable_region(actor, region or None)
    _check_choice("kind", kind, rules.KINDS, "unknown_entity_kind")
    rows = Recognition.objects.filter(
        region_q(readable, "party__region_code"),
        status_q("recognised", on),
        valid_to__lte=add_months(on, within_months),
    )
    if kind:
        rows = rows.filter(kind=kind)
    later = Recognition.objects.filter(
        party=OuterRef("party"), kind=OuterRef("kind"), granted_on__gt=OuterRef("granted_on")
    ).exclude(status="revoked")
    return rows.annotate(renewed=Exists(later))


def expiring_row(row: Recognition, on: date) -> dict[str, Any]:
    out = recognition_row(row, on)
    out["days_left"] = (row.valid_to - on).days if row.valid_to else None
    out["renewed"] = bool(getattr(row, "renewed", False))
    return out


def list_expiring(
    actor: Actor,
    *,
    within_months: int = 6,
    on: date,
    region: str = "",
    kind: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """Recognitions in force on `on` whose last day falls within the next `within_months`
    months, soonest first, each saying whether a later one of the same kind exists already
    (re-recognised): the list a bureau chases re-recognition from."""
    rows = _expiring(actor, within_months=within_months, on=on, region=region, kind=kind)
    found, next_cursor = page_of(
        rows.select_related("party"), "valid_to", EXPIRING_SORT, cursor, limit
    )
    return Page([expiring_row(r, on) for r in found], next_cursor, "valid_to", limit)


def all_expiring(
    actor: Actor, *, within_months: int, on: date, region: str = "", kind: str = "", cap: int
) -> list[dict[str, Any]]:
    rows = _expiring(actor, within_months=within_months, on=on, region=region, kind=kind)
    _check_cap(rows, cap)
    ordered = rows.select_related("party").order_by("valid_to", "id")
    return [expiring_row(r, on) for r in ordered.iterator(chunk_size=2000)]


# -- cultivation --------------------------------------------------------------------------------


def visible_candidates(actor: Actor, district: str = "") -> QuerySet[Candidate]:
    region = access.readable_region(actor, district or None)
    return Candidate.objects.filter(region_q(region, "district"))


def candidate_row(row: Candidate) -> dict[str, Any]:
    party = row.party
    return {
        "id": row.pk,
        "party_id": party.pk,
        "name": party.name,
        "uscc": party.identifier,
        "kind": row.kind,
        "round": row.round,
        "year": row.year,
        "district": row.district,
        "district_name": region_name(row.district),
        "stage": row.stage,
        "moves": list(rules.candidate_moves(row.stage)),
        "note": row.note,
        "recognition_id": row.recognition_id,
        "version": row.version,
    }


def rounds(actor: Actor) -> list[dict[str, Any]]:
    """The cultivation rounds the actor sees candidates of, the latest first."""
    found = (
        visible_candidates(actor)
        .values("round", "year")
        .annotate(candidates=Count("id"))
        .order_by("-year", "round")
    )
    return list(found)


def get_candidate(actor: Actor, pk: int) -> Candidate:
    """One candidate of a district within the actor's reach (else: not found)."""
    row = visible_candidates(actor).select_related("party").filter(pk=pk).first()
    if row is None:
        raise NotFound(
            f"培育对象 {pk} 不存在", f"no candidate {pk}", code="candidate_not_found", id=pk
        )
    return row


def candidate_board(
    actor: Actor, *, round_name: str = "", district: str = "", kind: str = ""
) -> dict[str, Any]:
    """The cultivation board of a round (the latest when none is named): candidates by stage,
    and how many each district has at each stage."""
    known = rounds(actor)
    chosen = round_name or (known[0]["round"] if known else "")
    rows = visible_candidates(actor, district).filter(round=chosen)
    _check_choice("kind", kind, rules.KINDS, "unknown_entity_kind")
    if kind:
        rows = rows.filter(kind=kind)
    columns = []
    for stage, label in rules.CANDIDATE_STAGES.items():
        in_stage = rows.filter(stage=stage)
        cards = in_stage.select_related("party").order_by("district", "party__name", "pk")
        columns.append(
            {
                "stage": stage,
                "label": label[0],
                "label_en": label[1],
                "total": in_stage.count(),
                "items": [candidate_row(c) for c in cards[:CARDS_PER_STAGE]],
            }
        )
    return {
        "round": chosen,
        "rounds": known,
        "district": district,
        "columns": columns,
        "by_district": _stage_counts(rows),
    }


def _stage_counts(rows: QuerySet[Candidate]) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for found in rows.values("district", "stage").annotate(n=Count("id")).order_by("district"):
        line = table.setdefault(
            found["district"],
            {
                "district": found["district"],
                "district_name": region_name(found["district"]),
                **dict.fromkeys(rules.CANDIDATE_STAGES, 0),
                "total": 0,
            },
        )
        line[found["stage"]] = found["n"]
        line["total"] += found["n"]
    return list(table.values())


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def round_yield(
    actor: Actor, *, round_name: str = "", district: str = "", kind: str = ""
) -> list[dict[str, Any]]:
    """Each round's yield by district: candidates → applied → recognised, with the rates.

    "Applied" counts the candidates now at applied or recognised; one dropped after applying
    counts as dropped only (a candidate keeps its current stage, not its path).
    """
    rows = visible_candidates(actor, district)
    _check_choice("kind", kind, rules.KINDS, "unknown_entity_kind")
    if round_name:
        rows = rows.filter(round=round_name)
    if kind:
        rows = rows.filter(kind=kind)
    table: dict[tuple[str, str], dict[str, Any]] = {}
    grouped = rows.values("year", "round", "district", "stage").annotate(n=Count("id"))
    for found in grouped.order_by("-year", "round", "district"):
        key = (found["round"], found["district"])
        line = table.setdefault(
            key,
            {
                "round": found["round"],
                "year": found["year"],
                "district": found["district"],
                "district_name": region_name(found["district"]),
                "candidates": 0,
                "applied": 0,
                "recognised": 0,
                "dropped": 0,
            },
        )
        line["candidates"] += found["n"]
        if found["stage"] in ("applied", "recognised"):
            line["applied"] += found["n"]
        if found["stage"] in ("recognised", "dropped"):
            line[found["stage"]] += found["n"]
    for line in table.values():
        line["applied_rate"] = rate(line["applied"], line["candidates"])
        line["recognised_rate"] = rate(line["recognised"], line["applied"])
        line["yield_rate"] = rate(line["recognised"], line["candidates"])
    return list(table.values())


def all_candidates(
    actor: Actor, *, round_name: str, district: str = "", kind: str = "", cap: int
) -> list[dict[str, Any]]:
    """Every candidate of a round (the board's export), by stage, district and name."""
    rows = visible_candidates(actor, district).filter(round=round_name)
    _check_choice("kind", kind, rules.KINDS, "unknown_entity_kind")
    if kind:
        rows = rows.filter(kind=kind)
    _check_cap(rows, cap)
    order = list(rules.CANDIDATE_STAGES)
    found = [candidate_row(c) for c in rows.select_related("party").order_by("district", "pk")]
    return sorted(found, key=lambda r: (order.index(r["stage"]), r["district"], r["name"]))
