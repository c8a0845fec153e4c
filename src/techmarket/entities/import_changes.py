"""Revocation notices (取消资格) and move notices (完成异地搬迁), planned whole and written in bulk.

A revocation row names a certificate; the number finds the recognition across kinds (a number
is unique within its kind, and GR numbers exist only for high-tech enterprises, so a number
shared by two kinds is reported rather than guessed). The name or credit code printed beside it
must be the holder's (current or former name, normalised). Revoking again from the same day
skips the row; from another day is a problem, as `services.revoke` refuses a second revocation.

A move row names an organisation and the district it moves to from a day; it writes the district
history exactly as `services.move` does, and a move already recorded (same day, same district)
is skipped. An agency admin records moves into or out of their jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from techmarket.codes.regions import get_region
from techmarket.domain import entities as rules
from techmarket.domain.entity_lists import MoveRow, RevocationRow
from techmarket.entities import access
from techmarket.entities.import_context import ImportContext
from techmarket.entities.models import PartyName, PartyRegion, Recognition
from techmarket.entities.organisations import CHUNK, Org, Organisations
from techmarket.registry.models import Party

# -- revocations -------------------------------------------------------------------------------


@dataclass
class RevocationPlan:
    revoked: list[tuple[RevocationRow, Recognition]] = field(default_factory=list)


def plan_revocations(items: list[RevocationRow], context: ImportContext) -> RevocationPlan:
    """Each row's recognition by its number, checked against the holder the row names."""
    by_number = _recognitions(sorted({i.number for i in items}))
    former = _former_names(sorted({r.party_id for rows in by_number.values() for r in rows}))
    plan = RevocationPlan()
    seen: dict[int, int] = {}
    for item in items:
        found = by_number.get(item.number, [])
        if not found:
            context.problem(
                item.row,
                "certificate_number",
                "unknown_certificate",
                f"证书编号 {item.number} 不在库中",
                f"no recognition has the number {item.number}",
            )
            continue
        if len(found) > 1:
            context.problem(
                item.row,
                "certificate_number",
                "ambiguous_certificate",
                f"证书编号 {item.number} 对应 {len(found)} 类认定，请分别处理",
                f"{len(found)} kinds of recognition have the number {item.number}",
            )
            continue
        recognition = found[0]
        party = recognition.party
        if not _holder_matches(item, party, former.get(party.pk, set()), context):
            continue
        if not context.check_region(item.row, "certificate_number", party.region_code, "单位"):
            continue
        if recognition.pk in seen:
            context.duplicate(
                item.row, "certificate_number", seen[recognition.pk], f"证书 {item.number}"
            )
            continue
        seen[recognition.pk] = item.row
        if recognition.status == "revoked":
            if recognition.revoked_on == item.revoked_on:
                context.result.skipped += 1
            else:
                context.problem(
                    item.row,
                    "revoked_on",
                    "already_revoked",
                    f"证书 {item.number} 已自 {recognition.revoked_on} 起撤销，与本行日期不同",
                    f"{item.number} is revoked already, from {recognition.revoked_on}",
                )
            continue
        plan.revoked.append((item, recognition))
    return plan


def _recognitions(numbers: list[str]) -> dict[str, list[Recognition]]:
    found: dict[str, list[Recognition]] = {}
    for start in range(0, len(numbers), CHUNK):
        for row in (
            Recognition.objects.filter(number__in=numbers[start : start + CHUNK])
            .exclude(number="")
            .select_related("party")
        ):
            found.setdefault(row.number, []).append(row)
    return found


