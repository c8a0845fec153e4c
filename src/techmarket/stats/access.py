"""Who may read the statistics of which region: the actor's jurisdiction, decided here once."""

from __future__ import annotations

from techmarket.codes.regions import ROOT
from techmarket.domain.problems import PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.permissions import ensure_within_jurisdiction

# Agency staff read the figures of their agency's region and of every region within it.
AGENCY_ROLES = frozenset({Role.ANALYST, Role.REGISTRAR, Role.AGENCY_ADMIN})


def readable_region(actor: Actor, requested: str | None = None) -> str:
    """The region whose statistics the actor reads: the one requested, or by default their own.

    Operators read every region; analysts, registrars and agency admins the regions within
    their agency's (`codes.regions.is_within`, the one containment rule; an agency of 000000
    is national); sellers read no statistics. Region codes are public, so a region outside the
    jurisdiction is refused as such rather than hidden.
    """
    if actor.role is Role.OPERATOR:
        return requested or ROOT
    if actor.role not in AGENCY_ROLES:
        raise PermissionDenied(
            "该角色不能查看统计数据",
            f"the role {actor.role} does not read statistics",
            code="statistics_not_for_role",
            role=str(actor.role),
        )
    if actor.agency is None:
        raise PermissionDenied(
            "未分配登记机构，没有可查看的统计地区",
            "no agency is assigned, so there is no region to read statistics of",
            code="no_jurisdiction",
        )
    own = actor.agency.region_code
    region = requested or own
    ensure_within_jurisdiction(region, own)
    return region
