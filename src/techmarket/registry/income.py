"""技术性收入核定: the seller declares a year's income after performance, the agency verifies it.

Every write locks the contract row first (then the declaration), so two declarations cannot both
pass the 技术交易额 check, and appends its audit event to the same chain as the workflow steps in
the same transaction. The contract's status and version do not change: a declaration is a record
beside the contract, as an objection is. The rules are `domain.income`'s; who may act is decided
here, from the same permission checks as the workflow steps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from techmarket.domain import income as rules
from techmarket.domain.identifiers import masked_party_id
from techmarket.domain.income import IncomeAction, IncomeStatus
from techmarket.domain.problems import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.domain.workflow import Status
from techmarket.exports import income_sheet as render
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.certificates import PRINTING_ROLES, type_names
from techmarket.registry.models import Contract, IncomeDeclaration
from techmarket.registry.permissions import contract_not_found, ensure_can_act
from techmarket.registry.selectors import find_contract
from techmarket.server.rows import rows


def declare_income(
    contract_id: int,
    *,
    year: int,
    received: Decimal | str,
    technical: Decimal | str,
    note: str = "",
    actor: Actor,
    now: datetime,
) -> IncomeDeclaration:
    """The seller declares one year's amount received and, of it, the technical income."""
    with transaction.atomic():
        contract = _locked_contract(contract_id)
        ensure_can_act(actor, contract)  # out of reach reads as absent; own organisation only
        if actor.role not in rules.DECLARING_ROLES:
            raise PermissionDenied(
                "技术性收入由合同的卖方申报",
                "technical income is declared by the contract's seller",
                code="income_declared_by_seller",
            )
        received_amount, technical_income = rules.check_amounts(received, technical)
        rules.ensure_contract_takes_declarations(contract.status, contract.pk)
        rules.check_year(year, signed_on=contract.signed_on, today=timezone.localdate(now))
        standing = list(
            contract.income_declarations.filter(status__in=rules.STANDING).values_list(
                "year", "technical_income"
            )
        )
        rules.ensure_within_total_amount(received_amount, contract.total_amount)
        rules.ensure_year_free(year, (y for y, _ in standing), contract.pk)
        rules.ensure_within_tech_amount(
            technical_income, (t for _, t in standing), contract.tech_amount
        )
        declaration = IncomeDeclaration.objects.create(
            contract=contract,
            year=year,
            received_amount=received_amount,
            technical_income=technical_income,
            note=note.strip(),
            declared_by=actor.username,
            declared_at=now,
        )
        _event(declaration, contract, actor, IncomeAction.DECLARE, now, note=declaration.note)
    return declaration


def verify_income(
    declaration_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
    contract_id: int | None = None,
) -> IncomeDeclaration:
    """核定: a registrar of the contract's agency confirms the declared year as it stands.

    The 技术交易额 is checked again: an amendment may have lowered it since the declaration."""

    def check(declaration: IncomeDeclaration, contract: Contract) -> None:
        rules.ensure_contract_takes_declarations(contract.status, contract.pk)
        others = contract.income_declarations.filter(status__in=rules.STANDING).exclude(
            pk=declaration.pk
        )
        rules.ensure_within_tech_amount(
            declaration.technical_income,
            others.values_list("technical_income", flat=True),
            contract.tech_amount,
        )

    return _decide(
        declaration_id,
        IncomeAction.VERIFY,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
        contract_id=contract_id,
        check=check,
    )


def return_income(
    declaration_id: int,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None = None,
    contract_id: int | None = None,
) -> IncomeDeclaration:
    """退回: the agency sends the declaration back, saying why; the seller may declare the year
    again. Possible whatever the contract's status, so nothing is left waiting forever."""
    if not note.strip():
        raise DomainError(
            "退回技术性收入申报须说明理由",
            "returning an income declaration must say why",
            code="note_required",
            action=str(IncomeAction.RETURN),
        )
    return _decide(
        declaration_id,
        IncomeAction.RETURN,
        actor=actor,
        now=now,
        note=note,
        expected_version=expected_version,
        contract_id=contract_id,
    )


def income_of(contract_id: int | str, actor: Actor) -> list[IncomeDeclaration]:
    """Every declaration of the contract, returned ones too, by year: for anyone who may read it."""
    return declarations_of(find_contract(contract_id, actor))


def declarations_of(contract: Contract) -> list[IncomeDeclaration]:
    """`income_of` for a contract the caller has already found through `find_contract`."""
    return rows(IncomeDeclaration, where={"contract": contract.pk}, order_by=("year", "id"))


def verified_income(contract: Contract) -> list[IncomeDeclaration]:
    """The verified years, the lines a 核定表 prints."""
    return list(
        contract.income_declarations.filter(status=IncomeStatus.VERIFIED).order_by("year", "pk")
    )


