"""Writes to brokers' profiles: who they are, what they cover, the training they had.

The operator and agency administrators keep the register of brokers (as technology-market
authorities licensed 技术经纪人); each change is one transaction with one audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from techmarket.domain.brokers import check_broker
from techmarket.domain.problems import (
    DomainError,
    NotFound,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from techmarket.domain.workflow import Role
from techmarket.market import audit
from techmarket.market.models import BrokerProfile, Training
from techmarket.registry import audit as chain
from techmarket.registry.actors import Actor

MANAGER_ROLES = frozenset({Role.OPERATOR, Role.AGENCY_ADMIN})


def _broker_user(username: str) -> object:
    user = get_user_model().objects.filter(username=username).select_related("profile").first()
    if user is None or not hasattr(user, "profile"):
        raise NotFound(
            f"用户 {username} 不存在或未分配角色",
            f"no user {username} with a role",
            code="user_not_found",
            user=username,
        )
    if user.profile.role != Role.BROKER:
        raise DomainError(
            f"用户 {username} 的角色是 {user.profile.role}，不是技术经纪人",
            f"user {username} has the role {user.profile.role}, not broker",
            code="user_not_broker",
            user=username,
        )
    return user


def _the_profile_to_change(
    profiles: QuerySet[BrokerProfile], broker_id: int, certificate_number: str
) -> BrokerProfile:
    broker = profiles.filter(pk=broker_id).first()
    if broker is None:
        raise NotFound(
            f"找不到经纪人 {broker_id}", f"no broker {broker_id}", code="broker_not_found"
        )
    if broker.user_id is None and certificate_number != broker.certificate_number:
        raise DomainError(
            "没有登录账号的经纪人以证书编号识别，证书编号不能修改",
            "a broker without a sign-in is known by the certificate number, which cannot change",
            code="broker_certificate_fixed",
            broker=broker.pk,
        )
    return broker


def save_broker(
    *,
    actor: Actor,
    now: datetime,
    username: str | None,
    name: str,
    fields: Sequence[str] = (),
    regions: Sequence[str] = (),
    certificate_number: str = "",
    organisation: str = "",
    trainings: Sequence[tuple[str, str, str, str]] = (),
    expected_version: int | None = None,
    broker_id: int | None = None,
) -> tuple[BrokerProfile, bool]:
    """Create or update a person's broker profile; returns it and whether it is new.

    With a username the profile belongs to that user (role broker); without one it is a person
    known only by name and certificate (found again by the certificate number). Training
    records are added; one already recorded (same date and course) is kept as it is. With
    `broker_id` the call changes that profile: one without a sign-in keeps its certificate
    number, by which it is found (a new number would make a second person silently).
    """
    if actor.role not in MANAGER_ROLES:
        raise PermissionDenied(
            "只有系统运维和登记机构管理员可以登记技术经纪人",
            "only the operator and agency administrators keep the register of brokers",
            code="role_may_not_manage_brokers",
        )
    record, problems = check_broker(
        name=name,
        fields=fields,
        regions=regions,
        certificate_number=certificate_number,
        organisation=organisation,
        trainings=trainings,
    )
    if record is None:
        raise ValidationFailed(problems)
    user = _broker_user(username) if username else None
    with transaction.atomic():
        profiles = BrokerProfile.objects.select_for_update()
        if user is not None:
            broker = profiles.filter(user=user).first()
        elif record.certificate_number:
            broker = profiles.filter(
                user__isnull=True, certificate_number=record.certificate_number
            ).first()
        else:
            broker = None
        if broker_id is not None:
            broker = _the_profile_to_change(profiles, broker_id, record.certificate_number)
        created = broker is None
        if broker is None:
            broker = BrokerProfile(user=user, created_at=now)
        elif expected_version is not None and broker.version != expected_version:
            raise StaleObject(
                f"经纪人档案 {broker.pk} 已被修改（现为第 {broker.version} 版，所读为第 "
                f"{expected_version} 版）；请重新读取后再操作",
                f"broker {broker.pk} has changed since it was read (now version "
                f"{broker.version}, read as {expected_version}); read it again",
                code="stale_version",
                broker=broker.pk,
                version=broker.version,
                expected_version=expected_version,
            )
        else:
            broker.version += 1
        broker.name = record.name
        broker.fields = ";".join(record.fields)
        broker.regions = ";".join(record.regions)
        broker.certificate_number = record.certificate_number
        broker.organisation = record.organisation
        broker.updated_at = now
        broker.save()
        known = set(broker.trainings.values_list("on", "course")) if not created else set()
        added = [
            Training(person=broker, on=t.on, course=t.course, hours=t.hours, issuer=t.issuer)
            for t in record.trainings
            if (t.on, t.course) not in known
        ]
        Training.objects.bulk_create(added)
        chain.append(
            [
                audit.broker_event(
                    broker,
                    actor.username,
                    "create" if created else "update",
                    now,
                    user=username,
                    fields=broker.fields,
                    regions=broker.regions,
                    certificate_number=broker.certificate_number,
                    trainings_added=len(added) or None,
                )
            ]
        )
    return broker, created
