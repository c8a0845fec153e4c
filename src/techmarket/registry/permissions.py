"""Object-level permissions, checked on the server for every contract a person touches.

Jurisdiction is region containment (`codes.regions.is_within`, the one place for that rule):
agency staff reach the contracts of every agency whose region lies in their own agency's region.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from techmarket.accounts.models import Agency
from techmarket.codes.regions import is_within
from techmarket.domain.problems import NotFound, PermissionDenied
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract


def agencies_in_reach(actor: Actor) -> list[int] | None:
    """Ids of the agencies whose contracts agency staff may read; None means every agency."""
    if actor.role is Role.OPERATOR:
        return None
    if actor.agency is None or actor.role is Role.SELLER:
        return []
    region = actor.agency.region_code
    # Fixed SQL: every list and count asks this, and the ORM's compiling cost more than it.
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, region_code FROM "{Agency._meta.db_table}" ORDER BY id')
        return [pk for pk, code in cursor.fetchall() if is_within(code, region)]


def visible_contracts(
    actor: Actor, queryset: QuerySet[Contract] | None = None
) -> QuerySet[Contract]:
    """Sellers see their own contracts; agency staff see their jurisdiction; operators all."""
    contracts = queryset if queryset is not None else Contract.objects.all()
    if actor.role is Role.SELLER:
        return (
            contracts.filter(seller_party_id=actor.party_id) if actor.party_id else contracts.none()
        )
    agencies = agencies_in_reach(actor)
    return contracts if agencies is None else contracts.filter(agency_id__in=agencies)


def can_view(actor: Actor, contract: Contract) -> bool:
    if actor.role is Role.OPERATOR:
        return True
    if actor.role is Role.SELLER:
        return actor.party_id is not None and contract.seller_party_id == actor.party_id
    return actor.agency is not None and is_within(
        contract.agency.region_code, actor.agency.region_code
    )


def ensure_within_jurisdiction(region: str, jurisdiction: str) -> None:
    """The one refusal of a region outside an agency's jurisdiction (statistics, the entity
    register): region codes are public, so the refusal says so rather than hiding it."""
    if not is_within(region, jurisdiction):
        raise PermissionDenied(
            f"地区 {region} 不在本机构管辖范围（{jurisdiction}）内",
            f"region {region} is outside the agency's jurisdiction ({jurisdiction})",
            code="region_not_in_jurisdiction",
            region=region,
            jurisdiction=jurisdiction,
        )


def contract_not_found(key: object) -> NotFound:
    """The one answer for a contract that is absent or out of reach: the same code and words,
    so a refusal never tells an outsider that someone else's contract exists."""
    return NotFound(f"找不到合同 {key}", f"no contract {key}", code="contract_not_found")


def ensure_can_view(actor: Actor, contract: Contract) -> None:
    # Someone outside the jurisdiction learns nothing, not even that the contract exists.
    if not can_view(actor, contract):
        raise contract_not_found(contract.pk)


def may_see_personal_ids(actor: Actor, contract: Contract) -> bool:
    """Only the registrars who must check a natural person's ID (the contract's own agency) see
    it unmasked; everyone else, the seller and the operator at a terminal included, sees it
    masked. (The operator's full export is the one exception: see `selectors.export_rows`.)"""
    return sees_personal_ids_of_agency(actor, contract.agency_id)


def sees_personal_ids_of_agency(actor: Actor, agency_id: int) -> bool:
    """The rule of `may_see_personal_ids`, for rows read without their Contract object."""
    return (
        actor.role in REGISTRAR_ROLES and actor.agency is not None and actor.agency.pk == agency_id
    )


def ensure_can_act(actor: Actor, contract: Contract) -> None:
    """Registrars act only on their own agency's contracts; sellers only on their own."""
    ensure_can_view(actor, contract)
    if actor.role in REGISTRAR_ROLES:
        if actor.agency is None or contract.agency_id != actor.agency.pk:
            raise PermissionDenied(
                "只能处理本登记机构受理的合同",
                "only your own agency's contracts can be handled",
                code="not_own_agency",
            )
    elif actor.role is Role.SELLER:
        if contract.seller_party_id != actor.party_id:
            raise PermissionDenied(
                "只能处理本单位的合同", "only your own contracts", code="not_own_contract"
            )
    elif actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            "无权修改合同", "you may not change contracts", code="role_may_not_change_contracts"
        )


def supervises(agency: Agency, contract: Contract) -> bool:
    """Whether `agency` is up the agency tree from the contract's agency (a strict ancestor)."""
    seen: set[int] = set()
    current = contract.agency.parent
    while current is not None and current.pk not in seen:  # a cycle ends the walk, not the server
        if current.pk == agency.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


def ensure_can_object(actor: Actor, contract: Contract) -> None:
    """异议 comes from the contract's seller or from the staff of a supervising agency; the
    contract's own agency corrects its registrations directly (amendment, cancellation)."""
    ensure_can_view(actor, contract)
    if actor.role is Role.SELLER:
        if contract.seller_party_id != actor.party_id:
            raise PermissionDenied(
                "只能对本单位的合同提出异议",
                "only your own contracts can be objected to",
                code="not_own_contract",
            )
    elif actor.role in REGISTRAR_ROLES:
        if actor.agency is None or not supervises(actor.agency, contract):
            raise PermissionDenied(
                "只有合同的卖方或上级登记机构可以提出异议；本机构的登记可直接变更或注销",
                "only the seller or a supervising agency may object; the contract's own agency "
                "amends or cancels its registrations directly",
                code="not_supervising_agency",
            )
    else:
        raise PermissionDenied(
            "无权提出异议", "you may not object to a registration", code="role_may_not_object"
        )
