"""Every write to a contract: one function per workflow step, called by CLI, web and API alike.

Each step locks the contract, asks the domain's transition table whether the move is legal for
this actor, applies it and appends the audit event, all in one transaction.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from techmarket.accounts.models import Agency
from techmarket.codes.lists import code_list
from techmarket.codes.workdays import WorkingCalendar
from techmarket.domain.fields import RECORD_FIELDS
from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
    has_errors,
)
from techmarket.domain.recognition import Recognition, recognise
from techmarket.domain.record import ContractRecord
from techmarket.domain.workflow import Action, Role, Status, check_transition
from techmarket.registry import audit, numbers, objections, rules
from techmarket.registry.actors import Actor
from techmarket.registry.models import (
    AuditEvent,
    CalendarOverride,
    Certificate,
    Contract,
    ContractVersion,
    Party,
)
from techmarket.registry.parties import find_party, get_or_create_party
from techmarket.registry.permissions import contract_not_found, ensure_can_act, ensure_can_object
from techmarket.registry.records import contract_fields, row_from_contract
from techmarket.server.rows import linked, rows
from techmarket.server.writes import insert_row, update_columns

RECORD_KEYS = [f.key for f in RECORD_FIELDS]
_CONTRACTS = Contract._meta.db_table


def working_calendar() -> WorkingCalendar:
    """The package calendar corrected by the admins' overrides, as stored now: for every
    deadline that is computed to be kept."""
    overrides = list(CalendarOverride.objects.values_list("day", "is_working_day"))
    return WorkingCalendar(
        extra_holidays=[d for d, working in overrides if not working],
        extra_workdays=[d for d, working in overrides if working],
    )


# What pages show ("3 working days left", "due within 2 working days") may use the calendar as
# this process read it up to this many seconds ago: every page asked for it, once or twice. A
# deadline that is stored never does (`working_calendar`), and a change made in this process
# is seen at once (`forget_recent_calendar`).
RECENT_CALENDAR_SECONDS = 10.0
_recent_calendar: dict[str, tuple[float, WorkingCalendar]] = {}


def recent_working_calendar() -> WorkingCalendar:
    """The working calendar as read at most RECENT_CALENDAR_SECONDS ago, for display only."""
    read = _recent_calendar.get("calendar")
    now = time.monotonic()
    if read is None or now - read[0] > RECENT_CALENDAR_SECONDS:
        read = (now, working_calendar())
        _recent_calendar["calendar"] = read
    return read[1]


def forget_recent_calendar() -> None:
    _recent_calendar.clear()


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def _recognise(record: ContractRecord, agency: Agency, applied_on: date) -> Recognition:
    recognition = recognise(record, agency_region=agency.region_code, applied_on=applied_on)
    if has_errors(recognition.problems):
        raise ValidationFailed(recognition.problems)
    return recognition


def _apply_recognition(contract: Contract, recognition: Recognition) -> None:
    contract.rule_set = recognition.rule_set.version
    contract.is_large = rules.is_large(contract.agency, contract.tech_amount, recognition.rule_set)
    contract.vat_exempt = recognition.vat_exempt
    contract.income_tax_transfer = recognition.income_tax_transfer
    contract.risk_flags = sorted({*recognition.risk_flags, *(p.code for p in recognition.problems)})


def _deadline(contract: Contract, start: date) -> date:
    """Review limit from the agency's settings or the rule set in force on the application date."""
    from techmarket.domain.rulesets import rule_set_for

    rules = rule_set_for(contract.applied_on or start)
    agency = contract.agency
    if contract.is_large:
        days = agency.large_review_limit_days or rules.large_review_limit_days
    else:
        days = agency.review_limit_days or rules.review_limit_days
    if rules.limit_in_working_days:
        return working_calendar().add_working_days(start, days)
    return start + timedelta(days=days)


def _snapshot(contract: Contract, reason: str, actor: Actor, now: datetime) -> None:
    with connection.cursor() as cursor:  # fixed SQL: run inside the write lock
        cursor.execute(
            f'SELECT COUNT(*) FROM "{ContractVersion._meta.db_table}" WHERE contract_id = %s',
            [contract.pk],
        )
        number = cursor.fetchone()[0] + 1
    insert_row(
        ContractVersion(
            contract=contract,
            number=number,
            reason=reason,
            content=row_from_contract(contract),
            created_at=now,
            actor=actor.username,
        )
    )


