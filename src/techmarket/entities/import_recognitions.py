"""Recognition lists and rename notices, planned from the whole file and written in bulk.

A recognition is the same one again when its (kind, certificate number) — or, unnumbered, its
(kind, organisation, batch) — is already recorded: the fields the row gives are compared, a
difference updates the row (one `entity_update` event), no difference skips it. Fields a row
leaves empty keep what is stored, so a 备案公告 (name and number only) repeating an earlier
full list changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from techmarket.domain import entities as rules
from techmarket.domain.entity_lists import RecognitionRow, RenameRow
from techmarket.entities.import_context import ImportContext
from techmarket.entities.models import PartyName, PartyProfile, Recognition
from techmarket.entities.organisations import CHUNK, Org, Organisations
from techmarket.registry import bulk
from techmarket.registry.models import Party

_COLUMNS = (
    "id",
    "party_id",
    "kind",
    "level",
    "number",
    "batch",
    "notice",
    "granted_on",
    "valid_to",
    "valid_to_printed",
    "status",
    "revoked_on",
    "region_code",
    "recorded_at",
    "updated_at",
    "version",
)
_COMPARED = (
    "level",
    "batch",
    "notice",
    "granted_on",
    "valid_to",
    "valid_to_printed",
    "region_code",
)


@dataclass
class RecognitionPlan:
    """What a recognition list will write once every row has passed."""

    kind: str
    orgs: Organisations
    new: list[tuple[RecognitionRow, Org, dict[str, object]]] = field(default_factory=list)
    changed: list[tuple[RecognitionRow, Stored, list[str]]] = field(default_factory=list)


def _given(item: RecognitionRow, kind: str) -> dict[str, object]:
    """The fields the row states (empty ones are left as stored)."""
    values: dict[str, object] = {"level": item.level}
    if item.batch:
        values["batch"] = item.batch
    if item.notice:
        values["notice"] = item.notice
    if item.region:
        values["region_code"] = item.region
    if item.granted_on:
        values["granted_on"] = item.granted_on
    if item.valid_to:
        values["valid_to"], values["valid_to_printed"] = item.valid_to, True
    elif item.granted_on or (kind == "tech_sme" and item.number):
        values["valid_to"] = rules.valid_to(
            kind, item.granted_on, item.number, last_day=settings.HIGH_TECH_LAST_DAY
        )
        values["valid_to_printed"] = False
    return values


@dataclass
class Stored:
    """A recorded recognition, as far as comparing a row with it needs (no model instances:
    a re-imported list of 50,000 rows compares 50,000 of them)."""

    pk: int
    party_id: int
    number: str
    status: str
    values: dict[str, object]


_READ = ("pk", "party_id", "number", "status", *_COMPARED)


def _existing(kind: str, rows: list[tuple[RecognitionRow, Org]]) -> dict[tuple, Stored]:
    """The stored recognitions these rows repeat, by number or by (organisation, batch)."""
    found: dict[tuple, Stored] = {}

    def keep(query) -> None:  # type: ignore[no-untyped-def]
        for pk, party, number, status, *values in query.values_list(*_READ):
            stored = Stored(pk, party, number, status, dict(zip(_COMPARED, values, strict=True)))
            key = ("number", number) if number else ("batch", party, stored.values["batch"])
            found[key] = stored

    numbers = sorted({item.number for item, _ in rows if item.number})
    for start in range(0, len(numbers), CHUNK):
        keep(Recognition.objects.filter(kind=kind, number__in=numbers[start : start + CHUNK]))
    parties = sorted({org.pk for item, org in rows if not item.number and org.pk is not None})
    for start in range(0, len(parties), CHUNK):
        keep(
            Recognition.objects.filter(
                kind=kind, number="", party_id__in=parties[start : start + CHUNK]
            )
        )
    return found


def plan_recognitions(
    kind: str, items: list[RecognitionRow], context: ImportContext
) -> RecognitionPlan:
    orgs = Organisations(item.org for item in items)
    plan = RecognitionPlan(kind, orgs)
    resolved: list[tuple[RecognitionRow, Org]] = []
    for item in items:
        org = orgs.find(item.org, item.row, context)
        if org is not None and context.check_region(
            item.row, "region", org.region or item.region, "单位"
        ):
            resolved.append((item, org))
    existing = _existing(kind, resolved)
    seen: dict[tuple, int] = {}
    for item, org in resolved:
        key = ("number", item.number) if item.number else ("batch", org.pk or org.uscc, item.batch)
        if key in seen:
            context.duplicate(
                item.row,
                "certificate_number" if item.number else "batch",
                seen[key],
                f"证书编号 {item.number}" if item.number else f"“{org.name}”的批次 {item.batch}",
            )
            continue
        seen[key] = item.row
        values = _given(item, kind)
        stored = existing.get(key)
        if stored is None:
            if item.granted_on is None:
                context.problem(
                    item.row,
                    "granted_on",
                    "granted_on_required",
                    "新认定须有发证日期：请填写发证日期，或为整个名单指定公告的发证日期",
                    "a new recognition needs the day it was granted: give granted_on, or the "
                    "notice's date for the whole list",
                )
                continue
            plan.new.append((item, org, values))
        elif stored.party_id != org.pk:
            context.problem(
                item.row,
                "certificate_number",
                "recognition_number_taken",
                f"证书编号 {item.number} 已属于另一单位",
                f"certificate {item.number} belongs to another organisation",
            )
        else:
            changed = [k for k, v in values.items() if stored.values[k] != v]
            if changed:
                plan.changed.append((item, stored, changed))
                stored.values.update(values)
            else:
                context.result.skipped += 1
    return plan


def write_recognitions(plan: RecognitionPlan, context: ImportContext) -> None:
    plan.orgs.create_new()
    plan.orgs.ensure_profiles(org for _, org, _ in plan.new)
    now, kind = context.now, plan.kind
    ids = bulk.reserve_ids(Recognition, len(plan.new))
    at = bulk.db_datetime(now)
    rows = []
    for pk, (item, org, values) in zip(ids, plan.new, strict=True):
        valid_to = values.get("valid_to")
        rows.append(
            (
                pk,
                org.pk,
                kind,
                item.level,
                item.number,
                item.batch,
                item.notice,
                item.granted_on.isoformat() if item.granted_on else None,
                valid_to.isoformat() if isinstance(valid_to, date) else None,
                bool(values.get("valid_to_printed", False)),
                "recognised",
                None,
                item.region,
                at,
                at,
                1,
            )
        )
        context.event(
            "recognition",
            pk,
            org.label,
            "recognise",
            to_status="recognised",
            kind=kind,
            number=item.number,
            batch=item.batch,
            granted_on=item.granted_on,
            row=item.row,
        )
    for start in range(0, len(rows), 2000):
        bulk.insert(Recognition, _COLUMNS, rows[start : start + 2000])
    rows_of = {stored.pk: stored for _, stored, _ in plan.changed}
    pks = sorted(rows_of)
    changed = [
        row
        for start in range(0, len(pks), CHUNK)
        for row in Recognition.objects.filter(pk__in=pks[start : start + CHUNK])
    ]
    for row in changed:
        for key, value in rows_of[row.pk].values.items():
            setattr(row, key, value)
        row.updated_at, row.version = now, row.version + 1
    Recognition.objects.bulk_update(changed, [*_COMPARED, "updated_at", "version"], batch_size=500)
    for item, stored, fields in plan.changed:
        context.event(
            "recognition",
            stored.pk,
            item.org.uscc or item.org.name,
            "update",
            to_status=stored.status,
            kind=kind,
            number=stored.number,
            batch=stored.values["batch"],
            granted_on=stored.values["granted_on"],
            fields=",".join(sorted(fields)),
            row=item.row,
        )
    context.result.created += len(plan.new)
    context.result.updated += len(plan.changed)


# -- renames -----------------------------------------------------------------------------------


@dataclass
class RenamePlan:
    # (row, organisation, the name it gives up, whether its current name changes)
    renames: list[tuple[RenameRow, Org, str, bool]] = field(default_factory=list)


def plan_renames(items: list[RenameRow], context: ImportContext) -> RenamePlan:
    """Each notice's firm: by credit code, by certificate number, by its old name, or (already
    renamed) by its new name. A firm renamed twice in one file is renamed in the file's order."""
    from techmarket.domain.entity_lists import OrgRef

    orgs = Organisations(
        [OrgRef(i.old_name, i.uscc, "") for i in items]
        + [OrgRef(i.new_name, "", "") for i in items]
    )
    by_number = _parties_by_number(sorted({i.number for i in items if i.number}))
    former = _former_names([pk for pk in orgs.by_pk])
    plan = RenamePlan()
    seen: dict[tuple[int, str], int] = {}
    for item in items:
        org = _rename_target(item, orgs, by_number, context)
        if org is None or org.pk is None:
            continue
        if not context.check_region(item.row, "old_name", org.region, "单位"):
            continue
        key = (org.pk, rules.normalise_name(item.new_name))
        if key in seen:
            context.duplicate(item.row, "new_name", seen[key], f"单位“{org.name}”的更名")
            continue
        seen[key] = item.row
        renames = rules.normalise_name(org.name) != rules.normalise_name(item.new_name)
        gives_up = org.name if renames else item.old_name
        kept = former.setdefault(org.pk, set())
        if not renames and rules.normalise_name(gives_up) in kept:
            context.result.skipped += 1
            continue
        plan.renames.append((item, org, gives_up, renames))
        kept.add(rules.normalise_name(gives_up))
        org.name = item.new_name
    return plan


