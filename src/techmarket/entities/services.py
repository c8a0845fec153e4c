"""Writing the register one fact at a time: each change checked, saved and audited together.

Imports write many rows through `entities.importer` with the same rules; pages, the API and
the command line call these for single changes. Every function takes the actor and `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from techmarket.codes.regions import get_region
from techmarket.domain import entities as rules
from techmarket.domain import entity_lists as lists
from techmarket.domain.problems import (
    DomainError,
    InvalidTransition,
    NotFound,
    StaleObject,
    ValidationFailed,
)
from techmarket.entities import access
from techmarket.entities.audit import event, record
from techmarket.entities.models import (
    Candidate,
    PartyName,
    PartyProfile,
    PartyRegion,
    Recognition,
    Residency,
)
from techmarket.registry.actors import Actor
from techmarket.registry.models import Party


@dataclass(frozen=True)
class RecognitionFacts:
    """A recognition as a list prints it; `valid_to` only when printed."""

    kind: str
    number: str = ""
    level: str = "national"
    batch: str = ""
    notice: str = ""
    granted_on: date | None = None
    valid_to: date | None = None
    region_code: str = ""


def check_facts(facts: RecognitionFacts) -> RecognitionFacts:
    """The facts normalised, or `ValidationFailed` naming every field at fault."""
    problems = []
    if rules.kind_of(facts.kind) is None:
        raise DomainError(
            f"未知的认定类别：{facts.kind}",
            f"unknown recognition kind: {facts.kind}",
            code="unknown_entity_kind",
            kind=facts.kind,
        )
    if facts.level not in rules.LEVELS:
        raise DomainError(
            f"未知的级别：{facts.level}",
            f"unknown level: {facts.level} (national, provincial, municipal or district)",
            code="unknown_entity_level",
            level=facts.level,
        )
    number = rules.normalise_number(facts.number)
    problems += rules.check_number(facts.kind, number)
    if not number and not facts.batch:
        raise DomainError(
            "没有证书编号的认定须注明批次",
            "a recognition without a number must name its batch",
            code="recognition_needs_number_or_batch",
        )
    if facts.valid_to and facts.granted_on and facts.valid_to < facts.granted_on:
        raise DomainError(
            "有效期至早于发证日期",
            "valid_to is before granted_on",
            code="recognition_dates_reversed",
        )
    if problems:
        raise ValidationFailed(problems)
    return RecognitionFacts(
        facts.kind,
        number,
        facts.level,
        facts.batch.strip(),
        facts.notice.strip(),
        facts.granted_on,
        facts.valid_to,
        facts.region_code,
    )


def computed_valid_to(facts: RecognitionFacts) -> date | None:
    """The printed last day, else the kind's rule under the bureau's convention (settings)."""
    if facts.valid_to is not None:
        return facts.valid_to
    return rules.valid_to(
        facts.kind, facts.granted_on, facts.number, last_day=settings.HIGH_TECH_LAST_DAY
    )


def find_recognition(facts: RecognitionFacts, party: Party) -> Recognition | None:
    """The row this fact is about: by (kind, number), else (kind, organisation, batch)."""
    if facts.number:
        return Recognition.objects.filter(kind=facts.kind, number=facts.number).first()
    return Recognition.objects.filter(
        kind=facts.kind, party=party, batch=facts.batch, number=""
    ).first()


def save_recognition(
    party: Party, facts: RecognitionFacts, actor: Actor, now: datetime
) -> tuple[Recognition, bool]:
    """Record a recognition, or update the one it repeats; (row, created). Idempotent: the same
    facts again change nothing and write no event."""
    access.check_can_write(actor, party.region_code or None)
    facts = check_facts(facts)
    with transaction.atomic():
        row = find_recognition(facts, party)
        values = {
            "party": party,
            "level": facts.level,
            "batch": facts.batch,
            "notice": facts.notice,
            "granted_on": facts.granted_on,
            "valid_to": computed_valid_to(facts),
            "valid_to_printed": facts.valid_to is not None,
            "region_code": facts.region_code,
        }
        if row is None:
            row = Recognition.objects.create(
                kind=facts.kind, number=facts.number, recorded_at=now, updated_at=now, **values
            )
            record([_recognition_event(row, actor, "recognise", now, to_status=row.status)])
            return row, True
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if row.party_id != party.pk:
            raise DomainError(
                f"证书编号 {facts.number} 已属于另一单位",
                f"certificate {facts.number} belongs to another organisation",
                code="recognition_number_taken",
                number=facts.number,
            )
        if changed:
            for key, value in changed.items():
                setattr(row, key, value)
            row.updated_at, row.version = now, row.version + 1
            row.save()
            record(
                [
                    _recognition_event(
                        row,
                        actor,
                        "update",
                        now,
                        to_status=row.status,
                        fields=",".join(sorted(changed)),
                    )
                ]
            )
        return row, False


def revoke(
    recognition: Recognition,
    *,
    effective_on: date,
    reason: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Recognition:
    """Revoke a recognition from a date (which may lie in the past: revocations are
    retroactive); the counts on earlier days keep it."""
    access.check_can_write(actor, recognition.party.region_code or None)
    if not reason.strip():
        raise DomainError("撤销须说明原因", "a revocation needs a reason", code="reason_required")
    with transaction.atomic():
        row = Recognition.objects.select_for_update().get(pk=recognition.pk)
        _check_version(row.version, expected_version)
        if row.status == "revoked":
            raise InvalidTransition(
                "该认定已撤销", "the recognition is revoked already", code="already_revoked"
            )
        row.status, row.revoked_on = "revoked", effective_on
        row.updated_at, row.version = now, row.version + 1
        row.save()
        record(
            [
                _recognition_event(
                    row,
                    actor,
                    "revoke",
                    now,
                    from_status="recognised",
                    to_status="revoked",
                    effective_on=effective_on,
                    reason=reason.strip(),
                )
            ]
        )
    return row


def _recognition_event(row: Recognition, actor: Actor, action: str, now: datetime, **kw: object):
    return event(
        "recognition",
        row.pk,
        row.party,
        actor.username,
        action,
        now,
        kind=row.kind,
        number=row.number,
        batch=row.batch,
        granted_on=row.granted_on,
        **kw,
    )


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleObject(
            "记录已被他人修改，请刷新后重试",
            "the record changed since it was read; reload and try again",
            code="stale_version",
            expected=expected,
            current=current,
        )


# -- the organisation's history ----------------------------------------------------------------


def profile_of(party: Party) -> PartyProfile:
    """The party's register profile, created with its matchable name on first use."""
    profile, _ = PartyProfile.objects.get_or_create(
        party=party, defaults={"normalised_name": rules.normalise_name(party.name)}
    )
    return profile


