"""The market pages over the same services and access rules as the API: the hall, a listing's
page and its steps, the organisation's listings and form with live checks, the review queue,
and the file import."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techmarket.domain.listings import parse_listing
from techmarket.market import services
from techmarket.market.models import Achievement, Demand
from tests.market.builders import achievement_row, demand_row

pytestmark = pytest.mark.django_db


def make(kind, actor, now, **overrides):
    row = (achievement_row if kind == "achievement" else demand_row)(**overrides)
    record, problems = parse_listing(kind, row, 1)
    assert record is not None, problems
    return services.create_draft(kind, record, actor=actor, now=now)


def in_review(kind, seller, now, **overrides):
    listing = make(kind, seller, now, **overrides)
    return services.submit(kind, listing.pk, actor=seller, now=now)


def published(kind, seller, registrar, now, **overrides):
    listing = in_review(kind, seller, now, **overrides)
    return services.publish(kind, listing.pk, actor=registrar, now=now)


def form_values(kind, **overrides):
    row = (achievement_row if kind == "achievement" else demand_row)(**overrides)
    modes = "transfer_modes" if kind == "achievement" else "cooperation_modes"
    codes = {"转让": "transfer", "许可": "license", "合作开发": "joint_development"}
    values = {k: v for k, v in row.items() if k != modes}
    values[modes] = [codes[m] for m in row[modes].split(";") if m]
    values["maturity"] = {"通过中试": "pilot_tested"}.get(values.get("maturity", ""), "")
    values = {k: v for k, v in values.items() if v != ""}
    return values


# -- who sees which page --


def test_a_visitor_is_sent_to_sign_in_for_the_hall(client):
    response = client.get("/market/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["seller", "outsider", "registrar", "agency_admin", "analyst"])
def test_the_hall_shows_published_listings_to_every_role(
    persona, request, browser_as, seller, registrar, now
):
    published("achievement", seller, registrar, now, title="陶瓷涂覆隔膜制备技术")
    make("achievement", seller, now, external_id="CG-DRAFT", title="尚未提交的草稿成果")
    page = browser_as(request.getfixturevalue(persona)).get("/market/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "陶瓷涂覆隔膜制备技术" in text
    assert "尚未提交的草稿成果" not in text  # the hall holds published listings only
    assert 'href="/market/"' in text  # the navigation leads to it


def test_the_hall_filters_by_kind_field_region_maturity_mode_and_text(
    browser_as, seller, registrar, outsider, now
):
    published("achievement", seller, registrar, now, external_id="CG-1", title="隔膜热稳定技术")
    published(
        "achievement",
        seller,
        registrar,
        now,
        external_id="CG-2",
        title="工业软件平台",
        tech_field="01",
        maturity="通过小试",
        transfer_modes="合作开发",
    )
    published("demand", seller, registrar, now, external_id="XQ-1", region="440106")
    client = browser_as(outsider)

    def titles(query):
        text = client.get(f"/market/?{query}").content.decode()
        text = text.replace("<mark>", "").replace("</mark>", "")  # a search marks its terms
        return {
            t for t in ("隔膜热稳定技术", "工业软件平台", "动力电池隔膜热稳定性提升") if t in text
        }

    assert titles("") == {"隔膜热稳定技术", "工业软件平台"}
    assert titles("kind=demands") == {"动力电池隔膜热稳定性提升"}
    assert titles("field=01") == {"工业软件平台"}
    assert titles("maturity=pilot_tested") == {"隔膜热稳定技术"}
    assert titles("mode=license") == {"隔膜热稳定技术"}
    assert titles("q=软件") == {"工业软件平台"}
    assert titles("region=440112") == set()
    assert titles("region=440100") == {"隔膜热稳定技术", "工业软件平台"}


def test_the_hall_pages_fifty_at_a_time(browser_as, seller, registrar, now):
    for index in range(51):
        published("achievement", seller, registrar, now, external_id=f"CG-{index:02d}")
    client = browser_as(seller)
    first = client.get("/market/").content.decode()
    assert "共 51 条" in first and "第 1 / 2 页" in first and 'rel="next"' in first
    second = client.get("/market/?page=2").content.decode()
    assert second.count("/market/achievements/") == 1 and 'rel="prev"' in second


def test_an_unknown_kind_is_no_page(browser_as, seller):
    assert browser_as(seller).get("/market/?kind=patents").status_code == 404
    assert browser_as(seller).get("/market/patents/1/").status_code == 404


def test_an_outsider_gets_404_for_a_draft_as_for_no_listing(browser_as, seller, outsider, now):
    listing = make("achievement", seller, now)
    client = browser_as(outsider)
    hidden = client.get(f"/market/achievements/{listing.pk}/")
    absent = client.get("/market/achievements/999999/")
    assert hidden.status_code == absent.status_code == 404
    assert "高安全性锂电池隔膜" not in hidden.content.decode()


def test_a_registrar_of_another_district_gets_404_for_a_listing_in_review(
    browser_as, seller, other_district_registrar, now
):
    listing = in_review("achievement", seller, now)
    client = browser_as(other_district_registrar)
    assert client.get(f"/market/achievements/{listing.pk}/").status_code == 404
    refused = client.post(f"/market/achievements/{listing.pk}/act/publish/")
    assert refused.status_code == 404
    assert Achievement.objects.get().status == "review"


def test_the_detail_page_shows_names_not_codes_and_loads_matches_after_itself(
    browser_as, seller, registrar, outsider, now
):
    listing = published("achievement", seller, registrar, now)
    text = browser_as(outsider).get(f"/market/achievements/{listing.pk}/").content.decode()
    for shown in ("通过中试", "转让、许可", "440106 广东省广州市天河区", "面议", "已发布"):
        assert shown in text
    # 匹配结果 arrive by htmx once the page is shown (tests/web/test_match_pages.py)
    assert f"/market/achievements/{listing.pk}/matches/" in text and "match-list" not in text
    assert "data-action" not in text  # an outsider reads, and acts on nothing


def test_the_detail_page_speaks_english_when_asked(browser_as, seller, registrar, outsider, now):
    listing = published("achievement", seller, registrar, now)
    client = browser_as(outsider)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get(f"/market/achievements/{listing.pk}/").content.decode()
    assert "Pilot tested" in text and "Assignment, Licence" in text and "published" in text


# -- the owner's pages and form --


def test_a_seller_sees_its_own_listings_in_every_status(browser_as, seller, outsider, now):
    make("achievement", seller, now, title="我方草稿成果")
    make("demand", outsider, now, title="他方草稿需求", region="440112")
    text = browser_as(seller).get("/market/mine/").content.decode()
    assert "我方草稿成果" in text and "他方草稿需求" not in text
    assert "草稿" in text


def test_staff_have_no_my_listings_page_and_sellers_no_review_queue(browser_as, registrar, seller):
    assert browser_as(registrar).get("/market/mine/").status_code == 403
    assert browser_as(seller).get("/market/review/").status_code == 403


def test_the_new_form_starts_with_the_sellers_organisation(browser_as, seller):
    page = browser_as(seller).get("/market/achievements/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="广州新锂科技有限公司"' in text
    assert 'hx-post="/market/achievements/check/"' in text
    assert "成熟度与知识产权" in text  # the form is in sections


def test_a_bad_form_keeps_the_input_and_says_beside_each_field_what_is_wrong(browser_as, seller):
    values = form_values("achievement", trl="12", title="锂电池隔膜技术成果")
    response = browser_as(seller).post("/market/achievements/new/", values)
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="msg-trl"' in text and "技术就绪度“12”应为 1–9 的整数" in text
    assert 'value="锂电池隔膜技术成果"' in text  # what was typed is kept
    assert 'value="license" checked' in text
    assert 'href="#id_trl"' in text  # the summary links to the field
    assert Achievement.objects.count() == 0


def test_a_good_form_saves_a_draft_and_the_owner_submits_it(browser_as, seller, now):
    client = browser_as(seller)
    response = client.post("/market/demands/new/", form_values("demand"))
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert (demand.status, demand.owner_id, demand.cooperation_modes) == (
        "draft",
        seller.party_id,
        "joint_development",
    )
    assert response["Location"] == f"/market/demands/{demand.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-action="submit"' in page and f"/market/demands/{demand.pk}/edit/" in page
    client.post(f"/market/demands/{demand.pk}/act/submit/", {"version": str(demand.version)})
    assert Demand.objects.get().status == "review"


def test_a_taken_reference_is_said_beside_the_reference(browser_as, seller, now):
    make("achievement", seller, now)
    response = browser_as(seller).post("/market/achievements/new/", form_values("achievement"))
    assert response.status_code == 422
    assert "CG-001 已被使用" in response.content.decode()


def test_the_live_check_answers_each_fields_message_out_of_band(browser_as, seller):
    values = form_values("achievement", region="4401")
    response = browser_as(seller).post("/market/achievements/check/", values)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="msg-region" role="status" aria-live="polite" hx-swap-oob="true"' in text
    assert "应为 6 位行政区划代码" in text
    assert 'id="msg-title"' in text  # every field's message, so a fixed one clears


def test_the_owner_edits_a_draft_and_a_stale_form_is_refused(browser_as, seller, now):
    listing = make("achievement", seller, now)
    client = browser_as(seller)
    assert (
        'value="高安全性锂电池隔膜制备技术"'
        in client.get(f"/market/achievements/{listing.pk}/edit/").content.decode()
    )
    values = form_values("achievement", title="改进的锂电池隔膜技术")
    done = client.post(f"/market/achievements/{listing.pk}/edit/", {**values, "version": "1"})
    assert done.status_code == 302
    assert Achievement.objects.get().title == "改进的锂电池隔膜技术"
    stale = client.post(
        f"/market/achievements/{listing.pk}/edit/", {**values, "title": "再改", "version": "1"}
    )
    assert stale.status_code == 409 and "已被修改" in stale.content.decode()
    assert 'value="再改"' in stale.content.decode()


def test_a_submitted_listing_cannot_be_edited_from_the_page(browser_as, seller, now):
    listing = in_review("achievement", seller, now)
    response = browser_as(seller).get(f"/market/achievements/{listing.pk}/edit/")
    assert response.status_code == 302


def test_an_outsider_cannot_open_the_edit_form_of_a_published_listing(
    browser_as, seller, registrar, outsider, now
):
    listing = published("achievement", seller, registrar, now)
    response = browser_as(outsider).get(f"/market/achievements/{listing.pk}/edit/")
    assert response.status_code == 302  # to the page, which offers no edit


def test_staff_do_not_create_listings_from_the_page(browser_as, registrar):
    assert browser_as(registrar).get("/market/achievements/new/").status_code == 403


# -- review --


def test_the_registrar_finds_it_in_the_queue_and_publishes_it(browser_as, seller, registrar, now):
    listing = in_review("achievement", seller, now)
    client = browser_as(registrar)
    queue = client.get("/market/review/").content.decode()
    assert f'href="/market/achievements/{listing.pk}/"' in queue
    page = client.get(f"/market/achievements/{listing.pk}/").content.decode()
    assert 'data-action="publish"' in page and 'summary role="button"' in page
    response = client.post(
        f"/market/achievements/{listing.pk}/act/publish/", {"version": str(listing.version)}
    )
    assert response.status_code == 302 and response["Location"] == "/market/review/"
    assert Achievement.objects.get().status == "published"
    assert (
        f"/market/achievements/{listing.pk}/" not in client.get("/market/review/").content.decode()
    )


def test_a_seller_cannot_publish_its_own_listing(browser_as, seller, now):
    listing = in_review("achievement", seller, now)
    response = browser_as(seller).post(f"/market/achievements/{listing.pk}/act/publish/")
    assert response.status_code == 403
    assert Achievement.objects.get().status == "review"


def test_a_return_needs_its_reason_and_keeps_nothing_lost(browser_as, seller, registrar, now):
    listing = in_review("demand", seller, now, region="440106")
    client = browser_as(registrar)
    bare = client.post(f"/market/demands/{listing.pk}/act/return/", {"note": "  "})
    assert bare.status_code == 422 and "退回时须说明需修改的内容" in bare.content.decode()
    assert Demand.objects.get().status == "review"
    client.post(f"/market/demands/{listing.pk}/act/return/", {"note": "请写明预算范围"})
    assert Demand.objects.get().status == "draft"
    owner_page = browser_as(seller).get(f"/market/demands/{listing.pk}/").content.decode()
    assert "请写明预算范围" in owner_page


def test_the_owner_closes_a_published_listing_and_it_leaves_the_hall(
    browser_as, seller, registrar, now
):
    listing = published("achievement", seller, registrar, now, title="将要关闭的成果")
    client = browser_as(seller)
    client.post(f"/market/achievements/{listing.pk}/act/close/", {"note": "已转让"})
    assert Achievement.objects.get().status == "closed"
    assert "将要关闭的成果" not in client.get("/market/").content.decode()


# -- import --


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("listings.csv", out.getvalue().encode(), "text/csv")


def test_an_import_with_a_bad_row_writes_nothing_and_lists_the_problems(browser_as, seller):
    rows = [achievement_row(external_id="CG-1"), achievement_row(external_id="CG-2", trl="十")]
    response = browser_as(seller).post(
        "/market/import/", {"kind": "achievements", "file": _csv(rows)}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="problem-table"' in text and "技术就绪度“十”" in text
    assert Achievement.objects.count() == 0


def test_a_good_import_is_reported_and_drafts_wait_for_review(browser_as, registrar):
    rows = [demand_row(external_id=f"XQ-{i}", region="440106") for i in range(2)]
    client = browser_as(registrar)
    response = client.post("/market/import/", {"kind": "demands", "draft": "1", "file": _csv(rows)})
    assert response.status_code == 302
    assert set(Demand.objects.values_list("status", flat=True)) == {"draft"}
    assert "新增 2 条" in client.get("/market/import/").content.decode()


def test_an_analyst_may_not_import(browser_as, analyst):
    assert browser_as(analyst).get("/market/import/").status_code == 403


def test_amounts_read_with_separators_and_a_budget_as_a_range(browser_as, seller, registrar, now):
    published("demand", seller, registrar, now, region="440106")
    published("achievement", seller, registrar, now, price="1200000")
    client = browser_as(seller)
    assert "300,000.00 – 800,000.00" in client.get("/market/?kind=demands").content.decode()
    assert "1,200,000.00" in client.get("/market/").content.decode()
