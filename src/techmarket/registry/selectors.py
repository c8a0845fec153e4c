"""Reads: contracts for export and display, always through the permission filter."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import datetime

from django.db.models import QuerySet

from techmarket.accounts.models import Agency, Profile
from techmarket.codes.lists import code_list
from techmarket.codes.regions import is_within
from techmarket.domain.identifiers import masked_party_id
from techmarket.domain.objections import ObjectionStatus
from techmarket.domain.problems import NotFound
from techmarket.domain.workflow import REGISTRAR_ROLES, Role, Status
from techmarket.registry.actors import Actor
from techmarket.registry.models import AuditEvent, Contract, ContractVersion, Objection, Party
from techmarket.registry.permissions import (
    can_view,
    contract_not_found,
    may_see_personal_ids,
    sees_personal_ids_of_agency,
    visible_contracts,
)
from techmarket.registry.records import EXPORT_KEYS, row_from_contract, row_from_values
from techmarket.registry.risk import may_see_signals, signals_of
from techmarket.server.rows import linked, rows


def agency_by_code(code: str) -> Agency:
    # A code that cannot be one (a NUL or other control character, which PostgreSQL refuses
    # even to compare) is simply not found.
    agency = Agency.objects.filter(code=code).first() if code.isprintable() else None
    if agency is None:
        known = ", ".join(Agency.objects.values_list("code", flat=True)[:20]) or "（尚无机构）"
        raise NotFound(
            f"登记机构 {code} 不存在；已有：{known}", f"no agency {code}", code="agency_not_found"
        )
    return agency


def export_rows(
    actor: Actor,
    *,
    year: int | None = None,
    status: str | None = None,
    agency_code: str | None = None,
) -> Iterator[dict[str, str]]:
    """Stream the rows the actor may read in the public record format, oldest first.

    Personal ID numbers are masked except for the operator (whose export must import back
    exactly) and the registrars of the contract's own agency.
    """
    contracts = visible_contracts(actor)
    if year is not None:
        contracts = contracts.filter(registered_on__year=year)
    if status:
        contracts = contracts.filter(status=status)
    if agency_code:
        contracts = contracts.filter(agency__code=agency_code)
    return export_selected(actor, contracts)


def export_selected(actor: Actor, contracts: QuerySet[Contract]) -> Iterator[dict[str, str]]:
    """`export_rows` of a selection (a list page's filters, `contract_list.filtered`), oldest
    first, masked the same way; the permission filter applies again whatever the selection."""
    contracts = visible_contracts(actor, contracts).order_by("pk")
    full_export = actor.role is Role.OPERATOR
    columns = [k for k in EXPORT_KEYS if k != "agency_code"]
    for values in contracts.values(*columns, "agency_id", "agency__code").iterator(chunk_size=5000):
        values["agency_code"] = values.pop("agency__code")
        agency_id = values.pop("agency_id")
        row = row_from_values(values)
        if not (full_export or sees_personal_ids_of_agency(actor, agency_id)):
            _mask_parties(row)
        yield row


def _mask_parties(row: dict[str, str]) -> None:
    for side in ("seller", "buyer"):
        row[f"{side}_id"] = masked_party_id(row[f"{side}_id"], row[f"{side}_nature"])


def find_contract(id_or_number: str | int, actor: Actor) -> Contract:
    """A contract by id or registration number, if the actor may read it (else: not found)."""
    key = str(id_or_number)
    # A registration number wins over an id. Prepared queries (`server.rows`): every contract
    # page and API read starts here, and compiling the ORM's query cost more than running it.
    found = rows(Contract, where={"registration_number": key})
    contract: Contract | None = None
    if found:
        contract, agency = found[0], rows(Agency, where={"id": found[0].agency_id})[0]
    elif key.isdecimal() and len(key) < 12:
        pair = linked(Contract, pk=int(key), links=((Agency, "id", "agency"),))
        if pair is not None:
            contract, agency = pair
    if contract is not None:
        contract._state.fields_cache["agency"] = agency
    if contract is None or not can_view(actor, contract):
        raise contract_not_found(key)  # the key asked for: out of reach reads as absent
    return contract


def contract_by_number(number: str) -> Contract | None:
    """The contract holding this registration number, whoever asks: for services that link a
    contract someone names by its number (a lead's registration step) and check their own
    rule on it. Not for showing a contract: use `find_contract`, which filters by the actor."""
    number = number.strip()
    if not number or not number.isprintable():
        return None
    return Contract.objects.select_related("agency").filter(registration_number=number).first()


def contract_record(contract: Contract, actor: Actor) -> dict[str, str]:
    """The contract's public record, personal IDs masked unless the actor must check them."""
    record = row_from_contract(contract)
    if not may_see_personal_ids(actor, contract):
        _mask_parties(record)
    return record


def contract_detail(
    id_or_number: str | int, actor: Actor, *, with_events: bool = True
) -> dict[str, object]:
    """The contract as the actor may see it; `with_events` adds its whole audit history."""
    contract = find_contract(id_or_number, actor)
    record = contract_record(contract, actor)
    detail: dict[str, object] = {
        "id": contract.pk,
        "status": contract.status,
        "version": contract.version,
        "registration_number": contract.registration_number,
        "registered_on": contract.registered_on.isoformat() if contract.registered_on else None,
        "deadline": contract.deadline.isoformat() if contract.deadline else None,
        "is_large": contract.is_large,
        "rule_set": contract.rule_set,
        "agency": contract.agency.code,
        "vat_exempt": contract.vat_exempt,
        "income_tax_transfer": contract.income_tax_transfer,
        "risk_flags": contract.risk_flags,
        "refusal_reason": contract.refusal_reason or None,
        "refusal_reason_name": _refusal_name(contract.refusal_reason),
        "note": contract.note or None,
        "record": record,
        "certificates": [
            {
                "verification_code": c.verification_code,
                "issued_at": c.issued_at.isoformat(),
                "superseded_at": c.superseded_at.isoformat() if c.superseded_at else None,
                "tech_amount": f"{c.tech_amount:.2f}",
                "total_amount": f"{c.total_amount:.2f}",
            }
            for c in contract.certificates.order_by("pk")
        ],
    }
    # Risk signals are for agency staff; for anyone else the key holds null, not an empty list.
    detail["signals"] = signals_of(contract, actor) if may_see_signals(actor) else None
    if with_events:
        detail["events"] = contract_events(contract)
    return detail


def contract_events(contract: Contract) -> list[dict[str, object]]:
    """The contract's audit history, oldest first."""
    return [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor,
            "payload": e.payload,
        }
        for e in rows(AuditEvent, where={"contract": contract.pk}, order_by=("seq",))
    ]


def _refusal_name(code: str) -> str | None:
    """The refusal reason's Chinese name, as printed on the refusal notice."""
    if not code:
        return None
    found = code_list("refusal_reasons").get(code)
    return found.name if found else code


def agencies() -> list[Agency]:
    """All registration agencies with their parents, by code (public reference data)."""
    return list(Agency.objects.select_related("parent").order_by("code"))


def open_objection(contract: Contract) -> Objection | None:
    """The contract's objection under re-check (异议复核中), if any: at most one is open.

    For the public verify page show only that a re-check is under way and since when
    (`OBJECTION_STATUS_LABELS[OPEN]`, `raised_at`), never the objector or the reason.
    """
    found = rows(
        Objection,
        where={"contract": contract.pk, "status": ObjectionStatus.OPEN.value},
        order_by=("id",),
    )
    return found[0] if found else None


def correction_request(contract: Contract) -> dict[str, object] | None:
    """The registrar's latest correction request (补正) while the contract waits for it: the
    note and the record fields at fault, for the seller's correction form."""
    if contract.status != Status.CORRECTION_REQUESTED:
        return None
    event = contract.events.filter(action="request_correction").order_by("-seq").first()
    if event is None:
        return None
    payload = event.payload or {}
    return {
        "note": payload.get("note", contract.note),
        "fields": [f for f in str(payload.get("fields", "")).split(",") if f],
        "at": event.at,
        "actor": event.actor,
    }


def content_changes(contract: Contract, actor: Actor) -> list[dict[str, object]]:
    """Each corrected or amended version against the one before it: the fields that changed,
    old and new value (personal IDs masked as on the contract page), oldest first."""
    versions = rows(ContractVersion, where={"contract": contract.pk}, order_by=("number",))
    masked = not may_see_personal_ids(actor, contract)
    changes: list[dict[str, object]] = []
    for before, after in itertools.pairwise(versions):
        old, new = dict(before.content), dict(after.content)
        if masked:
            _mask_parties(old)
            _mask_parties(new)
        fields = [
            {"field": key, "before": old.get(key, ""), "after": new.get(key, "")}
            for key in new
            if old.get(key, "") != new.get(key, "")
        ]
        changes.append(
            {
                "number": after.number,
                "reason": after.reason,
                "at": after.created_at,
                "actor": after.actor,
                "fields": fields,
            }
        )
    return changes


def changed_fields(contract: Contract, actor: Actor, sent: Mapping[str, str]) -> dict[str, str]:
    """The record fields a form changed: those whose sent value differs from what the actor
    was shown. A masked personal ID sent back as shown is no change, so the stored number
    stays (a seller never sees, and so never re-sends, the full number)."""
    shown = contract_record(contract, actor)
    return {k: v for k, v in sent.items() if k in shown and v != shown[k]}


def record_with_changes(contract: Contract, changes: Mapping[str, str]) -> dict[str, str]:
    """The full stored record with the changes laid over it: what a correction or an
    amendment submits. Server-side only; never shown (it holds unmasked IDs)."""
    return {**row_from_contract(contract), **changes}


def organisation_of(actor: Actor) -> Party | None:
    """The seller organisation the actor acts for (None for agency staff)."""
    if actor.role is not Role.SELLER or actor.party_id is None:
        return None
    return Party.objects.filter(pk=actor.party_id).first()


def organisation_members(party: Party) -> list[Profile]:
    """The people who act for an organisation, by username."""
    return list(
        Profile.objects.filter(party=party).select_related("user").order_by("user__username")
    )


def new_organisations(actor: Actor, since: datetime) -> list[Profile]:
    """Seller organisations that signed up since `since` in the actor's jurisdiction (the
    agency sees them as new): their first user's profile, newest first."""
    if actor.role not in REGISTRAR_ROLES or actor.agency is None:
        return []
    region = actor.agency.region_code
    profiles = (
        Profile.objects.filter(role=Role.SELLER, user__date_joined__gte=since)
        .exclude(party=None)
        .select_related("party", "user")
        .order_by("-user__date_joined")
    )
    seen: set[int] = set()
    found = []
    for profile in profiles[:500]:
        party = profile.party
        if party.pk not in seen and party.region_code and is_within(party.region_code, region):
            seen.add(party.pk)
            found.append(profile)
    return found


def flag_texts(contract: Contract) -> list[tuple[str, str]]:
    """The contract's flags as a registrar reads them: the risk flags by their names, the
    recognition warnings with their own messages (recognised again from the stored record)."""
    from techmarket.domain.recognition import RISK_FLAG_LABELS, recognise
    from techmarket.domain.record import parse_record

    flags = list(contract.risk_flags or [])
    texts = [RISK_FLAG_LABELS[f] for f in flags if f in RISK_FLAG_LABELS]
    others = [f for f in flags if f not in RISK_FLAG_LABELS]
    if others:
        record, _ = parse_record(row_from_contract(contract), 1)
        found: dict[str, tuple[str, str]] = {}
        if record is not None:
            applied = contract.applied_on or contract.signed_on
            recognition = recognise(
                record, agency_region=contract.agency.region_code, applied_on=applied
            )
            found = {p.code: (p.message, p.message_en) for p in recognition.problems}
        texts += [found.get(code, (code, code)) for code in others]
    return texts