def find_party(key: str | int) -> Party:
    """An organisation by id or credit code, wherever it is registered: a move into the
    actor's jurisdiction concerns a firm that is not yet theirs to read."""
    text = str(key).strip()
    by_key = Q(identifier=text.upper())
    if text.isdecimal() and len(text) < 12:
        by_key |= Q(pk=int(text))
    party = Party.objects.filter(by_key).order_by("pk").first() if text.isprintable() else None
    if party is None:
        raise NotFound(
            f"单位 {text} 不存在", f"no organisation {text}", code="organisation_not_found"
        )
    return party


def region_code(text: str, actor: Actor) -> str:
    """A district as a GB/T 2260 code or a name (天河区; a shared name resolves within the
    actor's jurisdiction), as the import lists accept it."""
    value = text.strip()
    if len(value) == 6 and value.isdecimal():
        return value
    code, reason = lists.resolve_region(value, access.jurisdiction(actor))
    if code is None:
        raise DomainError(
            f"无法识别的地区：{value}（请填写 GB/T 2260 代码或名称）",
            f"unknown region {value!r}: give a GB/T 2260 code or name",
            code=reason,
            region=value,
        )
    return code


def move(party: Party, region: str, *, on: date, actor: Actor, now: datetime) -> PartyRegion:
    """Record that the organisation is registered in ``region`` from ``on``: counts on later
    days follow it, earlier days keep where it was. An agency admin records moves into or out
    of their jurisdiction (`access.check_can_move`)."""
    access.check_can_move(actor, party.region_code, region)
    if get_region(region, on) is None:
        raise DomainError(
            f"地区代码 {region} 在 {on} 不是有效的 GB/T 2260 代码",
            f"{region} is no GB/T 2260 code on {on}",
            code="region_unknown",
            region=region,
        )
    with transaction.atomic():
        if not PartyRegion.objects.filter(party=party).exists() and party.region_code:
            # The region known before the first move counts from the beginning of time.
            PartyRegion.objects.create(
                party=party, region_code=party.region_code, valid_from=date.min, recorded_at=now
            )
        row, _ = PartyRegion.objects.update_or_create(
            party=party, valid_from=on, defaults={"region_code": region, "recorded_at": now}
        )
        latest = PartyRegion.objects.filter(party=party).order_by("-valid_from").first()
        if latest is not None and party.region_code != latest.region_code:
            Party.objects.filter(pk=party.pk).update(region_code=latest.region_code)
            party.region_code = latest.region_code
        record(
            [
                event(
                    "party_region", row.pk, party, actor.username, "move", now, region=region, on=on
                )
            ]
        )
    return row


