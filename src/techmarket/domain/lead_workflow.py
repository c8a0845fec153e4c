"""The lead workflow as data: a match followed to a registered contract, or dropped on the way.

proposed → contacted → negotiating → signed → registered, one stage at a time, and `dropped`
(with a reason) from any open stage. Like the contract and listing tables, services ask this
table before every write and front ends ask it which buttons to show. Who may act on a
particular lead (its proposer, its broker) is the service's business; this says which roles may
make a move at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from techmarket.domain.problems import InvalidTransition, PermissionDenied
from techmarket.domain.workflow import REGISTRAR_ROLES, Role


class LeadStatus(StrEnum):
    PROPOSED = "proposed"
    CONTACTED = "contacted"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    REGISTERED = "registered"
    DROPPED = "dropped"


class LeadAction(StrEnum):
    PROPOSE = "propose"
    CONTACT = "contact"
    NEGOTIATE = "negotiate"
    SIGN = "sign"
    REGISTER = "register"
    DROP = "drop"


LEAD_STATUS_LABELS: dict[LeadStatus, tuple[str, str]] = {
    LeadStatus.PROPOSED: ("已推荐", "proposed"),
    LeadStatus.CONTACTED: ("已接洽", "contacted"),
    LeadStatus.NEGOTIATING: ("洽谈中", "negotiating"),
    LeadStatus.SIGNED: ("已签约", "signed"),
    LeadStatus.REGISTERED: ("已登记", "registered"),
    LeadStatus.DROPPED: ("已放弃", "dropped"),
}

# The funnel's stages in order: each lead passes them one by one.
STAGES: tuple[LeadStatus, ...] = (
    LeadStatus.PROPOSED,
    LeadStatus.CONTACTED,
    LeadStatus.NEGOTIATING,
    LeadStatus.SIGNED,
    LeadStatus.REGISTERED,
)
OPEN_STATUSES = frozenset(STAGES[:-1])

# Brokers and the organisations' own users follow leads; agency staff (technology-market
# centres broker deals too) and the operator may as well.
LEAD_ROLES = frozenset({Role.BROKER, Role.SELLER, Role.OPERATOR, *REGISTRAR_ROLES})


@dataclass(frozen=True)
class LeadTransition:
    action: LeadAction
    sources: frozenset[LeadStatus]
    target: LeadStatus
    label_zh: str
    label_en: str
    roles: frozenset[Role] = LEAD_ROLES


LEAD_TRANSITIONS: tuple[LeadTransition, ...] = (
    LeadTransition(
        LeadAction.CONTACT,
        frozenset({LeadStatus.PROPOSED}),
        LeadStatus.CONTACTED,
        "记录接洽",
        "record the first contact",
    ),
    LeadTransition(
        LeadAction.NEGOTIATE,
        frozenset({LeadStatus.CONTACTED}),
        LeadStatus.NEGOTIATING,
        "进入洽谈",
        "start negotiating",
    ),
    LeadTransition(
        LeadAction.SIGN,
        frozenset({LeadStatus.NEGOTIATING}),
        LeadStatus.SIGNED,
        "记录签约",
        "record the signing",
    ),
    LeadTransition(
        LeadAction.REGISTER,
        frozenset({LeadStatus.SIGNED}),
        LeadStatus.REGISTERED,
        "关联已登记合同",
        "link the registered contract",
    ),
    LeadTransition(
        LeadAction.DROP,
        OPEN_STATUSES,
        LeadStatus.DROPPED,
        "放弃",
        "drop",
    ),
)
_BY_ACTION = {t.action: t for t in LEAD_TRANSITIONS}
_BY_TARGET = {t.target: t.action for t in LEAD_TRANSITIONS}


def action_to(target: LeadStatus | str) -> LeadAction:
    """The move that reaches `target` (contacted → contact …); ValueError for none."""
    status = LeadStatus(target)
    if status not in _BY_TARGET:
        raise ValueError(f"no move reaches {status}")
    return _BY_TARGET[status]


def next_stage(status: LeadStatus | str) -> LeadStatus | None:
    """The stage after `status` in the funnel; None after registered or for a dropped lead."""
    current = LeadStatus(status)
    if current not in OPEN_STATUSES:
        return None
    return STAGES[STAGES.index(current) + 1]


def check_lead_transition(
    action: LeadAction | str, status: LeadStatus | str, role: Role | str
) -> LeadStatus:
    """The new status, or why the move is not allowed."""
    transition = _BY_ACTION[LeadAction(action)]
    current = LeadStatus(status)
    if current not in transition.sources:
        raise InvalidTransition(
            f"线索当前为“{LEAD_STATUS_LABELS[current][0]}”，不能{transition.label_zh}",
            f"cannot {transition.label_en} on a lead that is {LEAD_STATUS_LABELS[current][1]}",
            code="transition_not_allowed",
            action=str(transition.action),
            status=str(current),
        )
    if Role(role) not in transition.roles:
        raise PermissionDenied(
            f"角色 {role} 无权{transition.label_zh}",
            f"role {role} may not {transition.label_en}",
            code="role_may_not_act",
            action=str(transition.action),
            role=str(role),
        )
    return transition.target


def available_lead_actions(status: LeadStatus | str, role: Role | str) -> list[LeadTransition]:
    """The moves a person in `role` can make now: what a lead board shows as buttons."""
    current, who = LeadStatus(status), Role(role)
    return [t for t in LEAD_TRANSITIONS if current in t.sources and who in t.roles]
