"""Listing steps by name, as the API and the pages call them."""

from __future__ import annotations

import pytest

from techmarket.domain.listings import parse_listing
from techmarket.domain.problems import DomainError
from techmarket.market import services
from techmarket.market.steps import run_listing_step
from tests.market.builders import achievement_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller, now):
    record, _ = parse_listing("achievement", achievement_row(), 1)
    return services.create_draft("achievement", record, actor=seller, now=now)


def test_steps_run_by_name_with_the_note_a_return_needs(draft, seller, registrar, now):
    run_listing_step("achievement", "submit", draft.pk, actor=seller, now=now)
    returned = run_listing_step(
        "achievement", "return", draft.pk, actor=registrar, now=now, note="补充指标"
    )
    assert (returned.status, returned.note) == ("draft", "补充指标")


def test_an_unknown_step_and_a_note_a_step_does_not_take_are_refused(draft, seller, now):
    with pytest.raises(DomainError) as unknown:
        run_listing_step("achievement", "expire", draft.pk, actor=seller, now=now)
    assert unknown.value.code == "unknown_action"
    with pytest.raises(DomainError) as extra:
        run_listing_step("achievement", "submit", draft.pk, actor=seller, now=now, note="x")
    assert extra.value.code == "unexpected_input"