def income_sheet_pdf(contract_id: int | str, actor: Actor, *, today: date | None = None) -> bytes:
    """技术性收入核定表 of the verified years, for the seller and the agencies' staff."""
    contract = find_contract(contract_id, actor)
    if actor.role not in PRINTING_ROLES:  # analysts read, but print nothing a tax office takes
        raise PermissionDenied(
            "只有卖方和登记机构可以打印技术性收入核定表",
            "only the seller and the registration agency may print the income sheet",
            code="income_sheet_not_for_role",
        )
    lines = verified_income(contract)
    if not lines:
        raise InvalidTransition(
            f"合同 {contract.pk} 尚无已核定的技术性收入，无法出具核定表",
            f"contract {contract.pk} has no verified technical income: there is no sheet to print",
            code="no_verified_income",
            contract=contract.pk,
        )
    return render.income_sheet_pdf(sheet_data(contract, lines, today or timezone.localdate()))


def sheet_data(
    contract: Contract, lines: list[IncomeDeclaration], today: date
) -> render.IncomeSheetData:
    """Everything the 核定表 prints, from the contract and its verified years."""
    contract_type, subtype = type_names(contract)
    return render.IncomeSheetData(
        registration_number=contract.registration_number or "",
        contract_name=contract.name,
        contract_type=contract_type + (f"（{subtype}）" if subtype else ""),
        seller=render.PartyLine(
            contract.seller_name, masked_party_id(contract.seller_id, contract.seller_nature)
        ),
        buyer_name=contract.buyer_name,
        signed_on=contract.signed_on,
        total_amount=contract.total_amount,
        tech_amount=contract.tech_amount,
        agency_name=contract.agency.name,
        lines=tuple(
            render.IncomeLine(
                year=line.year,
                received_amount=line.received_amount,
                technical_income=line.technical_income,
                verified_on=timezone.localdate(line.decided_at) if line.decided_at else today,
                verified_by=line.decided_by,
            )
            for line in lines
        ),
        printed_on=today,
        cancelled=contract.status == Status.CANCELLED,
    )


def _locked_contract(contract_id: int) -> Contract:
    contract = (
        # The contract row only, as the workflow steps lock it (see services._step).
        Contract.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise contract_not_found(contract_id)
    return contract


def _declaration_not_found(declaration_id: int) -> NotFound:
    return NotFound(
        f"找不到技术性收入申报 {declaration_id}",
        f"no income declaration {declaration_id}",
        code="income_declaration_not_found",
    )


def _decide(
    declaration_id: int,
    action: IncomeAction,
    *,
    actor: Actor,
    now: datetime,
    note: str,
    expected_version: int | None,
    contract_id: int | None,
    check: Callable[[IncomeDeclaration, Contract], None] | None = None,
) -> IncomeDeclaration:
    found = IncomeDeclaration.objects.filter(pk=declaration_id).values_list("contract_id").first()
    if found is None or (contract_id is not None and found[0] != contract_id):
        raise _declaration_not_found(declaration_id)
    with transaction.atomic():
        contract = _locked_contract(found[0])
        try:
            ensure_can_act(actor, contract)
        except NotFound:  # a declaration out of reach reads as absent, like its contract
            raise _declaration_not_found(declaration_id) from None
        if actor.role not in rules.DECIDING_ROLES:
            raise PermissionDenied(
                "技术性收入由合同登记机构的登记员核定或退回",
                "technical income is verified or returned by a registrar of the contract's agency",
                code="income_decided_by_agency",
            )
        declaration = IncomeDeclaration.objects.select_for_update().get(pk=declaration_id)
        if expected_version is not None and declaration.version != expected_version:
            raise StaleObject(
                f"技术性收入申报 {declaration_id} 已被修改（现为第 {declaration.version} 版，"
                f"所读为第 {expected_version} 版）；请重新读取后再操作",
                f"income declaration {declaration_id} has changed since it was read (now "
                f"version {declaration.version}, read as {expected_version}); read it again",
                code="stale_version",
                declaration=declaration_id,
                version=declaration.version,
                expected_version=expected_version,
            )
        target = rules.check_decision(action, declaration.status, declaration.pk)
        if check is not None:
            check(declaration, contract)
        declaration.status = target
        declaration.decided_by, declaration.decided_at = actor.username, now
        declaration.decision_note = note.strip()
        declaration.version += 1
        declaration.save()
        _event(declaration, contract, actor, action, now, note=declaration.decision_note)
    return declaration


def _event(
    declaration: IncomeDeclaration,
    contract: Contract,
    actor: Actor,
    action: IncomeAction,
    now: datetime,
    **extra: object,
) -> None:
    payload = {
        "declaration": declaration.pk,
        "year": declaration.year,
        "received_amount": declaration.received_amount,
        "technical_income": declaration.technical_income,
        "income_status": declaration.status,
        **extra,
    }
    audit.append(
        [
            audit.PendingEvent(
                contract.pk,
                actor.username,
                str(action),
                contract.status,  # the contract's status does not change
                contract.status,
                now,
                {k: str(v) for k, v in payload.items() if v not in (None, "")},
            )
        ]
    )