def _former_names(pks: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for start in range(0, len(pks), CHUNK):
        for pk, name in PartyName.objects.filter(
            party_id__in=pks[start : start + CHUNK]
        ).values_list("party_id", "normalised"):
            found.setdefault(pk, set()).add(name)
    return found


def _holder_matches(
    item: RevocationRow, party: Party, former: set[str], context: ImportContext
) -> bool:
    """The name and credit code the notice prints must be the certificate holder's."""
    if item.org.uscc and party.identifier and item.org.uscc != party.identifier:
        context.problem(
            item.row,
            "uscc",
            "uscc_mismatch",
            f"证书 {item.number} 的持有单位信用代码为 {party.identifier}，与本行不一致",
            f"the holder of {item.number} has the credit code {party.identifier}, not "
            f"{item.org.uscc}",
        )
        return False
    wanted = rules.normalise_name(item.org.name)
    if item.org.name and wanted != rules.normalise_name(party.name) and wanted not in former:
        context.problem(
            item.row,
            "name",
            "name_mismatch",
            f"证书 {item.number} 的持有单位为“{party.name}”（含曾用名），与本行名称“{item.org.name}”不一致",
            f"{item.number} is held by {party.name} (nor was it ever named {item.org.name})",
        )
        return False
    return True


def write_revocations(plan: RevocationPlan, context: ImportContext) -> None:
    """As `services.revoke`, in bulk: status revoked from the day, version up, one event each."""
    rows = []
    for item, recognition in plan.revoked:
        recognition.status, recognition.revoked_on = "revoked", item.revoked_on
        recognition.updated_at, recognition.version = context.now, recognition.version + 1
        rows.append(recognition)
        context.event(
            "recognition",
            recognition.pk,
            recognition.party.identifier or recognition.party.name,
            "revoke",
            from_status="recognised",
            to_status="revoked",
            kind=recognition.kind,
            number=recognition.number,
            batch=recognition.batch,
            granted_on=recognition.granted_on,
            effective_on=item.revoked_on,
            reason=item.reason,
            row=item.row,
        )
    Recognition.objects.bulk_update(
        rows, ["status", "revoked_on", "updated_at", "version"], batch_size=500
    )
    context.result.updated += len(rows)


# -- moves -------------------------------------------------------------------------------------


@dataclass
class MovePlan:
    moves: list[tuple[MoveRow, Org]] = field(default_factory=list)


def plan_moves(items: list[MoveRow], context: ImportContext) -> MovePlan:
    """Each row's organisation (never created: a move is about a known firm), its district on
    the day checked, and the jurisdiction: the agency's region must hold one end of the move."""
    orgs = Organisations([i.org for i in items])
    found = {i.row: orgs.find(i.org, i.row, context, create=False) for i in items if i.org.region}
    pks = sorted({o.pk for o in found.values() if o is not None and o.pk is not None})
    stored = _stored_moves(pks)
    plan = MovePlan()
    seen: dict[tuple[int, date], int] = {}
    for item in items:
        org = found.get(item.row)
        if org is None or org.pk is None:
            continue
        if get_region(item.org.region, item.moved_on) is None:
            context.problem(
                item.row,
                "region",
                "region_unknown",
                f"地区代码 {item.org.region} 在 {item.moved_on} 不是有效的 GB/T 2260 代码",
                f"{item.org.region} is no GB/T 2260 code on {item.moved_on}",
            )
            continue
        if not access.reaches_move(context.jurisdiction, org.region, item.org.region):
            context.problem(
                item.row,
                "region",
                "region_not_in_jurisdiction",
                f"迁出地 {org.region or '（未知）'} 与迁入地 {item.org.region} "
                f"都不在本机构管辖范围（{context.jurisdiction}）内",
                f"neither {org.region or '(unknown)'} nor {item.org.region} is within the "
                f"agency's jurisdiction ({context.jurisdiction})",
            )
            continue
        key = (org.pk, item.moved_on)
        if key in seen:
            context.duplicate(item.row, "moved_on", seen[key], f"单位“{org.name}”同一天的迁移")
            continue
        seen[key] = item.row
        if stored.get(key) == item.org.region:
            context.result.skipped += 1
            continue
        plan.moves.append((item, org))
    return plan


def _stored_moves(pks: list[int]) -> dict[tuple[int, date], str]:
    found: dict[tuple[int, date], str] = {}
    for start in range(0, len(pks), CHUNK):
        for pk, day, region in PartyRegion.objects.filter(
            party_id__in=pks[start : start + CHUNK]
        ).values_list("party_id", "valid_from", "region_code"):
            found[(pk, day)] = region
    return found


def write_moves(plan: MovePlan, context: ImportContext) -> None:
    """As `services.move`, in bulk: a firm's first move also records where it was before (from
    date.min); the party's current district becomes its latest."""
    pks = sorted({org.pk for _, org in plan.moves if org.pk is not None})
    stored = _stored_moves(pks)
    with_history = {pk for pk, _ in stored}
    regions = dict(Party.objects.filter(pk__in=pks).values_list("pk", "region_code"))
    PartyRegion.objects.bulk_create(
        [
            PartyRegion(
                party_id=pk, region_code=regions[pk], valid_from=date.min, recorded_at=context.now
            )
            for pk in pks
            if pk not in with_history and regions.get(pk)
        ],
        batch_size=500,
    )
    changed = [
        PartyRegion(party_id=org.pk, valid_from=item.moved_on, region_code=item.org.region)
        for item, org in plan.moves
        if (org.pk, item.moved_on) in stored
    ]
    for row in changed:
        PartyRegion.objects.filter(party_id=row.party_id, valid_from=row.valid_from).update(
            region_code=row.region_code, recorded_at=context.now
        )
    PartyRegion.objects.bulk_create(
        [
            PartyRegion(
                party_id=org.pk,
                region_code=item.org.region,
                valid_from=item.moved_on,
                recorded_at=context.now,
            )
            for item, org in plan.moves
            if (org.pk, item.moved_on) not in stored
        ],
        batch_size=500,
    )
    latest: dict[int, tuple[date, str]] = {}
    for start in range(0, len(pks), CHUNK):
        for pk, day, region in PartyRegion.objects.filter(
            party_id__in=pks[start : start + CHUNK]
        ).values_list("party_id", "valid_from", "region_code"):
            if pk not in latest or day > latest[pk][0]:
                latest[pk] = (day, region)
    Party.objects.bulk_update(
        [
            Party(pk=pk, region_code=region)
            for pk, (_, region) in latest.items()
            if regions.get(pk) != region
        ],
        ["region_code"],
        batch_size=500,
    )
    ids = {
        (pk, day): row_pk
        for start in range(0, len(pks), CHUNK)
        for row_pk, pk, day in PartyRegion.objects.filter(
            party_id__in=pks[start : start + CHUNK]
        ).values_list("pk", "party_id", "valid_from")
    }
    for item, org in plan.moves:
        assert org.pk is not None
        context.event(
            "party_region",
            ids[(org.pk, item.moved_on)],
            org.label,
            "move",
            region=item.org.region,
            on=item.moved_on,
            row=item.row,
        )
    context.result.updated += len(plan.moves)
