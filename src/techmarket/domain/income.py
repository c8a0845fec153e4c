"""技术性收入核定: the rules for income a seller reports after performance, and its verification.

After performance the seller's finance department declares, per year, what the contract brought
in and how much of it is technical income (技术性收入); the contract's own agency verifies
(核定) or returns the declaration. Verified technical income is the basis for tax incentives
and for the 技术交易奖酬金, so the declared years together may not exceed the 技术交易额 the
agency recognised. A declaration is a record beside the contract: the contract's status does not
change. Pure Python: the registry applies these rules inside its transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum

from techmarket.domain.money import AmountError, format_yuan, parse_amount
from techmarket.domain.problems import Conflict, DomainError, InvalidTransition
from techmarket.domain.workflow import REGISTRAR_ROLES, Role, Status


class IncomeStatus(StrEnum):
    DECLARED = "declared"  # waiting for the agency
    VERIFIED = "verified"  # 已核定: printed on the 核定表
    RETURNED = "returned"  # 退回: kept as history; the year may be declared again


class IncomeAction(StrEnum):
    DECLARE = "declare_income"
    VERIFY = "verify_income"
    RETURN = "return_income"


INCOME_STATUS_LABELS: dict[IncomeStatus, tuple[str, str]] = {
    IncomeStatus.DECLARED: ("待核定", "declared, awaiting verification"),
    IncomeStatus.VERIFIED: ("已核定", "verified"),
    IncomeStatus.RETURNED: ("已退回", "returned"),
}

# The declarations that count against the 技术交易额 and hold their year: all but returned ones.
STANDING = frozenset({IncomeStatus.DECLARED, IncomeStatus.VERIFIED})
# Only a registration in force takes declarations (an amendment keeps the status "registered").
DECLARABLE = frozenset({Status.REGISTERED})
DECLARING_ROLES = frozenset({Role.SELLER})
DECIDING_ROLES = REGISTRAR_ROLES

# (action) -> (the status it starts from, the status it leads to)
DECISIONS: dict[IncomeAction, tuple[IncomeStatus, IncomeStatus]] = {
    IncomeAction.VERIFY: (IncomeStatus.DECLARED, IncomeStatus.VERIFIED),
    IncomeAction.RETURN: (IncomeStatus.DECLARED, IncomeStatus.RETURNED),
}


def ensure_contract_takes_declarations(status: str, contract_id: int) -> None:
    """Only a registered contract; a cancelled one takes none, whatever it took before."""
    if status == Status.CANCELLED:
        raise InvalidTransition(
            f"合同 {contract_id} 已注销登记，不再受理技术性收入申报",
            f"contract {contract_id} has been cancelled: it takes no income declarations",
            code="income_contract_cancelled",
            contract=contract_id,
            status=status,
        )
    if status not in DECLARABLE:
        raise InvalidTransition(
            f"合同 {contract_id} 尚未登记（状态 {status}），登记后方可申报技术性收入",
            f"contract {contract_id} is not registered ({status}): income is declared only "
            "for a registered contract",
            code="income_contract_not_registered",
            contract=contract_id,
            status=status,
        )


def check_year(year: int, *, signed_on: date, today: date) -> int:
    """A year of the contract's life: not before it was signed, not one still to come."""
    if year < signed_on.year:
        raise DomainError(
            f"申报年度 {year} 早于合同签订年度 {signed_on.year}",
            f"year {year} is before the contract was signed ({signed_on.year})",
            code="income_year_before_signing",
            field="year",
            year=year,
            signed_year=signed_on.year,
        )
    if year > today.year:
        raise DomainError(
            f"申报年度 {year} 尚未到来（今年为 {today.year} 年）",
            f"year {year} has not come yet (this is {today.year})",
            code="income_year_in_future",
            field="year",
            year=year,
            current_year=today.year,
        )
    return year


