"""The listing workflow as data: draft → review → published → closed / expired, and who may move.

The contract workflow's table (`workflow.py`) is the model: services ask this table before every
write, and front ends ask it which buttons to show. Who owns or reviews a particular listing is
the service's business (permissions); this says only which roles may make a move at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from techmarket.domain.problems import InvalidTransition, PermissionDenied
from techmarket.domain.workflow import Role


class ListingStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    CLOSED = "closed"
    EXPIRED = "expired"


class ListingAction(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    PUBLISH = "publish"
    RETURN = "return"
    CLOSE = "close"
    EXPIRE = "expire"
    IMPORT = "import"
    IMPORT_UPDATE = "import_update"


LISTING_STATUS_LABELS: dict[ListingStatus, tuple[str, str]] = {
    ListingStatus.DRAFT: ("草稿", "draft"),
    ListingStatus.REVIEW: ("待审核", "in review"),
    ListingStatus.PUBLISHED: ("已发布", "published"),
    ListingStatus.CLOSED: ("已关闭", "closed"),
    ListingStatus.EXPIRED: ("已过期", "expired"),
}

# The organisation that owns a listing edits, submits and closes it; agency staff review the
# listings of their jurisdiction; the operator (command line) may do either.
OWNER_ROLES = frozenset({Role.SELLER, Role.OPERATOR})
REVIEWER_ROLES = frozenset({Role.REGISTRAR, Role.AGENCY_ADMIN, Role.OPERATOR})


@dataclass(frozen=True)
class ListingTransition:
    action: ListingAction
    sources: frozenset[ListingStatus]
    target: ListingStatus | None  # None: the status does not change (an edit)
    roles: frozenset[Role]
    label_zh: str
    label_en: str


LISTING_TRANSITIONS: tuple[ListingTransition, ...] = (
    ListingTransition(
        ListingAction.EDIT,
        frozenset({ListingStatus.DRAFT}),
        None,
        OWNER_ROLES,
        "修改草稿",
        "edit the draft",
    ),
    ListingTransition(
        ListingAction.SUBMIT,
        frozenset({ListingStatus.DRAFT}),
        ListingStatus.REVIEW,
        OWNER_ROLES,
        "提交审核",
        "submit for review",
    ),
    ListingTransition(
        ListingAction.PUBLISH,
        frozenset({ListingStatus.REVIEW}),
        ListingStatus.PUBLISHED,
        REVIEWER_ROLES,
        "审核发布",
        "publish",
    ),
    ListingTransition(
        ListingAction.RETURN,
        frozenset({ListingStatus.REVIEW}),
        ListingStatus.DRAFT,
        REVIEWER_ROLES,
        "退回修改",
        "return for changes",
    ),
    ListingTransition(
        ListingAction.CLOSE,
        frozenset({ListingStatus.DRAFT, ListingStatus.REVIEW, ListingStatus.PUBLISHED}),
        ListingStatus.CLOSED,
        OWNER_ROLES | REVIEWER_ROLES,
        "关闭",
        "close",
    ),
    ListingTransition(
        ListingAction.EXPIRE,
        frozenset({ListingStatus.PUBLISHED}),
        ListingStatus.EXPIRED,
        frozenset({Role.OPERATOR}),
        "到期下架",
        "expire",
    ),
)
_BY_ACTION = {t.action: t for t in LISTING_TRANSITIONS}


def check_listing_transition(
    action: ListingAction | str, status: ListingStatus | str, role: Role | str
) -> ListingStatus:
    """The new status, or why the move is not allowed."""
    transition = _BY_ACTION[ListingAction(action)]
    current = ListingStatus(status)
    if current not in transition.sources:
        raise InvalidTransition(
            f"当前状态“{LISTING_STATUS_LABELS[current][0]}”下不能执行“{transition.label_zh}”",
            f"cannot {transition.label_en} a listing that is {LISTING_STATUS_LABELS[current][1]}",
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
    return transition.target or current


def available_listing_actions(
    status: ListingStatus | str, role: Role | str
) -> list[ListingTransition]:
    """The moves a person in `role` can make now: what a page shows as buttons."""
    current, who = ListingStatus(status), Role(role)
    return [t for t in LISTING_TRANSITIONS if current in t.sources and who in t.roles]
