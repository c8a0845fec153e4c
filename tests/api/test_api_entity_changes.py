"""POST /entities/recognitions/{id}/revoke (If-Match), /organisations/{key}/move and /rename."""

from __future__ import annotations

from datetime import date

import pytest

from techmarket.entities.models import PartyRegion, Recognition
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db


def _revoke(client, row, version=None):  # type: ignore[no-untyped-def]
    headers = {"If-Match": f'"{version}"'} if version is not None else {}
    return client.post(
        f"/entities/recognitions/{row.pk}/revoke",
        {"effective_on": "2023-01-01", "reason": "公告撤销"},
        **headers,
    )


def test_a_revocation_at_the_current_version_answers_the_row_with_its_new_etag(
    api_as, agency_admin
):
    row = recognise(firm(), date(2021, 12, 20))
    answer = _revoke(api_as(agency_admin), row, version=1)
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer["ETag"]) == ("revoked", '"2"')
    assert Recognition.objects.get().revoked_on == date(2023, 1, 1)


def test_a_stale_version_answers_412_and_changes_nothing(api_as, agency_admin):
    row = recognise(firm(), date(2021, 12, 20))
    answer = _revoke(api_as(agency_admin), row, version=7)
    assert (answer.status_code, answer.json()["code"]) == (412, "stale_version")
    assert Recognition.objects.get().status == "recognised"


def test_revoking_twice_answers_409(api_as, agency_admin):
    row = recognise(firm(), date(2021, 12, 20))
    client = api_as(agency_admin)
    assert _revoke(client, row).status_code == 200
    assert _revoke(client, row).status_code == 409


def test_a_district_admin_may_not_revoke_in_another_district(api_as, other_agency_admin):
    row = recognise(firm(region="440106"), date(2021, 12, 20))
    answer = _revoke(api_as(other_agency_admin), row)
    assert (answer.status_code, answer.json()["code"]) == (403, "region_not_in_jurisdiction")


def test_a_district_admin_records_a_move_into_their_district_but_not_between_others(
    api_as, other_agency_admin
):
    coming = firm(region="440106")
    client = api_as(other_agency_admin)
    answer = client.post(
        f"/entities/organisations/{coming.identifier}/move",
        {"region": "黄埔区", "on": "2023-03-01"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["region"] == "440112"
    other = firm(region="440106")
    refused = client.post(
        f"/entities/organisations/{other.pk}/move", {"region": "440104", "on": "2023-03-01"}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "region_not_in_jurisdiction")
    assert not PartyRegion.objects.filter(party=other).exists()


def test_an_unknown_district_name_answers_422(api_as, agency_admin):
    party = firm()
    answer = api_as(agency_admin).post(
        f"/entities/organisations/{party.pk}/move", {"region": "不存在区", "on": "2023-03-01"}
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "region_unknown")


def test_a_rename_answers_the_new_name(api_as, agency_admin):
    party = firm("广州接口旧名科技有限公司")
    answer = api_as(agency_admin).post(
        f"/entities/organisations/{party.pk}/rename",
        {"name": "广州接口新名科技有限公司", "on": "2024-03-01"},
    )
    assert (answer.status_code, answer.json()["name"]) == (200, "广州接口新名科技有限公司")
