"""A seller organisation signs itself up: the organisation checked, its first user created.

The organisation's identifier, name and region go through `parties.register_organisation`
(the USCC check digit, a region in use); the user through `users.new_user` (a free username,
Django's password validators). All or nothing: a refused password leaves no organisation behind.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from techmarket.accounts.models import Profile
from techmarket.domain.problems import PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.parties import register_organisation
from techmarket.registry.users import new_user


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
    with transaction.atomic():
        user = new_user(username, password=password, email=email)
        party = register_organisation(identifier, name=name, region=region, today=today)
        return Profile.objects.create(user=user, role=Role.SELLER, party=party)


def add_colleague(actor: Actor, *, username: str, password: str, email: str = "") -> Profile:
    """A seller adds a colleague who acts for the same organisation (its own users only)."""
    if actor.role is not Role.SELLER or actor.party_id is None:
        raise PermissionDenied(
            "只有卖方单位的用户可以为本单位添加用户",
            "only a seller organisation's users add its users",
            code="colleagues_sellers_only",
        )
    with transaction.atomic():
        user = new_user(username, password=password, email=email)
        return Profile.objects.create(user=user, role=Role.SELLER, party_id=actor.party_id)
