"""The register's read endpoints: lists with filters and pages, the organisation, the expiring
list, the cultivation board and yield, a stage move with If-Match, and the xlsx exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from techmarket.entities import services
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def tianhe_firm(agencies):
    party = firm("广州天河光电科技有限公司", region="440106")
    recognise(party, date(2023, 12, 28))
    return party


@pytest.fixture
def candidate(agency_admin, now):
    row, _ = services.save_candidate(
        firm(region="440106"),
        kind="high_tech_enterprise",
        round_name="2025年第一批",
        year=2025,
        district="440106",
        actor=agency_admin,
        now=now,
    )
    return row


def test_a_registrar_lists_the_recognitions_of_the_city_with_filters(
    api_as, registrar, tianhe_firm
):
    recognise(firm(region="440112"), date(2021, 1, 4))  # ended 2024-01-04
    answer = api_as(registrar).get("/entities/recognitions?status=recognised&as_of=2025-06-16")
    assert answer.status_code == 200, answer.content
    items = answer.json()["items"]
    assert [i["name"] for i in items] == ["广州天河光电科技有限公司"]
    assert items[0]["status"] == "recognised" and items[0]["granted_on"] == "2023-12-28"
    expired = api_as(registrar).get("/entities/recognitions?status=expired&as_of=2025-06-16")
    assert [i["region"] for i in expired.json()["items"]] == ["440112"]


def test_pages_come_with_a_cursor(api_as, registrar, agencies):
    for day in (1, 2, 3):
        recognise(firm(), date(2024, 2, day))
    client = api_as(registrar)
    first = client.get("/entities/recognitions?limit=2").json()
    second = client.get(f"/entities/recognitions?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert client.get("/entities/recognitions?limit=2&cursor=xyz").json()["code"] == (
        "invalid_cursor"
    )


def test_another_jurisdiction_gets_403(api_as, other_district_registrar, tianhe_firm):
    client = api_as(other_district_registrar)
    answer = client.get("/entities/recognitions?region=440106")
    assert answer.status_code == 403
    assert answer.json()["code"] == "region_not_in_jurisdiction"
    assert client.get(f"/entities/organisations/{tianhe_firm.identifier}").status_code == 403
    assert client.get("/entities/recognitions").json()["items"] == []


def test_a_seller_gets_403_everywhere(api_as, seller, tianhe_firm, candidate):
    client = api_as(seller)
    for path in (
        "/entities/recognitions",
        "/entities/recognitions.xlsx",
        f"/entities/organisations/{tianhe_firm.pk}",
        "/entities/expiring",
        "/entities/candidates",
        "/entities/candidates/yield",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert answer.json()["code"] == "entities_not_for_role"
    moved = client.post(f"/entities/candidates/{candidate.pk}/stage", {"stage": "applied"})
    assert moved.status_code == 403


def test_the_organisation_by_uscc_with_its_recognitions(api_as, analyst, tianhe_firm):
    answer = api_as(analyst).get(f"/entities/organisations/{tianhe_firm.identifier}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["name"] == "广州天河光电科技有限公司" and body["region_name"] == "天河区"
    assert [r["status"] for r in body["recognitions"]] == ["recognised"]
    assert body["contracts"] == {"registered": 0, "total_amount": "0.00", "tech_amount": "0.00"}
    assert api_as(analyst).get("/entities/organisations/999999").status_code == 404


def test_the_expiring_list_for_the_next_months(api_as, registrar, agencies):
    soon = recognise(firm(), date(2022, 12, 1))
    recognise(firm(), date(2023, 12, 1))
    answer = api_as(registrar).get("/entities/expiring?within_months=6&as_of=2025-06-16")
    assert answer.status_code == 200, answer.content
    assert [(i["id"], i["renewed"]) for i in answer.json()["items"]] == [(soon.pk, False)]
    refused = api_as(registrar).get("/entities/expiring?within_months=0")
    assert refused.status_code == 422


def test_a_stage_moves_with_if_match_and_a_stale_one_gets_412(api_as, agency_admin, candidate):
    client = api_as(agency_admin)
    read = client.get(f"/entities/candidates/{candidate.pk}")
    assert read["ETag"] == '"1"' and read.json()["moves"] == ["applied", "recognised", "dropped"]
    path = f"/entities/candidates/{candidate.pk}/stage"
    moved = client.post(path, {"stage": "applied"}, **{"If-Match": '"1"'})
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "applied" and moved["ETag"] == '"2"'
    stale = client.post(path, {"stage": "recognised"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    backwards = client.post(path, {"stage": "candidate"}, **{"If-Match": '"2"'})
    assert backwards.status_code == 409
    board = client.get("/entities/candidates").json()
    assert board["round"] == "2025年第一批"
    assert {c["stage"]: c["total"] for c in board["columns"]}["applied"] == 1
    assert client.get("/entities/candidates/yield").json()[0]["applied_rate"] == 100.0


def test_a_registrar_reads_the_board_but_cannot_move_a_candidate(api_as, registrar, candidate):
    client = api_as(registrar)
    assert client.get("/entities/candidates").status_code == 200
    answer = client.post(f"/entities/candidates/{candidate.pk}/stage", {"stage": "applied"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "entities_write_not_for_role"


def test_another_district_cannot_see_or_move_the_candidate(api_as, other_agency_admin, candidate):
    client = api_as(other_agency_admin)
    assert client.get(f"/entities/candidates/{candidate.pk}").status_code == 404
    assert client.get("/entities/candidates?district=440106").status_code == 403
    answer = client.post(f"/entities/candidates/{candidate.pk}/stage", {"stage": "applied"})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("path", "header"),
    [
        ("/entities/recognitions.xlsx?kind=high_tech_enterprise", "证书或登记编号"),
        ("/entities/expiring.xlsx?within_months=36", "剩余天数"),
        ("/entities/candidates.xlsx", "阶段"),
        ("/entities/candidates/yield.xlsx", "入库认定率(%)"),
    ],
)
def test_each_list_exports_as_a_workbook(
    path, header, api_as, agency_admin, tianhe_firm, candidate
):
    answer = api_as(agency_admin).get(path)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    headers = [c.value for c in sheet[2]]
    assert header in headers
    assert sheet.max_row >= 3


def test_a_key_of_unicode_digits_that_are_no_number_is_not_found(api_as, registrar):
    """ "³" is a digit to Python's isdigit but no number to int(): a 404, never a 500."""
    assert api_as(registrar).get("/entities/organisations/%C2%B3").status_code == 404
    assert api_as(registrar).get("/contracts/%C2%B3").status_code in (404, 422)