def _event(
    contract: Contract,
    actor: Actor,
    action: Action | str,
    from_status: str,
    now: datetime,
    **payload: object,
) -> None:
    audit.append(
        [
            audit.PendingEvent(
                contract.pk,
                actor.username,
                str(action),
                from_status,
                contract.status,
                now,
                {k: str(v) for k, v in payload.items() if v not in (None, "")},
            )
        ]
    )


def create_draft(
    record: ContractRecord, *, agency: Agency, actor: Actor, now: datetime
) -> Contract:
    """A seller's new application, not yet submitted; parties are created or reused."""
    if actor.role not in (Role.SELLER, Role.OPERATOR):
        raise PermissionDenied(
            "只有卖方可以起草合同", "only a seller drafts contracts", code="only_seller_drafts"
        )
    outside = [
        p
        for p in recognise(
            record, agency_region=agency.region_code, applied_on=_today(now)
        ).problems
        if p.code == "seller_outside_jurisdiction"
    ]
    if outside:
        raise ValidationFailed(outside)  # apply where the seller is, not at this agency
    # What can be read before the write transaction is: on SQLite it holds the database's one
    # write lock, which every other writer waits for. A duplicate that appears in between is
    # stopped by the unique constraints and reported as the same conflict.
    seller, buyer = find_party(record, "seller"), find_party(record, "buyer")
    if seller is not None:
        _refuse_foreign_seller(actor, seller)
        _refuse_duplicate(seller.pk, record)
    try:
        with transaction.atomic():
            if seller is None:
                seller = get_or_create_party(record, "seller")
                _refuse_foreign_seller(actor, seller)
                _refuse_duplicate(seller.pk, record)
            buyer = buyer or get_or_create_party(record, "buyer")
            contract = Contract(
                agency=agency,
                seller_party=seller,
                buyer_party=buyer,
                fingerprint=record.fingerprint(),
                status=Status.DRAFT,
                created_at=now,
                updated_at=now,
                **contract_fields(record),
            )
            insert_row(contract)
            _event(contract, actor, "create", "", now)
    except IntegrityError:
        if seller is not None:
            _refuse_duplicate(seller.pk, record)
        raise
    return contract


def _refuse_foreign_seller(actor: Actor, seller: Party) -> None:
    if actor.role is Role.SELLER and actor.party_id != seller.pk:
        raise PermissionDenied(
            "合同的卖方必须是本单位",
            "the seller must be your own organisation",
            code="seller_not_own_organisation",
        )


def _refuse_duplicate(
    seller_id: int, record: ContractRecord, *, besides: int | None = None
) -> None:
    """One contract per seller and external_id (or, without one, per content), as imports."""
    where, exclude = rules.same_contract_where(seller_id, record.external_id, record.fingerprint())
    same = [
        (contract.pk, contract.status)
        for contract in rows(Contract, where=where, exclude=exclude)
        if contract.pk != besides
    ]
    if record.external_id:
        what_zh, what_en = f"合同编号 {record.external_id}", f"external_id {record.external_id}"
    else:
        what_zh, what_en = "相同内容", "the same content"
    existing = min(same, default=None)
    if existing is not None:
        raise Conflict(
            f"本单位已有{what_zh}的合同（合同 {existing[0]}，状态 {existing[1]}）；"
            "请查看该合同，或为新合同使用另一个合同编号",
            f"your organisation already has a contract with {what_en} (contract {existing[0]}, "
            f"{existing[1]}); see it, or give the new contract another external_id",
            code="duplicate_contract",
            contract=existing[0],
        )


def _step(
    contract_id: int,
    action: Action,
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    change: Callable[[Contract], dict[str, object]] | None = None,
    permit: Callable[[Actor, Contract], None] = ensure_can_act,
) -> Contract:
    # Read before the write transaction (on SQLite it holds the database's one write lock);
    # inside it, the row's version, locked, says whether that reading still stands: every
    # change of a contract goes through here and raises its version.
    contract = _contract_for_step(contract_id, lock=False)
    with transaction.atomic():
        if contract is None or _locked_version(contract_id) != contract.version:
            contract = _contract_for_step(contract_id, lock=True)
        if contract is None:
            raise contract_not_found(contract_id)
        permit(actor, contract)
        if expected_version is not None and contract.version != expected_version:
            raise StaleObject(
                f"合同 {contract_id} 已被修改（现为第 {contract.version} 版，"
                f"所读为第 {expected_version} 版）；请重新读取后再操作",
                f"contract {contract_id} has changed since it was read (now version "
                f"{contract.version}, read as {expected_version}); read it again",
                code="stale_version",
                contract=contract_id,
                version=contract.version,
                expected_version=expected_version,
            )
        from_status = contract.status
        new_status = check_transition(action, from_status, actor.role, is_large=contract.is_large)
        before = _stored_values(contract)
        payload = change(contract) if change else {}
        contract.status = new_status
        contract.version += 1
        contract.updated_at = now
        update_columns(contract, _changed_fields(contract, before))
        _event(contract, actor, action, from_status, now, **payload)
    return contract


