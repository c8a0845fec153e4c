"""Organisations and recognitions for register tests, built through the real services."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from techmarket.entities import services
from techmarket.entities.models import Recognition
from techmarket.registry.actors import Actor, system_actor
from techmarket.registry.models import Party

if TYPE_CHECKING:
    from techmarket.market.models import BrokerProfile
from tests.domain.builders import make_uscc

_serial = itertools.count(1)


def firm(name: str | None = None, region: str = "440106", *, with_uscc: bool = True) -> Party:
    """A company registered in ``region``, with a valid USCC unless asked otherwise."""
    n = next(_serial)
    org8 = f"MA{n:06d}"
    return Party.objects.create(
        identifier=make_uscc(region, org8) if with_uscc else None,
        name=name or f"广州测试{n}号科技有限公司",
        nature="150",
        region_code=region,
    )


def high_tech_number(year: int, serial: int, province: str = "44") -> str:
    return f"GR{year}{province}{serial:06d}"


def recognise(
    party: Party,
    granted_on: date,
    *,
    kind: str = "high_tech_enterprise",
    number: str | None = None,
    batch: str = "",
    level: str = "national",
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Recognition:
    if number is None and kind == "high_tech_enterprise":
        number = high_tech_number(granted_on.year, next(_serial))
    facts = services.RecognitionFacts(
        kind=kind, number=number or "", level=level, batch=batch, granted_on=granted_on
    )
    row, _ = services.save_recognition(
        party,
        facts,
        actor or system_actor(),
        now or datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    return row


def trained_person(
    name: str, trainings: list[tuple[str, str]], *, region: str = "440106"
) -> BrokerProfile:
    """A person known from training lists: (date, level) per course, counted in ``region``."""
    from decimal import Decimal

    from techmarket.market.models import BrokerProfile, Training

    at = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    person = BrokerProfile.objects.create(name=name, created_at=at, updated_at=at)
    for on, level in trainings:
        Training.objects.create(
            person=person,
            on=date.fromisoformat(on),
            course=f"{level} {on}",
            hours=Decimal(32),
            level=level,
            region_code=region,
        )
    return person