def rename(party: Party, new_name: str, *, on: date, actor: Actor, now: datetime) -> Party:
    """A rename (更名公告): the old name is kept so older lists still match the firm."""
    access.check_can_write(actor, party.region_code or None)
    new_name = new_name.strip()
    if not new_name:
        raise DomainError("新名称不能为空", "the new name is blank", code="party_name_blank")
    if new_name == party.name:
        return party
    with transaction.atomic():
        old = party.name
        PartyName.objects.get_or_create(
            party=party,
            normalised=rules.normalise_name(old),
            defaults={"name": old, "until": on, "recorded_at": now},
        )
        Party.objects.filter(pk=party.pk).update(name=new_name[:200])
        party.name = new_name[:200]
        PartyProfile.objects.update_or_create(
            party=party, defaults={"normalised_name": rules.normalise_name(new_name)}
        )
        record(
            [
                event(
                    "party",
                    party.pk,
                    party,
                    actor.username,
                    "rename",
                    now,
                    old=old,
                    new=new_name,
                    on=on,
                )
            ]
        )
    return party


# -- candidates ---------------------------------------------------------------------------------

_STAGE_ORDER = ("candidate", "applied", "recognised")


def save_candidate(
    party: Party,
    *,
    kind: str,
    round_name: str,
    year: int,
    district: str,
    actor: Actor,
    now: datetime,
    stage: str = "candidate",
    note: str = "",
) -> tuple[Candidate, bool]:
    """Put an organisation on a district's potential list for a round (idempotent)."""
    access.check_can_write(actor, district)
    if stage not in rules.CANDIDATE_STAGES:
        raise DomainError(
            f"未知的培育阶段：{stage}", f"unknown stage: {stage}", code="unknown_candidate_stage"
        )
    if rules.kind_of(kind) is None:
        raise DomainError(
            f"未知的认定类别：{kind}",
            f"unknown recognition kind: {kind}",
            code="unknown_entity_kind",
        )
    with transaction.atomic():
        row, created = Candidate.objects.get_or_create(
            kind=kind,
            party=party,
            round=round_name,
            defaults={
                "year": year,
                "district": district,
                "stage": stage,
                "note": note,
                "recorded_at": now,
                "updated_at": now,
            },
        )
        if created:
            record([_candidate_event(row, actor, "candidate", now, to_status=stage)])
        elif stage != row.stage and stage != "candidate":
            return set_stage(row, stage, actor=actor, now=now), False
        return row, created