def _contract_for_step(contract_id: int, *, lock: bool) -> Contract | None:
    if not lock:
        # Prepared (server.rows): every workflow step starts here, and compiling the ORM's
        # query cost more than running it.
        found = linked(Contract, pk=contract_id, links=((Agency, "id", "agency"),))
        if found is None:
            return None
        contract, agency = found
        contract._state.fields_cache["agency"] = agency
        return contract  # type: ignore[return-value]
    # The contract row only. FOR UPDATE would also lock the joined agency row, which every new
    # contract's foreign-key check at commit needs to share: a step holding the agency and a
    # draft holding the audit head deadlocked on PostgreSQL.
    contracts = Contract.objects.select_related("agency").select_for_update(of=("self",))
    return contracts.filter(pk=contract_id).first()


def _locked_version(contract_id: int) -> int | None:
    """The contract's version, its row locked until the transaction ends (plain SQL: it runs
    inside the write lock, where the ORM's building of a query costs more than the query)."""
    lock = f' FOR UPDATE OF "{_CONTRACTS}"' if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT version FROM "{_CONTRACTS}" WHERE id = %s{lock}', [contract_id])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _stored_values(contract: Contract) -> dict[str, object]:
    """The contract's column values, copied deep enough that a change in place shows."""
    return {
        field.attname: copy.deepcopy(getattr(contract, field.attname))
        for field in Contract._meta.concrete_fields
        if not field.primary_key
    }


def _changed_fields(contract: Contract, before: dict[str, object]) -> list[str]:
    """The columns a step changed, so that its UPDATE writes only them.

    A full-row UPDATE rewrites every index entry of the row and fires the text index's
    trigger (the names are in the SET list) for a step that changed only the status.
    """
    return [name for name, value in before.items() if getattr(contract, name) != value]


