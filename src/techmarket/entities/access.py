"""Who may read and change the innovation-entity register, decided here once.

The register is the bureau's: agency staff (analysts, registrars, agency admins) read the
organisations of their agency's region and of every region within it; agency admins and the
operator change it (imports, stages, revocations). Sellers and brokers do not read it here:
a seller sees its own recognitions on its contracts' pages.
"""

from __future__ import annotations

from techmarket.codes.regions import ROOT, is_within
from techmarket.domain.problems import PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.permissions import ensure_within_jurisdiction

READERS = frozenset({Role.ANALYST, Role.REGISTRAR, Role.AGENCY_ADMIN, Role.OPERATOR})
WRITERS = frozenset({Role.AGENCY_ADMIN, Role.OPERATOR})


def jurisdiction(actor: Actor) -> str:
    """The region whose organisations the actor reads (000000 for the operator)."""
    if actor.role not in READERS:
        raise PermissionDenied(
            "该角色不能查看创新主体库",
            f"the role {actor.role} does not read the innovation-entity register",
            code="entities_not_for_role",
            role=str(actor.role),
        )
    if actor.role is Role.OPERATOR:
        return actor.agency.region_code if actor.agency is not None else ROOT
    if actor.agency is None:
        raise PermissionDenied(
            "未分配登记机构，没有可查看的地区",
            "no agency is assigned, so there is no region to read",
            code="no_jurisdiction",
        )
    return actor.agency.region_code


def readable_region(actor: Actor, requested: str | None = None) -> str:
    """The region asked for, or the actor's own; refused when outside their jurisdiction."""
    own = jurisdiction(actor)
    region = requested or own
    ensure_within_jurisdiction(region, own)
    return region


def reaches_move(own: str, from_region: str, to_region: str) -> bool:
    """Whether an agency of region `own` records a move between two districts: a move into
    or out of its jurisdiction is its business, so at least one end must lie within it."""
    return own == ROOT or any(r and is_within(r, own) for r in (from_region, to_region))


def check_can_move(actor: Actor, from_region: str, to_region: str) -> None:
    """Agency admins record a move into or out of their jurisdiction; the operator any."""
    check_can_write(actor)
    own = jurisdiction(actor)
    if not reaches_move(own, from_region, to_region):
        raise PermissionDenied(
            f"迁出地 {from_region or '（未知）'} 与迁入地 {to_region} 都不在本机构管辖范围（{own}）内",
            f"neither {from_region or '(unknown)'} nor {to_region} is within the agency's "
            f"jurisdiction ({own})",
            code="region_not_in_jurisdiction",
            region=to_region,
            jurisdiction=own,
        )


def check_can_write(actor: Actor, region: str | None = None) -> None:
    """Agency admins change the register within their jurisdiction; the operator anywhere."""
    if actor.role not in WRITERS:
        raise PermissionDenied(
            "只有机构管理员可以修改创新主体库",
            "only an agency admin changes the innovation-entity register",
            code="entities_write_not_for_role",
            role=str(actor.role),
        )
    if region:
        readable_region(actor, region)