def set_stage(
    candidate: Candidate,
    stage: str,
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    recognition: Recognition | None = None,
) -> Candidate:
    """Move a candidate on (candidate → applied → recognised) or drop it from the round."""
    access.check_can_write(actor, candidate.district)
    if stage not in rules.CANDIDATE_STAGES:
        raise DomainError(
            f"未知的培育阶段：{stage}", f"unknown stage: {stage}", code="unknown_candidate_stage"
        )
    with transaction.atomic():
        row = Candidate.objects.select_for_update().select_related("party").get(pk=candidate.pk)
        _check_version(row.version, expected_version)
        if row.stage in ("recognised", "dropped") or (
            stage in _STAGE_ORDER and _STAGE_ORDER.index(stage) <= _STAGE_ORDER.index(row.stage)
        ):
            raise InvalidTransition(
                f"培育对象处于“{rules.label(rules.CANDIDATE_STAGES, row.stage)}”，不能改为"
                f"“{rules.label(rules.CANDIDATE_STAGES, stage)}”",
                f"a candidate at stage {row.stage} cannot move to {stage}",
                code="candidate_stage_not_allowed",
                stage=row.stage,
                to=stage,
            )
        previous = row.stage
        row.stage = stage
        if recognition is not None:
            row.recognition = recognition
        row.updated_at, row.version = now, row.version + 1
        row.save()
        record([_candidate_event(row, actor, "stage", now, from_status=previous, to_status=stage)])
    return row


def _candidate_event(row: Candidate, actor: Actor, action: str, now: datetime, **kw: object):
    return event(
        "candidate",
        row.pk,
        row.party,
        actor.username,
        action,
        now,
        kind=row.kind,
        round=row.round,
        district=row.district,
        **kw,
    )


# -- residents ----------------------------------------------------------------------------------


def admit_resident(
    carrier: Party, resident: Party, *, entered_on: date, actor: Actor, now: datetime
) -> tuple[Residency, bool]:
    """A resident enterprise entering an incubator or maker space (idempotent)."""
    access.check_can_write(actor, carrier.region_code or None)
    if carrier.pk == resident.pk:
        raise DomainError(
            "孵化载体不能孵化自身",
            "a carrier cannot be its own resident",
            code="resident_is_carrier",
        )
    with transaction.atomic():
        row, created = Residency.objects.get_or_create(
            carrier=carrier,
            resident=resident,
            entered_on=entered_on,
            defaults={"recorded_at": now, "updated_at": now},
        )
        if created:
            record([_residency_event(row, actor, "admit", now)])
    return row, created


def end_residency(
    residency: Residency, *, left_on: date, reason: str, actor: Actor, now: datetime
) -> Residency:
    """A resident leaving: graduated, left or failed, on a day not before it entered."""
    access.check_can_write(actor, residency.carrier.region_code or None)
    if reason not in rules.EXIT_REASONS:
        raise DomainError(
            f"未知的离孵原因：{reason}",
            f"unknown exit reason: {reason} (graduated, left or failed)",
            code="unknown_exit_reason",
        )
    if left_on < residency.entered_on:
        raise DomainError(
            "离孵日期早于入孵日期",
            "left_on is before entered_on",
            code="residency_dates_reversed",
        )
    with transaction.atomic():
        row = Residency.objects.select_for_update().get(pk=residency.pk)
        if row.left_on is not None:
            raise InvalidTransition(
                "该企业已离孵", "the resident has left already", code="residency_ended"
            )
        row.left_on, row.exit_reason, row.updated_at = left_on, reason, now
        row.save()
        record([_residency_event(row, actor, "leave", now, left_on=left_on, reason=reason)])
    return row


def _residency_event(row: Residency, actor: Actor, action: str, now: datetime, **kw: object):
    return event(
        "residency",
        row.pk,
        row.resident,
        actor.username,
        action,
        now,
        carrier=row.carrier.identifier or row.carrier.name,
        entered_on=row.entered_on,
        **kw,
    )


def get_recognition(pk: int) -> Recognition:
    row = Recognition.objects.select_related("party").filter(pk=pk).first()
    if row is None:
        raise NotFound(
            f"认定记录 {pk} 不存在", f"no recognition {pk}", code="recognition_not_found", id=pk
        )
    return row
