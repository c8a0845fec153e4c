"""Another system publishes achievements and demands over the API, under the same rules as the
pages and the command line: drafts, review by the jurisdiction, ETags, problems, file imports."""

from __future__ import annotations

import csv
import io

import pytest

from techmarket.market.models import Achievement, Demand
from techmarket.registry.audit import verify
from tests.market.builders import achievement_row, demand_row

pytestmark = pytest.mark.django_db


def draft(client, kind="achievements", **overrides):
    row = (achievement_row if kind == "achievements" else demand_row)(**overrides)
    return client.post(f"/{kind}", {"record": row})


def submitted(client, kind="achievements", **overrides):
    created = draft(client, kind, **overrides)
    assert created.status_code == 201, created.json()
    listing_id = created.json()["id"]
    assert client.post(f"/{kind}/{listing_id}/actions/submit").status_code == 200
    return listing_id


@pytest.fixture
def fujian_registrar(agencies):
    from techmarket.accounts.services import save_agency
    from tests.conftest import _person

    save_agency("P350000", name="福建省技术合同认定登记中心", region="350000")
    return _person("fujian_registrar", "registrar", agency="P350000")


def test_a_seller_drafts_and_submits_and_a_registrar_of_the_region_publishes(
    api_as, seller, registrar, outsider
):
    as_seller = api_as(seller)
    created = draft(as_seller)
    assert created.status_code == 201, created.json()
    listing_id = created.json()["id"]
    assert created["Location"] == f"/api/v1/achievements/{listing_id}"
    assert created["ETag"] == '"1"'
    assert as_seller.post(f"/achievements/{listing_id}/actions/submit").json()["status"] == (
        "review"
    )
    published = api_as(registrar).post(f"/achievements/{listing_id}/actions/publish")
    assert published.status_code == 200, published.json()
    assert published.json() == {
        "id": listing_id,
        "external_id": "CG-001",
        "status": "published",
        "version": 3,
    }

    shown = api_as(outsider).get(f"/achievements/{listing_id}")
    assert shown.status_code == 200
    body = shown.json()
    assert (body["status"], body["agency"], body["owner"]) == (
        "published",
        "D440106",
        "广州新锂科技有限公司",
    )
    assert body["record"]["maturity"] == "pilot_tested"
    assert body["record"]["patent_numbers"] == "202110921116.9"
    assert body["actions"] == []  # an outsider may read it, not act on it
    assert verify().ok


def test_the_detail_offers_the_caller_the_steps_it_may_take(api_as, seller, registrar):
    listing_id = submitted(api_as(seller))
    offered = api_as(registrar).get(f"/achievements/{listing_id}").json()["actions"]
    assert [a["action"] for a in offered] == ["publish", "return", "close"]
    assert [
        a["action"] for a in api_as(seller).get(f"/achievements/{listing_id}").json()["actions"]
    ] == ["close"]


def test_a_bad_listing_answers_every_problem_beside_its_field(api_as, seller):
    answer = draft(api_as(seller), trl="12", region="440199", title="")
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "validation_failed"
    assert {(p["field"], p["code"]) for p in body["problems"]} == {
        ("trl", "trl_range"),
        ("region", "region_unknown"),
        ("title", "required"),
    }
    assert Achievement.objects.count() == 0


def test_an_unknown_field_is_refused_not_ignored(api_as, seller):
    answer = api_as(seller).post("/demands", {"record": {**demand_row(), "price": "100"}})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"
    assert answer.json()["problems"][0]["field"] == "record.price"


def test_a_retry_of_the_same_listing_is_a_conflict_not_a_second_listing(api_as, seller):
    client = api_as(seller)
    assert draft(client).status_code == 201
    again = draft(client)
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_listing")
    assert Achievement.objects.count() == 1


