"""Entering a figure again keeps the old one: supersede the row in force, add a new one."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

from techmarket.domain.problems import DomainError, NotFound, StaleObject
from techmarket.stats.models import EnteredFigure

F = TypeVar("F", bound=EnteredFigure)


def replace(
    model: type[F], key: dict[str, Any], values: dict[str, Any], *, user: str, now: datetime
) -> tuple[F, bool]:
    """Enter ``values`` for ``key``; the row in force is superseded, not changed.

    Entering exactly what is in force changes nothing (so a re-run adds no history) and
    returns ``changed`` False.
    """
    try:
        with transaction.atomic():
            current = (
                model.objects.select_for_update().filter(superseded_at__isnull=True, **key).first()
            )
            if current is not None and all(
                getattr(current, name) == value for name, value in values.items()
            ):
                return current, False
            if current is not None:
                current.superseded_at = now
                current.save(update_fields=["superseded_at"])
            row = model.objects.create(**key, **values, entered_by=user, entered_at=now)
            if current is not None:
                current.superseded_by = row
                current.save(update_fields=["superseded_by"])
            return row, True
    except IntegrityError:
        # Two people entered the first value for the same key at once: one of them retries.
        raise StaleObject(
            "同一数值刚被他人录入，请查看后重试",
            "someone else entered this value just now; retry",
            code="entered_concurrently",
        ) from None


def withdraw(model: type[F], key: dict[str, Any], *, user: str, now: datetime) -> F:
    """Take the row in force out of force without a successor; it stays in the history."""
    with transaction.atomic():
        current = (
            model.objects.select_for_update().filter(superseded_at__isnull=True, **key).first()
        )
        if current is None:
            described = "，".join(f"{k}={v}" for k, v in key.items())
            raise NotFound(
                f"没有现行的录入值（{described}）",
                f"no value in force for {key}",
                code="no_value_in_force",
            )
        current.superseded_at = now
        current.withdrawn_by = user
        current.save(update_fields=["superseded_at", "withdrawn_by"])
        return current


PLACES = Decimal("0.0001")  # an entered figure keeps 4 decimal places (the models' field)
LIMIT = Decimal(10) ** 20


def entered_number(
    value: str | Decimal, what: str, what_en: str, *, positive: bool = False
) -> Decimal:
    """An exact figure as entered: finite, not negative (positive if asked), at most 4 places."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise DomainError(
            f"{what}不是数值：{value}",
            f"{what_en} is not a number: {value}",
            code="figure_not_a_number",
        )
    if number < 0 or (positive and number == 0):
        zh, en, code = (
            ("须为正数", "must be positive", "figure_not_positive")
            if positive
            else ("不能为负数", "cannot be negative", "figure_negative")
        )
        raise DomainError(f"{what}{zh}：{value}", f"{what_en} {en}: {value}", code=code)
    if number.copy_abs() >= LIMIT:
        raise DomainError(
            f"{what}过大：{value}", f"{what_en} is too large: {value}", code="figure_too_large"
        )
    if number != number.quantize(PLACES):
        raise DomainError(
            f"{what}最多保留 4 位小数：{value}",
            f"{what_en} has more than 4 decimal places: {value}",
            code="figure_too_precise",
        )
    return number
