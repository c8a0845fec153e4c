"""Candidate (培育库), resident-enterprise (在孵企业) and training lists, planned then written.

The same frame as recognition lists: organisations found by `Organisations`, every problem
collected first, then one transaction. Keys: a candidate is (kind, organisation, round); a
residency (carrier, resident, entry day); a training (person, day, course).

A trained person is the market's broker profile (`market.BrokerProfile`): the one holding the
row's certificate number (on the profile or on one of its trainings); without a number, the
one with exactly the row's name and organisation (工作单位, empty when the row gives none).
Several such profiles are a problem; none, a new profile without a sign-in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from techmarket.domain import entities as rules
from techmarket.domain.entity_lists import CandidateRow, ResidentRow, TrainedRow
from techmarket.entities.import_context import ImportContext
from techmarket.entities.models import Candidate, Residency
from techmarket.entities.organisations import CHUNK, Org, Organisations
from techmarket.market.models import BrokerProfile, Training

_STAGE_ORDER = ("candidate", "applied", "recognised")


def _ids(values: set[int]) -> list[list[int]]:
    ordered = sorted(values)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


# -- candidates --------------------------------------------------------------------------------


@dataclass
class CandidatePlan:
    orgs: Organisations
    new: list[tuple[CandidateRow, Org, str]] = field(default_factory=list)  # str: district
    changed: list[tuple[CandidateRow, Candidate, str]] = field(default_factory=list)  # old stage


def _stage_allowed(old: str, new: str) -> bool:
    """As `services.set_stage`: forward only, and nothing after recognised or dropped."""
    if old in ("recognised", "dropped"):
        return False
    return new == "dropped" or _STAGE_ORDER.index(new) > _STAGE_ORDER.index(old)


def plan_candidates(items: list[CandidateRow], context: ImportContext) -> CandidatePlan:
    orgs = Organisations(item.org for item in items)
    plan = CandidatePlan(orgs)
    resolved: list[tuple[CandidateRow, Org, str]] = []
    for item in items:
        org = orgs.find(item.org, item.row, context)
        if org is None:
            continue
        district = item.district or org.region
        if context.check_region(item.row, "district", district, "培育对象"):
            resolved.append((item, org, district))
    existing: dict[tuple, Candidate] = {}
    for chunk in _ids({org.pk for _, org, _ in resolved if org.pk is not None}):
        for cand in Candidate.objects.filter(party_id__in=chunk):
            existing[(cand.kind, cand.party_id, cand.round)] = cand
    seen: dict[tuple, int] = {}
    for item, org, district in resolved:
        key = (item.kind, org.pk or org.uscc, item.round)
        if key in seen:
            context.duplicate(item.row, "round", seen[key], f"“{org.name}”的培育批次 {item.round}")
            continue
        seen[key] = item.row
        stored = existing.get(key)
        if stored is None:
            if not district:
                context.check_region(item.row, "district", "", "培育对象")
                continue
            plan.new.append((item, org, district))
        elif item.stage == stored.stage or item.stage == "candidate":
            if item.note and item.note != stored.note:
                plan.changed.append((item, stored, stored.stage))
                stored.note = item.note
            else:
                context.result.skipped += 1
        elif _stage_allowed(stored.stage, item.stage):
            plan.changed.append((item, stored, stored.stage))
            stored.stage = item.stage
            if item.note:
                stored.note = item.note
        else:
            context.problem(
                item.row,
                "stage",
                "candidate_stage_not_allowed",
                f"培育对象处于“{rules.label(rules.CANDIDATE_STAGES, stored.stage)}”，不能改为"
                f"“{rules.label(rules.CANDIDATE_STAGES, item.stage)}”",
                f"a candidate at stage {stored.stage} cannot move to {item.stage}",
            )
    return plan


def write_candidates(plan: CandidatePlan, context: ImportContext) -> None:
    plan.orgs.create_new()
    plan.orgs.ensure_profiles(org for _, org, _ in plan.new)
    now = context.now
    made = Candidate.objects.bulk_create(
        [
            Candidate(
                party_id=org.pk,
                kind=item.kind,
                round=item.round,
                year=item.year,
                district=district,
                stage=item.stage,
                note=item.note,
                recorded_at=now,
                updated_at=now,
            )
            for item, org, district in plan.new
        ],
        batch_size=500,
    )
    for cand, (item, org, district) in zip(made, plan.new, strict=True):
        context.event(
            "candidate",
            cand.pk,
            org.label,
            "candidate",
            to_status=item.stage,
            kind=item.kind,
            round=item.round,
            district=district,
            row=item.row,
        )
    for item, cand, old in plan.changed:
        cand.updated_at, cand.version = now, cand.version + 1
        context.event(
            "candidate",
            cand.pk,
            item.org.uscc or item.org.name,
            "stage",
            from_status=old,
            to_status=cand.stage,
            kind=cand.kind,
            round=cand.round,
            district=cand.district,
            row=item.row,
        )
    Candidate.objects.bulk_update(
        [cand for _, cand, _ in plan.changed], ["stage", "note", "updated_at", "version"]
    )
    context.result.created += len(plan.new)
    context.result.updated += len(plan.changed)


# -- residents ---------------------------------------------------------------------------------


@dataclass
class ResidentPlan:
    orgs: Organisations
    new: list[tuple[ResidentRow, Org, Org]] = field(default_factory=list)
    changed: list[tuple[ResidentRow, Residency]] = field(default_factory=list)


def plan_residents(items: list[ResidentRow], context: ImportContext) -> ResidentPlan:
    orgs = Organisations([i.carrier for i in items] + [i.resident for i in items])
    plan = ResidentPlan(orgs)
    resolved: list[tuple[ResidentRow, Org, Org]] = []
    for item in items:
        carrier = orgs.find(item.carrier, item.row, context, key="carrier", create=False)
        resident = orgs.find(item.resident, item.row, context)
        if carrier is None or resident is None:
            continue
        if carrier is resident:
            context.problem(
                item.row,
                "name",
                "resident_is_carrier",
                "孵化载体不能孵化自身",
                "a carrier cannot be its own resident",
            )
            continue
        if context.check_region(item.row, "carrier", carrier.region, "孵化载体"):
            resolved.append((item, carrier, resident))
    existing: dict[tuple, Residency] = {}
    for chunk in _ids({carrier.pk for _, carrier, _ in resolved if carrier.pk is not None}):
        for res in Residency.objects.filter(carrier_id__in=chunk):
            existing[(res.carrier_id, res.resident_id, res.entered_on)] = res
    seen: dict[tuple, int] = {}
    for item, carrier, resident in resolved:
        key = (carrier.pk, resident.pk or resident.uscc, item.entered_on)
        if key in seen:
            context.duplicate(item.row, "entered_on", seen[key], f"在孵企业“{resident.name}”")
            continue
        seen[key] = item.row
        stored = existing.get(key)
        if stored is None:
            plan.new.append((item, carrier, resident))
        elif (stored.left_on, stored.exit_reason) == (item.left_on, item.exit_reason) or (
            item.left_on is None and stored.left_on is not None
        ):
            context.result.skipped += 1  # a list printed before the resident left
        else:
            stored.left_on, stored.exit_reason = item.left_on, item.exit_reason
            plan.changed.append((item, stored))
    return plan


def write_residents(plan: ResidentPlan, context: ImportContext) -> None:
    plan.orgs.create_new()
    plan.orgs.ensure_profiles([o for _, c, r in plan.new for o in (c, r)])
    now = context.now
    made = Residency.objects.bulk_create(
        [
            Residency(
                carrier_id=carrier.pk,
                resident_id=resident.pk,
                entered_on=item.entered_on,
                left_on=item.left_on,
                exit_reason=item.exit_reason,
                recorded_at=now,
                updated_at=now,
            )
            for item, carrier, resident in plan.new
        ],
        batch_size=500,
    )
    for res, (item, carrier, resident) in zip(made, plan.new, strict=True):
        context.event(
            "residency",
            res.pk,
            resident.label,
            "admit",
            carrier=carrier.label,
            entered_on=item.entered_on,
            left_on=item.left_on,
            reason=item.exit_reason,
            row=item.row,
        )
    for item, res in plan.changed:
        res.updated_at = now
        context.event(
            "residency",
            res.pk,
            item.resident.uscc or item.resident.name,
            "leave",
            carrier=item.carrier.uscc or item.carrier.name,
            entered_on=res.entered_on,
            left_on=res.left_on,
            reason=res.exit_reason,
            row=item.row,
        )
    Residency.objects.bulk_update(
        [res for _, res in plan.changed], ["left_on", "exit_reason", "updated_at"]
    )
    context.result.created += len(plan.new)
    context.result.updated += len(plan.changed)


# -- trained people ----------------------------------------------------------------------------


@dataclass
class Person:
    pk: int | None
    name: str
    organisation: str
    number: str
    region: str


@dataclass
class TrainedPlan:
    new_people: list[Person] = field(default_factory=list)
    new: list[tuple[TrainedRow, Person]] = field(default_factory=list)
    changed: list[tuple[TrainedRow, Training, Person]] = field(default_factory=list)


class _People:
    """The broker profiles a training list may name, by certificate and by (name, organisation)."""

    def __init__(self, items: list[TrainedRow]) -> None:
        numbers = sorted({i.number for i in items if i.number})
        names = sorted({i.name for i in items})
        self.by_number: dict[str, set[int]] = defaultdict(set)
        self.by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.people: dict[int, Person] = {}
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            for pk, number in BrokerProfile.objects.filter(
                certificate_number__in=chunk
            ).values_list("pk", "certificate_number"):
                self.by_number[number].add(pk)
            for pk, number in Training.objects.filter(certificate_number__in=chunk).values_list(
                "person_id", "certificate_number"
            ):
                self.by_number[number].add(pk)
        for start in range(0, len(names), CHUNK):
            for pk, name, org, number, regions in BrokerProfile.objects.filter(
                name__in=names[start : start + CHUNK]
            ).values_list("pk", "name", "organisation", "certificate_number", "regions"):
                self.by_name[(name, rules.normalise_name(org))].add(pk)
                self.people[pk] = Person(pk, name, org, number, regions.split(";")[0])
        missing = {pk for pks in self.by_number.values() for pk in pks} - set(self.people)
        for chunk in _ids(missing):
            for pk, name, org, number, regions in BrokerProfile.objects.filter(
                pk__in=chunk
            ).values_list("pk", "name", "organisation", "certificate_number", "regions"):
                self.people[pk] = Person(pk, name, org, number, regions.split(";")[0])
        self.new: dict[tuple[str, str], Person] = {}

    def find(self, item: TrainedRow, context: ImportContext) -> Person | None:
        pks = self.by_number.get(item.number, set()) if item.number else set()
        if not pks:
            pks = self.by_name.get((item.name, rules.normalise_name(item.organisation)), set())
        if len(pks) == 1:
            return self.people[next(iter(pks))]
        if len(pks) > 1:
            context.problem(
                item.row,
                "name",
                "ambiguous_name",
                f"“{item.name}”（{item.organisation or '未填工作单位'}）对应 {len(pks)} 位已登记人员，"
                "请填写证书编号",
                f"{len(pks)} people are recorded as {item.name} ({item.organisation}): give "
                "the certificate number",
            )
            return None
        key = (
            (item.number, "")
            if item.number
            else (item.name, rules.normalise_name(item.organisation))
        )
        person = self.new.get(key)
        if person is None:
            person = self.new[key] = Person(
                None, item.name, item.organisation, item.number, item.region
            )
        return person


def plan_trained(items: list[TrainedRow], context: ImportContext) -> TrainedPlan:
    people = _People(items)
    plan = TrainedPlan()
    resolved: list[tuple[TrainedRow, Person]] = []
    for item in items:
        person = people.find(item, context)
        if person is not None and context.check_region(
            item.row, "region", item.region or person.region, "人员"
        ):
            resolved.append((item, person))
    existing: dict[tuple, Training] = {}
    for chunk in _ids({p.pk for _, p in resolved if p.pk is not None}):
        for training in Training.objects.filter(person_id__in=chunk):
            existing[(training.person_id, training.on, training.course)] = training
    seen: dict[tuple, int] = {}
    for item, person in resolved:
        key = (person.pk or id(person), item.completed_on, item.course)
        if key in seen:
            context.duplicate(item.row, "completed_on", seen[key], f"“{item.name}”的培训记录")
            continue
        seen[key] = item.row
        stored = existing.get(key)
        values = {
            "level": item.level,
            "issuer": item.base,
            "hours": item.hours,
            "certificate_number": item.number,
            "region_code": item.region or person.region,
        }
        if stored is None:
            plan.new.append((item, person))
        else:
            changed = {k: v for k, v in values.items() if v and getattr(stored, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(stored, k, v)
                plan.changed.append((item, stored, person))
            else:
                context.result.skipped += 1
    plan.new_people = list(people.new.values())
    return plan


def write_trained(plan: TrainedPlan, context: ImportContext) -> None:
    now = context.now
    made = BrokerProfile.objects.bulk_create(
        [
            BrokerProfile(
                name=p.name,
                organisation=p.organisation,
                certificate_number=p.number,
                regions=p.region,
                created_at=now,
                updated_at=now,
            )
            for p in plan.new_people
        ],
        batch_size=500,
    )
    for profile, person in zip(made, plan.new_people, strict=True):
        person.pk = profile.pk
    trainings = Training.objects.bulk_create(
        [
            Training(
                person_id=person.pk,
                on=item.completed_on,
                course=item.course,
                hours=item.hours,
                issuer=item.base,
                level=item.level,
                certificate_number=item.number,
                region_code=item.region or person.region,
            )
            for item, person in plan.new
        ],
        batch_size=500,
    )
    for training, (item, person) in zip(trainings, plan.new, strict=True):
        context.event(
            "training",
            training.pk,
            person.name,
            "train",
            person=person.pk,
            level=item.level,
            number=item.number,
            on=item.completed_on,
            row=item.row,
        )
    Training.objects.bulk_update(
        [t for _, t, _ in plan.changed],
        ["level", "issuer", "hours", "certificate_number", "region_code"],
    )
    for item, training, person in plan.changed:
        context.event(
            "training",
            training.pk,
            person.name,
            "update",
            person=person.pk,
            level=training.level,
            number=training.certificate_number,
            on=training.on,
            row=item.row,
        )
    context.result.created += len(plan.new)
    context.result.updated += len(plan.changed)
