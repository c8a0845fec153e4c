"""A seller organisation signs itself up: the organisation checked, its first user created.

The organisation's identifier, name and region go through `parties.register_organisation`
(the USCC check digit, a region in use); the password through Django's validators. All or
nothing: a refused password leaves no organisation behind.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from techmarket.accounts.models import Profile
from techmarket.domain.problems import Conflict, PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.parties import register_organisation
from techmarket.registry.users import checked_username, password_problem


def sign_up(
    *,
    identifier: str,
    name: str,
    region: str,
    username: str,
    password: str,
    email: str = "",
    today: date,
) -> Profile:
    """The organisation and its first seller user, or a refusal naming the field at fault."""
    username = checked_username(username)
    if get_user_model().objects.filter(username=username).exists():
        raise Conflict(
            f"用户名 {username} 已被使用，请换一个",
            f"the username {username} is taken; choose another",
            code="username_taken",
            field="username",
        )
    weak = password_problem(password, username)
    if weak is not None:
        raise weak
    with transaction.atomic():
        party = register_organisation(identifier, name=name, region=region, today=today)
        user = get_user_model().objects.create_user(username, email=email, password=password)
        return Profile.objects.create(user=user, role=Role.SELLER, party=party)


def add_colleague(actor: Actor, *, username: str, password: str, email: str = "") -> Profile:
    """A seller adds a colleague who acts for the same organisation (its own users only)."""
    if actor.role is not Role.SELLER or actor.party_id is None:
        raise PermissionDenied(
            "只有卖方单位的用户可以为本单位添加用户",
            "only a seller organisation's users add its users",
            code="colleagues_sellers_only",
        )
    username = checked_username(username)
    if get_user_model().objects.filter(username=username).exists():
        raise Conflict(
            f"用户名 {username} 已被使用，请换一个",
            f"the username {username} is taken; choose another",
            code="username_taken",
            field="username",
        )
    weak = password_problem(password, username)
    if weak is not None:
        raise weak
    with transaction.atomic():
        user = get_user_model().objects.create_user(username, email=email, password=password)
        return Profile.objects.create(user=user, role=Role.SELLER, party_id=actor.party_id)
