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


LARGE = {
    "total_amount": "6000000.00",
    "tech_amount": "5800000.00",
    "non_tech_equipment": "200000.00",
    "non_tech_materials": "",
}


def registered_large(seller, registrar, second_registrar, agency, now: datetime, **overrides: str):
    """A large contract registered after its second review by another registrar."""
    contract = submitted(seller, agency, now, **{**LARGE, **overrides})
    services.accept(contract.pk, actor=registrar, now=now)
    services.send_to_second_review(contract.pk, actor=registrar, now=now)
    return services.register(contract.pk, actor=second_registrar, now=now)
