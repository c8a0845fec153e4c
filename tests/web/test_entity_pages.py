"""The register's pages: the recognition list and its export, an organisation, the expiring
list, the cultivation board with a stage move (htmx and plain), and the contract page's panel
of the seller's recognitions."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from techmarket.entities import services
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(agencies):
    party = firm("广州页面测试科技有限公司", region="440106")
    return recognise(party, date(2023, 12, 28))


@pytest.fixture
def candidate(agency_admin, now):
    row, _ = services.save_candidate(
        firm("广州培育对象科技有限公司", region="440106"),
        kind="high_tech_enterprise",
        round_name="2025年第一批",
        year=2025,
        district="440106",
        actor=agency_admin,
        now=now,
    )
    return row


def test_the_analyst_filters_the_list_and_exports_exactly_it(browser_as, analyst, listed):
    recognise(firm("广州另一家有限公司"), date(2024, 3, 1), kind="incubator", batch="2024市级")
    client = browser_as(analyst)
    page = client.get("/entities/?kind=high_tech_enterprise&status=recognised")
    assert page.status_code == 200
    text = page.content.decode()
    assert "广州页面测试科技有限公司" in text and "广州另一家有限公司" not in text
    assert listed.number in text and "创新主体" in text  # the menu entry
    export = client.get("/entities/?kind=high_tech_enterprise&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        "广州页面测试科技有限公司"
    ]


def test_a_bad_filter_is_said_on_the_page(browser_as, registrar):
    page = browser_as(registrar).get("/entities/?as_of=2025-13-01")
    assert page.status_code == 400 and "YYYY-MM-DD" in page.content.decode()


def test_a_seller_and_another_district_are_refused(
    browser_as, seller, other_district_registrar, listed
):
    assert browser_as(seller).get("/entities/").status_code == 403
    client = browser_as(other_district_registrar)
    assert client.get("/entities/?region=440106").status_code == 403
    assert client.get(f"/entities/organisations/{listed.party.identifier}/").status_code == 403


def test_the_organisation_page_shows_its_certificate(browser_as, registrar, listed):
    page = browser_as(registrar).get(f"/entities/organisations/{listed.party.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and listed.number in text and "天河区" in text


def test_the_expiring_page_lists_what_ends_soon(browser_as, registrar, agencies):
    soon = recognise(firm("广州快到期科技有限公司"), date(2022, 12, 1))
    page = browser_as(registrar).get("/entities/expiring/?within_months=6&as_of=2025-06-16")
    assert page.status_code == 200 and soon.number in page.content.decode()
    export = browser_as(registrar).get(
        "/entities/expiring/?within_months=6&as_of=2025-06-16&format=xlsx"
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_agency_admin_moves_a_candidate_on_the_board_with_htmx(
    browser_as, agency_admin, candidate
):
    client = browser_as(agency_admin)
    board = client.get("/entities/candidates/")
    assert "广州培育对象科技有限公司" in board.content.decode() and 'data-move="applied"' in (
        board.content.decode()
    )
    moved = client.post(
        f"/entities/candidates/{candidate.pk}/stage/",
        {"stage": "applied", "version": "1", "round": "2025年第一批"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200
    candidate.refresh_from_db()
    assert candidate.stage == "applied"
    assert 'id="candidate-board"' in moved.content.decode()
    assert "csrfmiddlewaretoken=" not in moved.content.decode()  # not in the export links
    assert "100.0" in moved.content.decode()  # the yield is drawn again with the board
    stale = client.post(
        f"/entities/candidates/{candidate.pk}/stage/",
        {"stage": "recognised", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert "move-error" in stale.content.decode()
    plain = client.post(
        f"/entities/candidates/{candidate.pk}/stage/", {"stage": "recognised", "version": "2"}
    )
    assert plain.status_code == 302 and "/entities/candidates/" in plain["Location"]


def test_a_registrar_reads_the_board_without_buttons(browser_as, registrar, candidate):
    client = browser_as(registrar)
    text = client.get("/entities/candidates/").content.decode()
    assert "广州培育对象科技有限公司" in text and "data-move" not in text
    refused = client.post(f"/entities/candidates/{candidate.pk}/stage/", {"stage": "applied"})
    assert refused.status_code == 403


def test_the_registrars_contract_page_shows_the_sellers_certificate(
    browser_as, registrar, seller, seller_party, agencies, now
):
    from techmarket.registry import services as registry
    from tests.domain.builders import valid_record

    cert = recognise(seller_party, date(2023, 12, 28))
    contract = registry.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    registry.submit(contract.pk, actor=seller, now=now)
    text = browser_as(registrar).get(f"/contracts/{contract.pk}/").content.decode()
    assert "卖方现有认定资质" in text and cert.number in text
    own = browser_as(seller).get(f"/contracts/{contract.pk}/").content.decode()
    assert "卖方现有认定资质" not in own


def test_an_agency_admin_records_a_move_on_the_organisation_page(browser_as, agency_admin, listed):
    client = browser_as(agency_admin)
    page = client.get(f"/entities/organisations/{listed.party.pk}/")
    assert 'data-form="move"' in page.content.decode()
    moved = client.post(
        f"/entities/organisations/{listed.party.pk}/move/",
        {"region": "黄埔区", "on": "2025-03-01"},
        follow=True,
    )
    text = moved.content.decode()
    assert moved.redirect_chain and "已记录迁移" in text and "黄埔区" in text
    listed.party.refresh_from_db()
    assert listed.party.region_code == "440112"


def test_a_district_admin_moves_a_firm_out_and_an_unknown_district_is_refused_in_the_page(
    browser_as, other_agency_admin, agencies
):
    client = browser_as(other_agency_admin)
    staying = firm("广州黄埔另一家科技有限公司", region="440112")
    bad = client.post(
        f"/entities/organisations/{staying.pk}/move/", {"region": "不存在区", "on": ""}
    )
    assert bad.status_code == 400 and "不存在区" in bad.content.decode()
    leaving = firm("广州黄埔页面科技有限公司", region="440112")
    out = client.post(
        f"/entities/organisations/{leaving.pk}/move/", {"region": "440104", "on": "2025-03-01"}
    )
    assert out.status_code == 302 and out["Location"] == "/entities/"  # no longer theirs to read


def test_an_agency_admin_revokes_from_the_page_and_a_stale_form_is_refused_in_place(
    browser_as, agency_admin, listed
):
    client = browser_as(agency_admin)
    stale = client.post(
        f"/entities/organisations/{listed.party.pk}/revoke/",
        {"recognition": f"{listed.pk}:9", "on": "2025-01-01", "reason": "抽查"},
    )
    assert stale.status_code == 400 and "刷新" in stale.content.decode()
    done = client.post(
        f"/entities/organisations/{listed.party.pk}/revoke/",
        {"recognition": f"{listed.pk}:1", "on": "2025-01-01", "reason": "抽查"},
        follow=True,
    )
    assert "已撤销" in done.content.decode()
    listed.refresh_from_db()
    assert (listed.status, listed.revoked_on) == ("revoked", date(2025, 1, 1))


def test_a_registrar_sees_no_forms_and_may_not_post(browser_as, registrar, listed):
    client = browser_as(registrar)
    assert (
        'data-form="move"'
        not in client.get(f"/entities/organisations/{listed.party.pk}/").content.decode()
    )
    refused = client.post(
        f"/entities/organisations/{listed.party.pk}/revoke/",
        {"recognition": f"{listed.pk}:1", "on": "2025-01-01", "reason": "x"},
    )
    assert refused.status_code == 403
