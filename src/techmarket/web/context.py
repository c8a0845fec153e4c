"""What every page's frame shows: who is signed in, in which role, and what waits for them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor, actor_for_user
from techmarket.registry.notices import unread_count
from techmarket.registry.worklist import Worklist, worklist

ROLE_NAMES: dict[str, tuple[str, str]] = {
    Role.SELLER: ("卖方", "seller"),
    Role.REGISTRAR: ("登记员", "registrar"),
    Role.AGENCY_ADMIN: ("登记机构管理员", "agency administrator"),
    Role.ANALYST: ("统计分析", "analyst"),
    Role.BROKER: ("技术经纪人", "broker"),
    Role.OPERATOR: ("运维", "operator"),
}


def frame(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the to-do counts are read only by a page that shows the frame."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = getattr(request, "actor", None) or actor_for_user(user)  # with_actor's, if set
    if actor is None:
        return {}

    return {
        "frame_unread": SimpleLazyObject(lambda: unread_count(actor)),
        "frame_actor": actor,
        "frame_role": ROLE_NAMES.get(actor.role, (actor.role, actor.role)),
        "frame_todo": SimpleLazyObject(lambda: todo_of(request, actor)),
    }


def todo_of(request: HttpRequest, actor: Actor) -> Worklist:
    """The actor's to-do counts, read once per request (the frame and the page both show them)."""
    found = getattr(request, "_techmarket_todo", None)
    if found is None:
        found = worklist(actor, timezone.localdate())
        request._techmarket_todo = found  # type: ignore[attr-defined]
    return found