def edit_draft(
    contract_id: int,
    changes: Mapping[str, object],
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Contract:
    """The seller changes fields of a draft; the whole record is checked again, as at import."""
    from techmarket.domain.record import parse_record

    def change(contract: Contract) -> dict[str, object]:
        record, problems = parse_record({**row_from_contract(contract), **changes}, 1)
        if record is None:
            raise ValidationFailed(problems)
        seller = get_or_create_party(record, "seller")
        if seller.pk != contract.seller_party_id:
            raise DomainError(
                "草稿不能更换卖方；卖方不同的合同须另行起草",
                "a draft cannot change its seller; draft another contract for another seller",
                code="seller_change_not_allowed",
            )
        _refuse_duplicate(seller.pk, record, besides=contract.pk)
        contract.buyer_party = get_or_create_party(record, "buyer")
        for key, value in contract_fields(record).items():
            setattr(contract, key, value)
        contract.fingerprint = record.fingerprint()
        return {"fields": ",".join(sorted(changes))}

    return _step(
        contract_id,
        Action.EDIT,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def submit(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    def change(contract: Contract) -> dict[str, object]:
        applied_on = _today(now)
        record = record_of(contract)
        _apply_recognition(contract, _recognise(record, contract.agency, applied_on))
        contract.applied_on = applied_on
        _snapshot(contract, "submitted", actor, now)
        return {"rule_set": contract.rule_set}

    return _step(
        contract_id,
        Action.SUBMIT,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def accept(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    def change(contract: Contract) -> dict[str, object]:
        today = _today(now)
        contract.accepted_on = contract.clock_started_on = today
        contract.deadline = _deadline(contract, today)
        return {"deadline": contract.deadline}

    return _step(
        contract_id,
        Action.ACCEPT,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def _require_note(note: str, action: Action, zh: str, en: str) -> None:
    """Steps whose explanation is kept (and printed on a notice) refuse a blank one."""
    if not note.strip():
        raise DomainError(zh, en, code="note_required", action=str(action))


def request_correction(
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    fields: Sequence[str] = (),
    expected_version: int | None = None,
) -> Contract:
    """补正: the clock stops; `fields` names the record fields at fault (contract-format keys),
    which the seller's correction form highlights."""
    _require_note(
        note,
        Action.REQUEST_CORRECTION,
        "要求补正时须说明需补正的内容",
        "a correction request must say what is to be corrected",
    )
    unknown = [f for f in fields if f not in RECORD_KEYS]
    if unknown:
        raise DomainError(
            f"不是合同登记表的字段：{', '.join(unknown)}",
            f"not fields of the contract record: {', '.join(unknown)}",
            code="unknown_record_field",
            field="fields",
        )
    at_fault = sorted(set(fields), key=RECORD_KEYS.index)

    def change(contract: Contract) -> dict[str, object]:
        contract.note = note
        contract.deadline = None  # the clock stops until the corrected material arrives
        # Audit payloads hold text: the fields as "buyer_name,tech_amount", as an edit does.
        return {"note": note, "fields": ",".join(at_fault)}

    return _step(
        contract_id,
        Action.REQUEST_CORRECTION,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def resubmit(
    contract_id: int,
    record: ContractRecord,
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Contract:
    """Corrected content arrives: it replaces the old (kept as a version) and the clock restarts."""

    def change(contract: Contract) -> dict[str, object]:
        _replace_content(contract, record, actor, now, "corrected")
        today = _today(now)
        contract.clock_started_on = today
        contract.deadline = _deadline(contract, today)
        return {"deadline": contract.deadline}

    return _step(
        contract_id,
        Action.RESUBMIT,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def start_review(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    return _step(
        contract_id, Action.START_REVIEW, actor=actor, now=now, expected_version=expected_version
    )


def send_to_second_review(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    def change(contract: Contract) -> dict[str, object]:
        contract.reviewed_by = actor.username
        return {}

    return _step(
        contract_id,
        Action.SEND_TO_SECOND_REVIEW,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def register(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    """Register: a gap-free number for the agency and year, and a certificate."""

    def change(contract: Contract) -> dict[str, object]:
        if contract.status == Status.SECOND_REVIEW and actor.username in _first_reviewers(contract):
            raise PermissionDenied(
                "二次审核须由未参与初审的另一名登记员完成",
                "second review must be done by a registrar who took no part in the first review",
                code="second_reviewer_same_as_first",
            )
        today = _today(now)
        contract.registration_number = numbers.issue(contract.agency, today.year)
        contract.registered_on = contract.decided_on = today
        contract.deadline = None  # decided: the review clock has stopped
        _issue_certificate(contract, now)
        return {"registration_number": contract.registration_number}

    return _step(
        contract_id,
        Action.REGISTER,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def refuse(
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Contract:
    """不予登记 with a coded reason (R01…R10) and the text printed on the refusal notice."""
    _require_note(
        note,
        Action.REFUSE,
        "不予登记须填写具体理由说明（将打印在不予登记通知上）",
        "a refusal needs an explanation: it is printed on the refusal notice",
    )
    reasons = code_list("refusal_reasons")
    code = reasons.resolve(reason)
    if code is None:
        known = ", ".join(c.code for c in reasons)
        raise DomainError(
            f"不予登记理由代码无效：{reason}（可用：{known}）",
            f"unknown refusal reason {reason} (use one of: {known})",
            code="unknown_refusal_reason",
            reason=reason,
        )

    def change(contract: Contract) -> dict[str, object]:
        contract.refusal_reason, contract.note = code, note
        contract.decided_on = _today(now)
        contract.deadline = None
        return {"reason": code, "note": note}

    return _step(
        contract_id,
        Action.REFUSE,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def amend(
    contract_id: int,
    record: ContractRecord,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None = None,
) -> Contract:
    """变更登记: new content under the same number; the old certificate is superseded."""
    _require_note(
        note, Action.AMEND, "变更登记须说明变更内容", "an amendment must say what it changes"
    )

    def change(contract: Contract) -> dict[str, object]:
        closed = objections.close_if_correcting(contract, actor, now, Action.AMEND, note)
        was_large = contract.is_large
        _replace_content(contract, record, actor, now, "amended")
        if contract.is_large and not was_large:
            raise InvalidTransition(
                "变更后技术交易额达到大额合同门槛，须经二次审核：请注销本登记并重新申请",
                "the amendment makes this a large contract, which needs a second review: "
                "cancel this registration and apply anew",
                code="amendment_makes_large",
                action=str(Action.AMEND),
                status=contract.status,
            )
        _supersede_certificates(contract, now)
        _issue_certificate(contract, now)
        contract.note = note
        return {
            "note": note,
            "total_amount": contract.total_amount,
            "tech_amount": contract.tech_amount,
            **closed,
        }

    return _step(
        contract_id,
        Action.AMEND,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def cancel(
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None = None,
) -> Contract:
    """注销登记: the number stays taken; the certificate is superseded."""
    _require_note(
        note, Action.CANCEL, "注销登记须说明理由", "a cancellation must say why it is made"
    )

    def change(contract: Contract) -> dict[str, object]:
        closed = objections.close_if_correcting(contract, actor, now, Action.CANCEL, note)
        contract.note = note
        _supersede_certificates(contract, now)
        return {"note": note, **closed}

    return _step(
        contract_id,
        Action.CANCEL,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def object_to(
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    reason: str,
    expected_version: int | None = None,
) -> Contract:
    """异议: the seller, or staff of a supervising agency, object to a registration; it stays
    registered while a registrar who took no part in it re-checks (复核)."""
    if not reason.strip():
        raise DomainError(
            "提出异议须说明理由",
            "an objection must give its reason",
            code="reason_required",
            action=str(Action.OBJECT),
        )

    def change(contract: Contract) -> dict[str, object]:
        objection = objections.raise_objection(contract, actor, now, reason)
        return {"objection": objection.pk, "reason": reason}

    return _step(
        contract_id,
        Action.OBJECT,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
        permit=ensure_can_object,
    )


def uphold_objection(
    contract_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None = None,
) -> Contract:
    """复核维持: the re-check finds the registration right; the objection closes as upheld.
    (A re-check that finds it wrong corrects it with `amend` or `cancel` instead.)"""
    _require_note(
        note,
        Action.UPHOLD_OBJECTION,
        "复核维持登记须说明复核意见",
        "upholding a registration on re-check must give the re-check's findings",
    )

    def change(contract: Contract) -> dict[str, object]:
        return {**objections.uphold(contract, actor, now, note), "note": note}

    return _step(
        contract_id,
        Action.UPHOLD_OBJECTION,
        actor=actor,
        now=now,
        expected_version=expected_version,
        change=change,
    )


def withdraw(
    contract_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None
) -> Contract:
    return _step(
        contract_id, Action.WITHDRAW, actor=actor, now=now, expected_version=expected_version
    )


def record_of(contract: Contract) -> ContractRecord:
    """The contract's content as a validated domain record."""
    from techmarket.domain.record import parse_record

    record, problems = parse_record(row_from_contract(contract), 1)
    if record is None:
        raise ValidationFailed(problems)
    return record


def _replace_content(
    contract: Contract, record: ContractRecord, actor: Actor, now: datetime, reason: str
) -> None:
    seller = get_or_create_party(record, "seller")
    if seller.pk != contract.seller_party_id:
        raise DomainError(
            "补正或变更不能更换卖方；卖方不同的合同须重新申请",
            "a correction or amendment cannot change the seller; apply anew for another seller",
            code="seller_change_not_allowed",
        )
    contract.buyer_party = get_or_create_party(record, "buyer")
    if not contract.versions.exists():
        _snapshot(contract, "original", actor, now)
    for key, value in contract_fields(record).items():
        setattr(contract, key, value)
    contract.fingerprint = record.fingerprint()
    _apply_recognition(
        contract, _recognise(record, contract.agency, contract.applied_on or _today(now))
    )
    _snapshot(contract, reason, actor, now)


def _first_reviewers(contract: Contract) -> set[str]:
    """Who started or forwarded the first review: none of them may do the second."""
    events = AuditEvent.objects.filter(contract_id=contract.pk)
    # Only this round's: a resubmission after correction starts the review afresh.
    round_from = (
        events.filter(action=str(Action.RESUBMIT)).order_by("-seq").values_list("seq", flat=True)
    ).first() or 0
    found = audit.actors_of(
        contract.pk, (Action.START_REVIEW, Action.SEND_TO_SECOND_REVIEW), after_seq=round_from
    )
    return found | ({contract.reviewed_by} if contract.reviewed_by else set())


def _issue_certificate(contract: Contract, now: datetime) -> None:
    Certificate.objects.create(
        contract=contract,
        registration_number=contract.registration_number or "",
        verification_code=secrets.token_hex(8).upper(),
        total_amount=contract.total_amount,
        tech_amount=contract.tech_amount,
        issued_at=now,
    )


def _supersede_certificates(contract: Contract, now: datetime) -> None:
    contract.certificates.filter(superseded_at__isnull=True).update(superseded_at=now)