def test_an_outsider_gets_404_for_a_draft_exactly_as_for_no_listing(api_as, seller, outsider):
    listing_id = draft(api_as(seller)).json()["id"]
    hidden = api_as(outsider).get(f"/achievements/{listing_id}")
    absent = api_as(outsider).get("/achievements/999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["code"] == absent.json()["code"] == "listing_not_found"
    assert "锂电池" not in hidden.content.decode()


def test_a_seller_cannot_publish_its_own_listing(api_as, seller):
    listing_id = submitted(api_as(seller))
    refused = api_as(seller).post(f"/achievements/{listing_id}/actions/publish")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_in_jurisdiction")


def test_a_registrar_of_another_province_can_neither_see_nor_review(
    api_as, seller, fujian_registrar
):
    listing_id = submitted(api_as(seller), "demands", region="440106")
    client = api_as(fujian_registrar)
    assert client.get(f"/demands/{listing_id}").status_code == 404
    refused = client.post(f"/demands/{listing_id}/actions/publish")
    assert (refused.status_code, refused.json()["code"]) == (404, "listing_not_found")
    assert client.get("/demands").json()["total"] == 0


def test_a_registrar_of_another_district_cannot_review(api_as, seller, other_district_registrar):
    listing_id = submitted(api_as(seller))
    refused = api_as(other_district_registrar).post(f"/achievements/{listing_id}/actions/publish")
    assert refused.status_code == 404


def test_a_return_needs_a_note_and_sends_the_listing_back(api_as, seller, registrar):
    listing_id = submitted(api_as(seller))
    client = api_as(registrar)
    bare = client.post(f"/achievements/{listing_id}/actions/return", {"note": " "})
    assert (bare.status_code, bare.json()["code"]) == (422, "note_required")
    returned = client.post(
        f"/achievements/{listing_id}/actions/return", {"note": "请补充技术指标的测试条件"}
    )
    assert returned.json()["status"] == "draft"
    assert api_as(seller).get(f"/achievements/{listing_id}").json()["note"] == (
        "请补充技术指标的测试条件"
    )


def test_a_step_that_takes_no_note_refuses_one(api_as, seller):
    listing_id = draft(api_as(seller)).json()["id"]
    refused = api_as(seller).post(f"/achievements/{listing_id}/actions/submit", {"note": "x"})
    assert (refused.status_code, refused.json()["code"]) == (422, "unexpected_input")


def test_an_unknown_step_is_refused_by_the_document(api_as, seller):
    listing_id = draft(api_as(seller)).json()["id"]
    assert api_as(seller).post(f"/achievements/{listing_id}/actions/expire").status_code == 422


def test_a_stale_if_match_answers_412_and_changes_nothing(api_as, seller):
    client = api_as(seller)
    listing_id = draft(client).json()["id"]
    etag = client.get(f"/achievements/{listing_id}")["ETag"]
    assert etag == '"1"'
    changed = client.call("PATCH", f"/achievements/{listing_id}", {"title": "新名称的成果"})
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = client.post(f"/achievements/{listing_id}/actions/submit", **{"If-Match": etag})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    assert client.get(f"/achievements/{listing_id}").json()["status"] == "draft"
    fresh = client.post(f"/achievements/{listing_id}/actions/submit", **{"If-Match": '"2"'})
    assert fresh.status_code == 200


def test_a_patch_that_breaks_the_listing_changes_nothing(api_as, seller):
    client = api_as(seller)
    listing_id = draft(client).json()["id"]
    broken = client.call("PATCH", f"/achievements/{listing_id}", {"price": "-5", "trl": None})
    assert broken.status_code == 422
    assert [p["field"] for p in broken.json()["problems"]] == ["price"]
    shown = client.get(f"/achievements/{listing_id}").json()
    assert (shown["version"], shown["record"]["trl"]) == (1, "6")


def test_a_submitted_listing_cannot_be_patched(api_as, seller):
    client = api_as(seller)
    listing_id = submitted(client)
    refused = client.call("PATCH", f"/achievements/{listing_id}", {"title": "改名"})
    assert (refused.status_code, refused.json()["code"]) == (409, "transition_not_allowed")


def test_the_list_filters_and_pages(api_as, seller, registrar, outsider):
    as_seller = api_as(seller)
    for index in range(3):
        listing_id = submitted(
            as_seller, external_id=f"CG-{index}", title=f"锂电池隔膜技术第{index}号"
        )
        api_as(registrar).post(f"/achievements/{listing_id}/actions/publish")
    draft(as_seller, external_id="CG-D", tech_field="01", title="工业软件平台")
    reader = api_as(outsider)
    everything = reader.get("/achievements").json()
    assert everything["total"] == 3  # the draft is the seller's alone
    page = reader.get("/achievements?limit=2&page=2").json()
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (3, 2, 2, 1)
    assert reader.get("/achievements?q=第1号").json()["total"] == 1
    assert reader.get("/achievements?field=01").json()["total"] == 0
    assert as_seller.get("/achievements?field=01").json()["total"] == 1
    assert reader.get("/achievements?region=440100").json()["total"] == 3
    assert reader.get("/achievements?region=440112").json()["total"] == 0
    assert reader.get("/achievements?maturity=pilot_tested&mode=license").json()["total"] == 3
    assert as_seller.get("/achievements?status=draft&mine=true").json()["total"] == 1
    unknown = reader.get("/achievements?status=nonsense")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_status")


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_file_of_demands_is_imported_all_or_nothing(api_as, seller):
    client = api_as(seller)
    good = _csv([demand_row(external_id=f"XQ-{i}") for i in range(2)])
    done = client.upload("/demands/import", "demands.csv", good)
    assert done.status_code == 200, done.json()
    assert (done.json()["created"], done.json()["committed"]) == (2, True)
    # a seller's listings wait for the agency's review; the agency's own import publishes
    assert set(Demand.objects.values_list("status", flat=True)) == {"review"}

    bad = _csv([demand_row(external_id="XQ-9"), demand_row(external_id="XQ-10", budget="很多")])
    refused = client.upload("/demands/import", "bad.csv", bad)
    assert refused.status_code == 422
    assert [(p["row"], p["field"]) for p in refused.json()["problems"]] == [(2, "budget")]
    assert Demand.objects.count() == 2


def test_an_import_as_drafts_waits_for_review(api_as, seller):
    client = api_as(seller)
    done = client.client.post(
        "/api/v1/achievements/import",
        {"file": _upload(_csv([achievement_row()])), "draft": "true"},
        headers=client.headers,
    )
    assert done.status_code == 200, done.json()
    assert Achievement.objects.get().status == "draft"


def test_an_analyst_may_read_listings_but_not_publish_one(api_as, analyst):
    client = api_as(analyst)
    assert client.get("/demands").status_code == 200
    refused = draft(client, "demands")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_may_not_list")


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("listings.csv", content, "text/csv")
