"""The to-do counts every page's frame shows: exact after each step, counted once meanwhile."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techmarket.registry import services
from techmarket.registry.worklist import worklist
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db


def test_the_counts_follow_every_step_and_are_not_counted_again_in_between(
    seller, registrar, agencies, now
):
    today = now.date()
    first = submitted(seller, agencies["city"], now, external_id="W-1")
    assert worklist(registrar, today).by_status["submitted"] == 1

    with CaptureQueriesContext(connection) as asked:
        again = worklist(registrar, today)
    assert again.by_status["submitted"] == 1
    assert not any("COUNT" in q["sql"].upper() for q in asked.captured_queries)

    submitted(seller, agencies["city"], now, external_id="W-2")
    assert worklist(registrar, today).by_status["submitted"] == 2
    services.accept(first.pk, actor=registrar, now=now)
    counts = worklist(registrar, today).by_status
    assert (counts["submitted"], counts["accepted"]) == (1, 1)


def test_each_seller_and_agency_has_counts_of_its_own(
    seller, outsider, registrar, other_district_registrar, agencies, now
):
    today = now.date()
    submitted(seller, agencies["city"], now, external_id="W-3")
    assert worklist(registrar, today).total == 1
    assert worklist(other_district_registrar, today).total == 0
    assert worklist(seller, today).total == 0  # submitted: waiting for the agency, not the seller
    assert worklist(outsider, today).total == 0
