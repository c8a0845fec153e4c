"""The people of an agency, as its administrator manages them: add, deactivate, reactivate,
set a new password. Nobody is deleted: the audit trail names them.

A user of another agency reads as absent (the same code and words as a name nobody has), and
a Django staff or superuser account is out of an agency admin's reach even in their own
agency: resetting its password would hand over the back office.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from techmarket.accounts.models import Profile
from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.agency_admin import administered_agency, record
from techmarket.registry.users import new_user, password_problem, save_user

# The roles an agency admin hands out; analysts belong to the bureau, sellers sign up.
ASSIGNABLE_ROLES = (Role.REGISTRAR, Role.AGENCY_ADMIN)


def agency_members(actor: Actor) -> list[Profile]:
    """Everyone with a role at the admin's agency, active or not, by username."""
    agency = administered_agency(actor)
    return list(
        Profile.objects.filter(agency=agency).select_related("user").order_by("user__username")
    )


def member(actor: Actor, username: str) -> Profile:
    """One person of the admin's agency; anyone else is not found."""
    agency = administered_agency(actor)
    profile = (
        Profile.objects.filter(agency=agency, user__username=username)
        .select_related("user")
        .first()
    )
    if profile is None:
        raise NotFound(
            f"本机构没有用户 {username}",
            f"no user {username} at this agency",
            code="member_not_found",
            user=username,
        )
    return profile


def add_member(
    actor: Actor,
    *,
    username: str,
    role: str,
    password: str,
    email: str = "",
    now: datetime,
) -> Profile:
    """A new registrar or agency admin of the admin's agency, with an initial password."""
    agency = administered_agency(actor)
    if role not in ASSIGNABLE_ROLES:
        raise DomainError(
            "机构管理员只能添加登记员或机构管理员",
            "an agency administrator adds registrars or agency administrators only",
            code="role_not_assignable",
            field="role",
            role=role,
        )
    with transaction.atomic():
        user = new_user(username, password=password, email=email)
        username, email = user.username, user.email  # type: ignore[attr-defined]
        profile = save_user(username, role=role, agency_code=agency.code)
        record(
            actor,
            "user_add",
            now,
            {"agency": agency.code, "user": username, "role": role, "email": email},
        )
    return profile


def set_active(actor: Actor, username: str, *, active: bool, now: datetime) -> Profile:
    """Deactivate (cannot sign in, tokens stop working) or reactivate a member; never oneself."""
    profile = _changeable(actor, username)
    if not active and profile.user.pk == actor.user_id:
        raise DomainError(
            "不能停用自己的账号", "you cannot deactivate your own account", code="deactivate_self"
        )
    if profile.user.is_active != active:
        with transaction.atomic():
            profile.user.is_active = active
            profile.user.save(update_fields=["is_active"])
            record(
                actor,
                "user_reactivate" if active else "user_deactivate",
                now,
                {"agency": profile.agency.code if profile.agency else "", "user": username},
            )
    return profile


def reset_password(actor: Actor, username: str, *, password: str, now: datetime) -> Profile:
    """A new password for a member (Django's validators apply); the audit names who set it."""
    profile = _changeable(actor, username)
    if profile.user.pk == actor.user_id:
        raise DomainError(
            "自己的密码须在修改密码时输入原密码更改",
            "your own password is changed with your current one, not reset",
            code="reset_own_password",
        )
    weak = password_problem(password, username)
    if weak is not None:
        raise weak
    with transaction.atomic():
        profile.user.set_password(password)
        profile.user.save(update_fields=["password"])
        record(
            actor,
            "password_reset",
            now,
            {"agency": profile.agency.code if profile.agency else "", "user": username},
        )
    return profile


def _changeable(actor: Actor, username: str) -> Profile:
    profile = member(actor, username)
    if profile.user.is_staff or profile.user.is_superuser:
        raise PermissionDenied(
            f"{username} 是后台管理账号，只能由系统管理员管理",
            f"{username} is a back-office account; only the system administrator manages it",
            code="staff_account",
            user=username,
        )
    return profile
