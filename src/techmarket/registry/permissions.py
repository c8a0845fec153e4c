"""Object-level permissions, checked on the server for every contract a person touches."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techmarket.codes.regions import is_within
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract


def visible_contracts(
    actor: Actor, queryset: QuerySet[Contract] | None = None
) -> QuerySet[Contract]:
    """Sellers see their own contracts; agency staff see their jurisdiction; operators all."""
    contracts = queryset if queryset is not None else Contract.objects.all()
    if actor.role is Role.OPERATOR:
        return contracts
    if actor.role is Role.SELLER:
        return (
            contracts.filter(seller_party_id=actor.party_id) if actor.party_id else contracts.none()
        )
    if actor.agency is None:
        return contracts.none()
    region = actor.agency.region_code
    if region == "000000":
        return contracts
    prefix = (
        region[:2] if region.endswith("0000") else region[:4] if region.endswith("00") else region
    )
    return contracts.filter(Q(agency__region_code__startswith=prefix))


def can_view(actor: Actor, contract: Contract) -> bool:
    if actor.role is Role.OPERATOR:
        return True
    if actor.role is Role.SELLER:
        return actor.party_id is not None and contract.seller_party_id == actor.party_id
    return actor.agency is not None and is_within(
        contract.agency.region_code, actor.agency.region_code
    )


def ensure_can_view(actor: Actor, contract: Contract) -> None:
    # Someone outside the jurisdiction learns nothing, not even that the contract exists.
    if not can_view(actor, contract):
        raise NotFound(f"合同 {contract.pk} 不存在", f"contract {contract.pk} not found")


def ensure_can_act(actor: Actor, contract: Contract) -> None:
    """Registrars act only on their own agency's contracts; sellers only on their own."""
    ensure_can_view(actor, contract)
    if actor.role in REGISTRAR_ROLES:
        if actor.agency is None or contract.agency_id != actor.agency.pk:
            raise PermissionDenied(
                "只能处理本登记机构受理的合同", "only your own agency's contracts can be handled"
            )
    elif actor.role is Role.SELLER:
        if contract.seller_party_id != actor.party_id:
            raise PermissionDenied("只能处理本单位的合同", "only your own contracts")
    elif actor.role is not Role.OPERATOR:
        raise PermissionDenied("无权修改合同", "you may not change contracts")
