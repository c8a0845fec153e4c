"""An agency administrator's own agency: who may administer it, and its settings.

Scope: an agency admin administers their own agency only, not the agencies below it. The
existing writes (`save_agency`, `save_user`) check no actor, and a city admin reaching the
district stations' people and numbering would be a wider grant than the role was given; the
operator (command line) keeps the whole tree. Every change is written to the audit trail as
an event of no contract, like a batch list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from techmarket.accounts.models import Agency
from techmarket.accounts.services import Deadlines, parse_deadlines, save_agency, save_deadlines
from techmarket.domain.numbering import format_number, serial_limit, validate_format
from techmarket.domain.problems import DomainError, PermissionDenied, Problem, ValidationFailed
from techmarket.domain.rulesets import RuleSet, rule_set_for
from techmarket.domain.workflow import Role
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.numbers import next_serial


def administered_agency(actor: Actor) -> Agency:
    """The agency this actor administers, read afresh; refused to anyone but an agency admin."""
    if actor.role is not Role.AGENCY_ADMIN or actor.agency is None:
        raise PermissionDenied(
            "只有登记机构管理员可以管理本机构的用户和设置",
            "only an agency administrator may manage the agency's people and settings",
            code="agency_admin_only",
        )
    return Agency.objects.select_related("parent").get(pk=actor.agency.pk)


def record(actor: Actor, action: str, now: datetime, payload: dict[str, str]) -> None:
    """One audit event of the administration (no contract): who, when, what."""
    audit.append([audit.PendingEvent(None, actor.username, action, "", "", now, payload)])


@dataclass(frozen=True)
class NumberPreview:
    """The next registration number as a format would write it."""

    number: str
    serial: int
    year: int
    serial_limit: int | None


def preview_number(actor: Actor, number_format: str, today: date) -> NumberPreview:
    """The agency's next number of this year in ``number_format`` (refused if the format is)."""
    agency = administered_agency(actor)
    validate_format(number_format)
    serial = next_serial(agency, today.year)
    try:
        number = format_number(
            number_format,
            year=today.year,
            region=agency.region_code,
            agency=agency.code,
            serial=serial,
        )
    except (ValueError, TypeError, IndexError, KeyError) as error:  # e.g. {region:d}
        raise DomainError(
            f"登记编号格式无法生成编号：{error}",
            f"the number format cannot write a number: {error}",
            code="number_format_unusable",
        ) from None
    return NumberPreview(number, serial, today.year, serial_limit(number_format))


def default_rules(today: date) -> RuleSet:
    """The rule set in force: what a blank limit or threshold means."""
    return rule_set_for(today)


def save_settings(
    actor: Actor,
    *,
    number_format: str,
    review_limit_days: str,
    large_review_limit_days: str,
    large_threshold: str,
    now: datetime,
) -> dict[str, tuple[str, str]]:
    """Set the agency's number format, review limits and threshold as the form sends them;
    all or nothing, every field's problem at once. Returns field -> (old, new) of what changed."""
    agency = administered_agency(actor)
    number_format = number_format.strip()
    problems: list[Problem] = []
    try:
        validate_format(number_format)
        preview_number(actor, number_format, now.date())
    except DomainError as error:
        problems.append(_on("number_format", error))
    deadlines: Deadlines | None = None
    try:
        deadlines = parse_deadlines(review_limit_days, large_review_limit_days, large_threshold)
    except ValidationFailed as error:
        problems.extend(error.problems)
    if problems or deadlines is None:
        raise ValidationFailed(problems)
    with transaction.atomic():
        changed: dict[str, tuple[str, str]] = {}
        if number_format != agency.number_format:
            try:
                save_agency(
                    agency.code,
                    name=agency.name,
                    region=agency.region_code,
                    number_format=number_format,
                )
            except DomainError as error:  # e.g. the same format as an agency of the region
                raise ValidationFailed([_on("number_format", error)]) from None
            changed["number_format"] = (agency.number_format, number_format)
        _, limits = save_deadlines(agency.code, deadlines)
        changed.update(limits)
        if changed:
            payload = {"agency": agency.code}
            for name, (old, new) in changed.items():
                payload[name] = new
                payload[f"{name}_was"] = old
            record(actor, "agency_settings", now, payload)
    return changed


def _on(field: str, error: DomainError) -> Problem:
    return Problem(0, field, error.code, error.message, error.message_en)
