"""Whose statistics an actor may read: their agency's region and the regions within it."""

from __future__ import annotations

import pytest

from techmarket.accounts.models import Agency
from techmarket.domain.problems import PermissionDenied
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.stats.access import readable_region

pytestmark = pytest.mark.django_db


def _actor(role: str, region: str | None) -> Actor:
    agency = Agency(code=f"A{region}", name="机构", region_code=region) if region else None
    return Actor(f"{role}-{region}", Role(role), agency)


CASES = [
    # role, agency region, requested region, region read (or the refusal's code)
    ("analyst", "440100", "440106", "440106"),
    ("analyst", "440100", "440100", "440100"),
    ("analyst", "440100", None, "440100"),
    ("analyst", "440100", "440000", "region_not_in_jurisdiction"),
    ("analyst", "440100", "110000", "region_not_in_jurisdiction"),
    ("analyst", "440100", "000000", "region_not_in_jurisdiction"),
    ("analyst", "440100", "440300", "region_not_in_jurisdiction"),
    ("analyst", "440000", "440106", "440106"),
    ("analyst", "000000", "110000", "110000"),
    ("analyst", "000000", "440106", "440106"),
    ("analyst", "000000", None, "000000"),
    ("registrar", "440106", "440106", "440106"),
    ("registrar", "440106", "440112", "region_not_in_jurisdiction"),
    ("agency_admin", "440100", "440112", "440112"),
    ("operator", None, "110000", "110000"),
    ("operator", None, None, "000000"),
    ("seller", None, "440100", "statistics_not_for_role"),
    ("seller", None, None, "statistics_not_for_role"),
    ("analyst", None, "440100", "no_jurisdiction"),
]


@pytest.mark.parametrize(("role", "agency_region", "requested", "expected"), CASES)
def test_an_actor_reads_only_regions_within_their_jurisdiction(
    role, agency_region, requested, expected
):
    actor = _actor(role, agency_region)
    if expected.isdigit():
        assert readable_region(actor, requested) == expected
    else:
        with pytest.raises(PermissionDenied) as refused:
            readable_region(actor, requested)
        assert refused.value.code == expected


def test_the_province_analyst_persona_reads_a_district_but_not_another_province(analyst):
    assert readable_region(analyst) == "440000"
    assert readable_region(analyst, "440106") == "440106"
    with pytest.raises(PermissionDenied) as refused:
        readable_region(analyst, "110000")
    assert refused.value.details == {"region": "110000", "jurisdiction": "440000"}