def parse_income_amount(value: object, field: str, label_zh: str, label_en: str) -> Decimal:
    """A positive amount in yuan with at most two decimals."""
    try:
        amount = parse_amount(value)
    except AmountError as error:
        raise DomainError(
            f"{label_zh}：{error.message}",
            f"{label_en}: {error.message_en}",
            code="income_amount_invalid",
            field=field,
            reason=error.reason,
        ) from None
    if amount <= 0:
        raise DomainError(
            f"{label_zh}须大于零",
            f"{label_en} must be more than zero",
            code="income_amount_not_positive",
            field=field,
        )
    return amount


def check_amounts(received: object, technical: object) -> tuple[Decimal, Decimal]:
    """The year's amount received and its technical income, the second within the first."""
    received_amount = parse_income_amount(received, "received", "当年到账金额", "amount received")
    technical_income = parse_income_amount(
        technical, "technical", "其中技术性收入", "technical income"
    )
    if technical_income > received_amount:
        raise DomainError(
            f"技术性收入 {format_yuan(technical_income)} 元超过当年到账金额 "
            f"{format_yuan(received_amount)} 元",
            f"technical income {format_yuan(technical_income)} yuan is more than the amount "
            f"received that year, {format_yuan(received_amount)} yuan",
            code="technical_income_exceeds_received",
            field="technical",
        )
    return received_amount, technical_income


def ensure_within_total_amount(received_amount: Decimal, total_amount: Decimal) -> None:
    """One year's receipts under a contract cannot be more than its whole price (成交额)."""
    if received_amount > total_amount:
        raise DomainError(
            f"当年到账金额 {format_yuan(received_amount)} 元超过合同成交额 "
            f"{format_yuan(total_amount)} 元",
            f"the amount received, {format_yuan(received_amount)} yuan, is more than the "
            f"contract's total amount of {format_yuan(total_amount)} yuan",
            code="received_exceeds_total_amount",
            field="received",
            total_amount=format_yuan(total_amount),
        )


def ensure_within_tech_amount(
    technical_income: Decimal, standing: Iterable[Decimal], tech_amount: Decimal
) -> None:
    """All standing (declared and verified) years together stay within the 技术交易额."""
    others = sum(standing, Decimal("0.00"))
    total = others + technical_income
    if total > tech_amount:
        room = max(tech_amount - others, Decimal("0.00"))
        raise DomainError(
            f"各年度技术性收入合计 {format_yuan(total)} 元将超过合同的技术交易额 "
            f"{format_yuan(tech_amount)} 元（其他年度已申报或已核定 {format_yuan(others)} 元，"
            f"本年度至多 {format_yuan(room)} 元）",
            f"the technical income of all years, {format_yuan(total)} yuan, would exceed the "
            f"contract's technology transaction amount of {format_yuan(tech_amount)} yuan "
            f"({format_yuan(others)} yuan already declared or verified for other years; at "
            f"most {format_yuan(room)} yuan for this one)",
            code="technical_income_exceeds_tech_amount",
            field="technical",
            tech_amount=format_yuan(tech_amount),
            already=format_yuan(others),
            room=format_yuan(room),
        )


def check_decision(action: IncomeAction, status: str, declaration_id: int) -> IncomeStatus:
    """The status a verification or return leads to; only a declared (undecided) one moves."""
    source, target = DECISIONS[action]
    if status != source:
        label_zh, label_en = INCOME_STATUS_LABELS.get(status, (status, status))  # type: ignore[call-overload]
        raise InvalidTransition(
            f"技术性收入申报 {declaration_id} {label_zh}，只有待核定的申报可以核定或退回",
            f"income declaration {declaration_id} is {label_en}: only a declaration awaiting "
            "verification can be verified or returned",
            code="income_already_decided",
            declaration=declaration_id,
            status=status,
        )
    return target


def ensure_year_free(year: int, standing_years: Iterable[int], contract_id: int) -> None:
    """One standing declaration per contract and year; a returned one frees its year."""
    if year in set(standing_years):
        raise Conflict(
            f"合同 {contract_id} 的 {year} 年度技术性收入已申报（待核定或已核定）；"
            "被退回后方可重新申报",
            f"contract {contract_id} already has an income declaration for {year} (awaiting "
            "verification or verified); a year is declared again only after it is returned",
            code="income_year_already_declared",
            field="year",
            year=year,
            contract=contract_id,
        )
