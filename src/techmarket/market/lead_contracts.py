"""Which registered contract closes a lead: found by its registration number, registered, not
already another lead's, and signed between the achievement's holder and the demand's company."""

from __future__ import annotations

from techmarket.domain.lead_parties import PartyName, same_party
from techmarket.domain.problems import Conflict, DomainError, NotFound
from techmarket.domain.workflow import Status
from techmarket.market.models import Achievement, Demand, Lead
from techmarket.registry.models import Contract
from techmarket.registry.selectors import contract_by_number


def holder_of(achievement: Achievement) -> PartyName:
    """Who holds an achievement: its holder as listed, else its owner organisation."""
    if achievement.holder_id or achievement.holder_name:
        return PartyName(achievement.holder_id, achievement.holder_name)
    owner = achievement.owner
    return PartyName(owner.identifier or "", owner.name) if owner else PartyName("", "")


def company_of(demand: Demand) -> PartyName:
    """Who needs a demand's technology: its company as listed, else its owner organisation."""
    if demand.company_id or demand.company_name:
        return PartyName(demand.company_id, demand.company_name)
    owner = demand.owner
    return PartyName(owner.identifier or "", owner.name) if owner else PartyName("", "")


def _check_parties(lead: Lead, contract: Contract) -> None:
    """The contract's seller holds the achievement and its buyer is the demand's company."""
    sides = (
        ("seller", "卖方", "achievement holder", "成果持有单位", holder_of(lead.achievement)),  # type: ignore[arg-type]
        ("buyer", "买方", "demand's company", "需求单位", company_of(lead.demand)),  # type: ignore[arg-type]
    )
    for side, side_zh, listed_en, listed_zh, listed in sides:
        if not listed.known:
            raise DomainError(
                f"{listed_zh}不明，无法核对合同{side_zh}：请先在成果或需求中写明",
                f"the {listed_en} is not stated, so the contract's {side} cannot be checked",
                code="lead_listing_party_unknown",
                side=side,
            )
        contracted = PartyName(getattr(contract, f"{side}_id"), getattr(contract, f"{side}_name"))
        if not same_party(listed, contracted):
            raise DomainError(
                f"合同 {contract.registration_number} 的{side_zh}是 {contracted}，"
                f"不是{listed_zh} {listed}：这份合同不是本线索促成的交易",
                f"contract {contract.registration_number}'s {side} is {contracted}, not the "
                f"{listed_en} {listed}: it is not this lead's deal",
                code="lead_contract_parties_mismatch",
                side=side,
                expected=str(listed),
                found=str(contracted),
            )


def registered_contract(number: str, lead: Lead) -> Contract:
    """The registered contract with this number, once it may close this lead: registered (not
    cancelled), closing no other lead, and between the listings' holder and company."""
    contract = contract_by_number(number)
    if contract is None:
        raise NotFound(
            f"找不到登记编号为 {number} 的合同",
            f"no contract has the registration number {number}",
            code="lead_contract_not_found",
            registration_number=number,
        )
    if contract.status != Status.REGISTERED:
        raise DomainError(
            f"合同 {number} 当前不是已登记状态（{contract.status}），不能作为成交记录",
            f"contract {number} is not registered (it is {contract.status}), so it cannot "
            "close the lead",
            code="lead_contract_not_registered",
            registration_number=number,
            status=contract.status,
        )
    other = Lead.objects.filter(contract=contract).exclude(pk=lead.pk).values_list("pk", flat=True)
    taken = other.first()
    if taken is not None:
        raise Conflict(
            f"合同 {number} 已关联对接线索 {taken}：一份合同只计入一条线索",
            f"contract {number} already closes lead {taken}: a contract counts for one lead",
            code="lead_contract_taken",
            registration_number=number,
            lead=taken,
        )
    _check_parties(lead, contract)
    return contract
