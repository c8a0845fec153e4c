"""Helpers that walk a contract through the real services, for tests that start mid-workflow."""

from __future__ import annotations

from datetime import datetime, timedelta

from techmarket.registry import services
from tests.domain.builders import valid_record


def submitted(seller, agency, now: datetime, **overrides: str):
    contract = services.create_draft(
        valid_record(**overrides), agency=agency, actor=seller, now=now
    )
    return services.submit(contract.pk, actor=seller, now=now)


def registered(seller, registrar, agency, now: datetime, **overrides: str):
    contract = submitted(seller, agency, now, **overrides)
    later = now + timedelta(days=1)
    services.accept(contract.pk, actor=registrar, now=later)
    return services.register(contract.pk, actor=registrar, now=later)
