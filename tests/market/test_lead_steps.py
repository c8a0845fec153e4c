"""The lead steps by name (what the API's and the pages' buttons call) and the steps a reader
is offered: only those who follow a lead are offered its moves."""

from __future__ import annotations

import pytest

from techmarket.domain.problems import DomainError
from techmarket.market import lead_selectors, lead_services
from techmarket.market.lead_steps import run_lead_step
from tests.market.leads import achievement, demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(agencies, broker, now):
    return lead_services.propose(achievement(now).pk, demand(now).pk, actor=broker, now=now)


def test_a_step_by_name_moves_the_lead_one_stage_with_its_note(lead, broker, now):
    moved = run_lead_step("contact", lead.pk, actor=broker, now=now, note="电话联系双方")
    assert (moved.status, moved.note, moved.version) == ("contacted", "电话联系双方", 2)


def test_a_drop_by_name_takes_its_reason(lead, broker, now):
    dropped = run_lead_step("drop", lead.pk, actor=broker, now=now, reason="企业预算不足")
    assert (dropped.status, dropped.drop_reason) == ("dropped", "企业预算不足")


@pytest.mark.parametrize(
    ("action", "extra", "field"),
    [
        ("contact", {"registration_number": "2025440100000001"}, "registration_number"),
        ("sign", {"reason": "无"}, "reason"),
        ("drop", {"reason": "不合适", "note": "另附说明"}, "note"),
    ],
)
def test_input_a_step_does_not_take_is_refused_not_ignored(lead, broker, now, action, extra, field):
    with pytest.raises(DomainError) as refused:
        run_lead_step(action, lead.pk, actor=broker, now=now, **extra)
    assert (refused.value.code, refused.value.details["field"]) == ("unexpected_input", field)


def test_an_unknown_step_is_named_as_such(lead, broker, now):
    with pytest.raises(DomainError) as refused:
        run_lead_step("propose", lead.pk, actor=broker, now=now)
    assert refused.value.code == "unknown_action"


def test_the_follower_is_offered_the_next_stage_and_the_drop_a_watcher_nothing(
    lead, broker, registrar
):
    offered = [str(t.action) for t in lead_selectors.lead_actions(broker, lead)]
    assert offered == ["contact", "drop"]
    assert lead_selectors.lead_actions(registrar, lead) == []
