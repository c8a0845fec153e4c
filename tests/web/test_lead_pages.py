"""The lead, broker and funnel pages over the same services and access rules as the API: a
broker's board by stage, a lead's page and its steps (a refusal beside its field, the input
kept), proposing from a listing, the register of brokers, and the funnel's figures."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from techmarket.market import lead_services
from techmarket.stats.funnel import funnel
from tests.market.leads import achievement, demand, walk_to_signed
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(agencies, now):
    """Both in 天河 (440106): within 广州, outside 黄埔."""
    return achievement(now), demand(now, region="440106")


@pytest.fixture
def lead(pair, broker):
    found, needed = pair
    return lead_services.propose(found.pk, needed.pk, actor=broker, now=timezone.now())


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def text_of(response) -> str:
    return response.content.decode()


def signed(lead, broker):
    return walk_to_signed(lead, broker, timezone.now())


# -- who lands where, who sees what --


def test_a_broker_who_signs_in_lands_on_the_lead_board(browser_as, broker):
    home = browser_as(broker).get("/home/")
    assert (home.status_code, home["Location"]) == (302, "/market/leads/")
    board = browser_as(broker).get("/market/leads/")
    text = text_of(board)
    assert "技术经纪人" in text  # the role's name in the frame
    for entry in ('href="/market/leads/"', 'href="/market/"', 'href="/market/brokers/"'):
        assert entry in text


@pytest.mark.parametrize("persona", ["analyst", "registrar", "agency_admin"])
def test_the_funnel_is_in_the_navigation_of_analysts_registrars_and_agency_admins(
    persona, request, browser_as
):
    page = browser_as(request.getfixturevalue(persona)).get("/market/funnel/")
    assert page.status_code == 200
    assert 'href="/market/funnel/"' in text_of(page)


def test_the_board_groups_the_brokers_leads_by_stage_with_counts(browser_as, broker, lead, now):
    second = lead_services.propose(
        lead.achievement_id, demand(now, external_id="XQ-002").pk, actor=broker, now=now
    )
    lead_services.contact(second.pk, actor=broker, now=now)
    board = browser_as(broker).get("/market/leads/")
    assert board.status_code == 200
    text = text_of(board)
    for stage, count in (("proposed", 1), ("contacted", 1), ("registered", 0)):
        section = re.search(rf'id="stage-{stage}".*?</section>', text, re.S).group(0)
        assert f'data-count="{count}"' in section
    proposed = re.search(r'id="stage-proposed".*?</section>', text, re.S).group(0)
    assert f'href="/market/leads/{lead.pk}/"' in proposed


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("broker", 200),
        ("registrar", 200),
        ("analyst", 200),
        ("outsider", 404),
        ("other_broker", 404),
        ("other_district_registrar", 404),
    ],
)
def test_the_lead_page_opens_for_those_the_lead_concerns_only(
    persona, status, request, browser_as, lead
):
    page = browser_as(request.getfixturevalue(persona)).get(f"/market/leads/{lead.pk}/")
    assert page.status_code == status
    if status == 404:
        assert lead.achievement.title not in text_of(page)


def test_the_follower_gets_the_step_buttons_and_a_registrar_none(
    browser_as, broker, registrar, lead
):
    mine = text_of(browser_as(broker).get(f"/market/leads/{lead.pk}/"))
    assert 'data-action="contact"' in mine and 'data-action="drop"' in mine
    theirs = text_of(browser_as(registrar).get(f"/market/leads/{lead.pk}/"))
    assert "data-action=" not in theirs
    assert lead.achievement.title in theirs and lead.demand.title in theirs
    refused = browser_as(registrar).post(f"/market/leads/{lead.pk}/act/contact/")
    assert refused.status_code == 403


def test_another_broker_cannot_advance_the_lead(browser_as, other_broker, lead):
    refused = browser_as(other_broker).post(f"/market/leads/{lead.pk}/act/contact/")
    assert refused.status_code == 404
    lead.refresh_from_db()
    assert lead.status == "proposed"


# -- the steps --


def test_a_step_moves_the_lead_and_the_timeline_shows_it(browser_as, broker, lead):
    client = browser_as(broker)
    done = client.post(
        f"/market/leads/{lead.pk}/act/contact/", {"version": "1", "note": "已电话联系双方"}
    )
    assert (done.status_code, done["Location"]) == (302, f"/market/leads/{lead.pk}/")
    page = text_of(client.get(done["Location"]))
    assert "已记录接洽" in page  # the message after the write
    assert "已电话联系双方" in page  # in the timeline
    assert 'class="badge lead-contacted"' in page


def test_a_contract_between_other_parties_is_refused_beside_the_number_which_is_kept(
    browser_as, broker, lead, seller, registrar, agencies, now
):
    from tests.domain.builders import make_uscc

    other = registered(
        seller,
        registrar,
        agencies["city"],
        now,
        buyer_name="深圳某电池公司",
        buyer_id=make_uscc("440300", "MA5F1K2L"),
        buyer_region="440300",
    )
    signed(lead, broker)
    refused = browser_as(broker).post(
        f"/market/leads/{lead.pk}/act/register/",
        {"version": "4", "registration_number": other.registration_number, "note": "已登记"},
    )
    assert refused.status_code == 422
    text = text_of(refused)
    message = re.search(r'id="msg-registration_number"[^>]*>(.*?)</p>', text, re.S).group(1)
    assert "深圳某电池公司" in message and "error-text" in message
    assert f'value="{other.registration_number}"' in text  # what was typed is kept
    assert 'href="#id_registration_number"' in text  # the summary links to the field
    lead.refresh_from_db()
    assert lead.status == "signed"


def test_an_unknown_number_is_a_message_beside_the_field_not_a_missing_page(
    browser_as, broker, lead
):
    signed(lead, broker)
    refused = browser_as(broker).post(
        f"/market/leads/{lead.pk}/act/register/", {"registration_number": "2025440100999999"}
    )
    assert refused.status_code == 422
    assert "2025440100999999" in text_of(refused)


def test_the_registered_contract_closes_the_lead_with_its_amounts(
    browser_as, broker, lead, contract
):
    signed(lead, broker)
    client = browser_as(broker)
    done = client.post(
        f"/market/leads/{lead.pk}/act/register/",
        {"registration_number": contract.registration_number},
    )
    assert done.status_code == 302
    page = text_of(client.get(done["Location"]))
    assert contract.registration_number in page
    assert f"{contract.total_amount:,.2f}" in page


def test_a_drop_without_a_reason_is_refused_beside_the_field(browser_as, broker, lead):
    refused = browser_as(broker).post(f"/market/leads/{lead.pk}/act/drop/", {"reason": "  "})
    assert refused.status_code == 422
    message = re.search(r'id="msg-reason"[^>]*>(.*?)</p>', text_of(refused), re.S).group(1)
    assert "原因" in message
    dropped = browser_as(broker).post(
        f"/market/leads/{lead.pk}/act/drop/", {"reason": "企业预算不足"}
    )
    assert dropped.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.drop_reason) == ("dropped", "企业预算不足")


def test_a_stale_page_is_told_the_lead_moved_on(browser_as, broker, lead):
    lead_services.contact(lead.pk, actor=broker, now=timezone.now())
    stale = browser_as(broker).post(
        f"/market/leads/{lead.pk}/act/negotiate/", {"version": "1", "note": "开始洽谈"}
    )
    assert stale.status_code == 409
    assert 'value="开始洽谈"' in text_of(stale)


# -- proposing from a listing --


def test_a_published_listing_offers_a_broker_to_propose_a_lead_and_an_analyst_not(
    browser_as, broker, analyst, pair
):
    found, _ = pair
    page = text_of(browser_as(broker).get(f"/market/achievements/{found.pk}/"))
    assert f'href="/market/leads/new/?achievement={found.pk}"' in page
    assert "propose-lead" not in text_of(
        browser_as(analyst).get(f"/market/achievements/{found.pk}/")
    )


def test_a_broker_proposes_a_lead_choosing_the_demand_by_text(browser_as, broker, pair, now):
    found, needed = pair
    demand(now, external_id="XQ-OTHER", title="光伏组件清洗机器人", summary="组件表面积灰。")
    client = browser_as(broker)
    form = client.get(f"/market/leads/new/?achievement={found.pk}&q=隔膜")
    assert form.status_code == 200
    text = text_of(form)
    assert needed.title in text and "光伏组件清洗机器人" not in text
    done = client.post(
        "/market/leads/new/",
        {"achievement": str(found.pk), "other": str(needed.pk), "note": "指标匹配"},
    )
    assert done.status_code == 302
    lead = lead_services.Lead.objects.get()
    assert done["Location"] == f"/market/leads/{lead.pk}/"
    assert (lead.achievement_id, lead.demand_id, lead.note, lead.score) == (
        found.pk,
        needed.pk,
        "指标匹配",
        None,  # no match score is made up
    )


def test_a_second_proposal_of_the_pair_is_refused_and_keeps_the_note(
    browser_as, broker, lead, pair
):
    found, needed = pair
    again = browser_as(broker).post(
        "/market/leads/new/",
        {"demand": str(needed.pk), "other": str(found.pk), "note": "再次推荐"},
    )
    assert again.status_code == 409
    text = text_of(again)
    assert "再次推荐" in text and str(lead.pk) in text
    assert re.search(rf'value="{found.pk}"\s+checked', text)


def test_proposing_without_choosing_says_what_to_choose(browser_as, broker, pair):
    found, _ = pair
    refused = browser_as(broker).post("/market/leads/new/", {"achievement": str(found.pk)})
    assert refused.status_code == 422
    assert "请选择要对接的技术需求" in text_of(refused)


# -- brokers --


@pytest.mark.parametrize("persona", ["broker", "seller", "registrar", "analyst"])
def test_the_register_of_brokers_is_open_to_every_signed_in_user(
    persona, request, browser_as, broker, other_broker
):
    page = browser_as(request.getfixturevalue(persona)).get("/market/brokers/?field=05")
    assert page.status_code == 200
    text = text_of(page)
    assert "陈经纪" in text and "林经纪" not in text


def test_a_brokers_profile_shows_training_and_the_computed_track_record(
    browser_as, seller, broker, lead, contract
):
    signed(lead, broker)
    lead_services.register(
        lead.pk,
        registration_number=contract.registration_number,
        actor=broker,
        now=timezone.now(),
    )
    page = browser_as(seller).get(f"/market/brokers/{lead.broker_id}/")
    text = text_of(page)
    assert "技术经理人初级培训" in text and "JJR-2024-0001" in text
    assert re.search(r'id="record-registered">1<', text)
    assert f"{contract.total_amount:,.2f}" in text
    assert browser_as(seller).get("/market/brokers/999999/").status_code == 404


# -- the funnel --


def test_the_funnel_page_shows_the_reports_figures(browser_as, analyst, broker, lead, contract):
    signed(lead, broker)
    lead_services.register(
        lead.pk,
        registration_number=contract.registration_number,
        actor=broker,
        now=timezone.now(),
    )
    year = str(timezone.localdate().year)
    page = browser_as(analyst).get(f"/market/funnel/?period={year}&by=region&level=city")
    assert page.status_code == 200
    report = funnel(analyst, year, by="region", level="city")
    text = text_of(page)
    total = re.search(r'id="funnel-total">(.*?)</tr>', text, re.S).group(1)
    cells = dict(re.findall(r'data-col="(\w+)">([^<]*)<', total))
    expected = report.total.as_dict()
    for key in ("proposed", "contacted", "negotiating", "signed", "registered", "conversion"):
        assert cells[key] == str(expected[key])
    assert cells["total_amount"] == f"{expected['total_amount']:,.2f}"
    assert cells["tech_amount"] == f"{expected['tech_amount']:,.2f}"
    assert [r.key for r in report.rows] == re.findall(r'<tr data-key="(\d+)">', text)


def test_the_funnel_downloads_as_the_table_on_screen(browser_as, analyst, broker, lead):
    year = str(timezone.localdate().year)
    download = browser_as(analyst).get(f"/market/funnel/?period={year}&by=field&format=xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f'lead-funnel-{year}-field.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("代码", "名称", "推荐对接")
    assert rows[-1][1] == "合计" and rows[-1][2] == 1


def test_a_bad_period_is_said_on_the_funnel_page(browser_as, analyst):
    page = browser_as(analyst).get("/market/funnel/?period=2025Q5")
    assert page.status_code == 422
    assert 'value="2025Q5"' in text_of(page)


def test_a_region_outside_the_jurisdiction_is_refused(browser_as, registrar):
    page = browser_as(registrar).get("/market/funnel/?period=2025&region=350000")
    assert page.status_code == 403


def test_a_broker_reads_the_funnel_of_their_own_leads(browser_as, broker, lead):
    year = str(timezone.localdate().year)
    page = browser_as(broker).get(f"/market/funnel/?period={year}&by=broker")
    total = re.search(r'id="funnel-total">(.*?)</tr>', text_of(page), re.S).group(1)
    assert dict(re.findall(r'data-col="(\w+)">([^<]*)<', total))["proposed"] == "1"


@pytest.mark.parametrize("path", ["/market/leads/", "/market/brokers/", "/market/funnel/"])
def test_the_pages_are_in_english_too(path, browser_as, broker):
    client = browser_as(broker)
    client.cookies["django_language"] = "en"
    page = client.get(path)
    assert page.status_code == 200
    assert '<html lang="en"' in text_of(page)