def _rename_target(
    item: RenameRow, orgs: Organisations, by_number: dict[str, Org], context: ImportContext
) -> Org | None:
    from techmarket.domain.entity_lists import OrgRef

    if item.uscc:
        return orgs.find(OrgRef(item.old_name, item.uscc, ""), item.row, context, create=False)
    if item.number and item.number in by_number:
        return by_number[item.number]
    old = rules.normalise_name(item.old_name)
    if orgs.current.get(old) or orgs.former.get(old):
        return orgs.find_name(item.old_name, item.row, context, key="old_name")
    new = rules.normalise_name(item.new_name)
    if len(orgs.current.get(new, ())) == 1:
        return orgs.by_pk[next(iter(orgs.current[new]))]
    return orgs.find_name(item.old_name, item.row, context, key="old_name")


def _parties_by_number(numbers: list[str]) -> dict[str, Org]:
    found: dict[str, Org] = {}
    for start in range(0, len(numbers), CHUNK):
        for number, pk, ident, name, region in Recognition.objects.filter(
            number__in=numbers[start : start + CHUNK]
        ).values_list(
            "number", "party_id", "party__identifier", "party__name", "party__region_code"
        ):
            found[number] = Org(pk, ident or "", name, region)
    return found


def _former_names(pks: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for start in range(0, len(pks), CHUNK):
        for pk, name in PartyName.objects.filter(
            party_id__in=pks[start : start + CHUNK]
        ).values_list("party_id", "normalised"):
            found.setdefault(pk, set()).add(name)
    return found


def write_renames(plan: RenamePlan, context: ImportContext) -> None:
    """As `services.rename`, in bulk: the old name kept, the new one current, the profile's
    matchable name with it."""
    PartyName.objects.bulk_create(
        [
            PartyName(
                party_id=org.pk,
                name=old,
                normalised=rules.normalise_name(old)[:200],
                until=item.renamed_on,
                recorded_at=context.now,
            )
            for item, org, old, _ in plan.renames
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    current = {org.pk: item.new_name for item, org, _, renames in plan.renames if renames}
    pks = sorted(pk for pk in current if pk is not None)
    parties = [Party(pk=pk, name=current[pk]) for pk in pks]
    Party.objects.bulk_update(parties, ["name"], batch_size=500)
    profiles = {
        p.party_id: p
        for start in range(0, len(pks), CHUNK)
        for p in PartyProfile.objects.filter(party_id__in=pks[start : start + CHUNK])
    }
    for pk, profile in profiles.items():
        profile.normalised_name = rules.normalise_name(current[pk])[:200]
    PartyProfile.objects.bulk_update(list(profiles.values()), ["normalised_name"], batch_size=500)
    PartyProfile.objects.bulk_create(
        [
            PartyProfile(party_id=pk, normalised_name=rules.normalise_name(current[pk])[:200])
            for pk in pks
            if pk not in profiles
        ],
        batch_size=500,
    )
    for item, org, old, _ in plan.renames:
        assert org.pk is not None
        context.event(
            "party",
            org.pk,
            org.uscc or item.new_name,
            "rename",
            old=old,
            new=item.new_name,
            on=item.renamed_on,
            number=item.number,
            row=item.row,
        )
    context.result.updated += len(plan.renames)
