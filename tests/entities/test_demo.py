"""The demo's slice of entity lists: imported once, nothing added on a second run."""

from __future__ import annotations

import pytest

from techmarket.entities.demo import load_entities_demo
from techmarket.entities.models import Candidate, PartyName, Recognition, Residency

pytestmark = pytest.mark.django_db


def test_the_demo_bureau_gets_recognitions_renames_residents_and_candidates(agencies, now):
    first = load_entities_demo(region="440100", seed=1, now=now)
    assert first["recognitions"] == Recognition.objects.count() > 300
    assert PartyName.objects.exists() and Residency.objects.exists() and Candidate.objects.exists()
    again = load_entities_demo(region="440100", seed=1, now=now)
    assert set(again.values()) == {0}


def test_a_demo_of_another_city_has_no_guangzhou_lists(agencies, now):
    assert set(load_entities_demo(region="360100", seed=1, now=now).values()) == {0}
