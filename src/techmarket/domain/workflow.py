"""The registration workflow as data: which action moves a contract from which state, and who may.

This table is the only place that says what is legal. Services consult it before every write and
front ends ask it which buttons to show, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from techmarket.domain.problems import InvalidTransition, PermissionDenied


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CORRECTION_REQUESTED = "correction_requested"
    UNDER_REVIEW = "under_review"
    SECOND_REVIEW = "second_review"
    REGISTERED = "registered"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    SELLER = "seller"
    REGISTRAR = "registrar"
    AGENCY_ADMIN = "agency_admin"
    ANALYST = "analyst"
    BROKER = "broker"  # 技术经纪人: follows leads from a match to a registered contract
    OPERATOR = "operator"  # imports and migrations from the command line


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    START_REVIEW = "start_review"
    SEND_TO_SECOND_REVIEW = "send_to_second_review"
    REGISTER = "register"
    REFUSE = "refuse"
    AMEND = "amend"
    CANCEL = "cancel"
    OBJECT = "object"
    UPHOLD_OBJECTION = "uphold_objection"
    IMPORT = "import"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: ("草稿", "draft"),
    Status.SUBMITTED: ("已提交", "submitted"),
    Status.ACCEPTED: ("已受理", "accepted"),
    Status.CORRECTION_REQUESTED: ("待补正", "correction requested"),
    Status.UNDER_REVIEW: ("审核中", "under review"),
    Status.SECOND_REVIEW: ("二次审核", "second review"),
    Status.REGISTERED: ("已登记", "registered"),
    Status.REFUSED: ("不予登记", "refused"),
    Status.CANCELLED: ("已注销", "cancelled"),
    Status.WITHDRAWN: ("已撤回", "withdrawn"),
}

REGISTRAR_ROLES = frozenset({Role.REGISTRAR, Role.AGENCY_ADMIN})
_REVIEWABLE = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.SECOND_REVIEW}
)


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change (an amendment keeps "registered")
    roles: frozenset[Role]
    label_zh: str
    label_en: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Action.EDIT,
        frozenset({Status.DRAFT}),
        None,
        frozenset({Role.SELLER}),
        "修改草稿",
        "edit the draft",
    ),
    Transition(
        Action.SUBMIT,
        frozenset({Status.DRAFT}),
        Status.SUBMITTED,
        frozenset({Role.SELLER}),
        "提交",
        "submit",
    ),
    Transition(
        Action.WITHDRAW,
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.CORRECTION_REQUESTED}),
        Status.WITHDRAWN,
        frozenset({Role.SELLER}),
        "撤回",
        "withdraw",
    ),
    Transition(
        Action.ACCEPT,
        frozenset({Status.SUBMITTED}),
        Status.ACCEPTED,
        REGISTRAR_ROLES,
        "受理",
        "accept",
    ),
    Transition(
        Action.REQUEST_CORRECTION,
        frozenset({Status.ACCEPTED, Status.UNDER_REVIEW, Status.SECOND_REVIEW}),
        Status.CORRECTION_REQUESTED,
        REGISTRAR_ROLES,
        "要求补正",
        "request correction",
    ),
    Transition(
        Action.RESUBMIT,
        frozenset({Status.CORRECTION_REQUESTED}),
        Status.ACCEPTED,
        frozenset({Role.SELLER}),
        "补正后重新提交",
        "resubmit",
    ),
    Transition(
        Action.START_REVIEW,
        frozenset({Status.ACCEPTED}),
        Status.UNDER_REVIEW,
        REGISTRAR_ROLES,
        "开始审核",
        "start review",
    ),
    Transition(
        Action.SEND_TO_SECOND_REVIEW,
        frozenset({Status.ACCEPTED, Status.UNDER_REVIEW}),
        Status.SECOND_REVIEW,
        REGISTRAR_ROLES,
        "提交二次审核",
        "send to second review",
    ),
    Transition(
        Action.REGISTER,
        frozenset({Status.ACCEPTED, Status.UNDER_REVIEW, Status.SECOND_REVIEW}),
        Status.REGISTERED,
        REGISTRAR_ROLES,
        "登记",
        "register",
    ),
    Transition(Action.REFUSE, _REVIEWABLE, Status.REFUSED, REGISTRAR_ROLES, "不予登记", "refuse"),
    Transition(
        Action.AMEND, frozenset({Status.REGISTERED}), None, REGISTRAR_ROLES, "变更登记", "amend"
    ),
    Transition(
        Action.CANCEL,
        frozenset({Status.REGISTERED}),
        Status.CANCELLED,
        REGISTRAR_ROLES,
        "注销登记",
        "cancel",
    ),
    # 异议 / 复核: the contract stays registered while an objection is open (it counts in the
    # statistics until corrected); the objection itself is a record of its own, and the service
    # decides who may object (the seller, or staff of a supervising agency) and who may re-check.
    Transition(
        Action.OBJECT,
        frozenset({Status.REGISTERED}),
        None,
        frozenset({Role.SELLER, *REGISTRAR_ROLES}),
        "提出异议",
        "object to the registration",
    ),
    Transition(
        Action.UPHOLD_OBJECTION,
        frozenset({Status.REGISTERED}),
        None,
        REGISTRAR_ROLES,
        "复核维持登记",
        "uphold the registration on re-check",
    ),
)
_BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}


def transition_for(action: Action | str) -> Transition:
    return _BY_ACTION[Action(action)]


def check_transition(
    action: Action | str, status: Status | str, role: Role | str, *, is_large: bool = False
) -> Status:
    """Return the new status, or raise why the move is not allowed.

    A large contract (技术交易额 at or above the rule set's threshold) can only be registered from
    second review (二次审核), never straight from first review.
    """
    transition = transition_for(action)
    current = Status(status)
    if current not in transition.sources:
        raise InvalidTransition(
            f"当前状态“{STATUS_LABELS[current][0]}”下不能执行“{transition.label_zh}”",
            f"cannot {transition.label_en} a contract that is {STATUS_LABELS[current][1]}",
            code="transition_not_allowed",
            action=str(transition.action),
            status=str(current),
        )
    if Role(role) not in transition.roles:
        raise PermissionDenied(
            f"角色 {role} 无权执行“{transition.label_zh}”",
            f"role {role} may not {transition.label_en}",
            code="role_may_not_act",
            action=str(transition.action),
            role=str(role),
        )
    if transition.action is Action.REGISTER and is_large and current is not Status.SECOND_REVIEW:
        raise InvalidTransition(
            "大额合同（技术交易额达到二次审核门槛）须经二次审核后登记",
            "a large contract must pass second review before it is registered",
            code="large_needs_second_review",
            action=str(transition.action),
            status=str(current),
        )
    return transition.target or current


def available_actions(status: Status | str, role: Role | str) -> list[Transition]:
    """The moves a person in `role` can make now: what the UI shows as buttons."""
    current, who = Status(status), Role(role)
    return [t for t in TRANSITIONS if current in t.sources and who in t.roles]
