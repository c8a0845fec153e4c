"""/demands/{id}/matches, /achievements/{id}/matches, /market/search, /market/suggest-field."""

from __future__ import annotations

import pytest

from tests.market.leads import achievement, demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(agencies, now):
    separator = achievement(now, transfer_modes="转让;合作开发", price="500000")
    water = achievement(
        now,
        external_id="CG-002",
        title="城镇污水高效脱氮工艺",
        summary="短程硝化反硝化脱氮，能耗低",
        tech_field="07",
    )
    return separator, water, demand(now)


def test_a_demands_matches_are_ranked_and_explained(listings, api_as, seller):
    _, _, need = listings
    answer = api_as(seller).get(f"/demands/{need.pk}/matches?top=5")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["filters"]["fields"] == ["05"] and body["filters"]["region"] == "440000"
    (best,) = body["results"]
    assert (best["external_id"], best["rank"], best["lexical_rank"]) == ("CG-001", 1, 1)
    assert best["explanation"]["field"] == "match" and "隔膜" in best["explanation"]["terms"]


def test_an_achievements_matches_are_demands(listings, api_as, seller):
    answer = api_as(seller).get(f"/achievements/{listings[0].pk}/matches")
    assert [r["external_id"] for r in answer.json()["results"]] == ["XQ-001"]


def test_matches_of_an_absent_listing_are_404_and_top_is_bounded(listings, api_as, seller):
    assert api_as(seller).get("/demands/999999/matches").json()["code"] == "listing_not_found"
    assert api_as(seller).get(f"/demands/{listings[2].pk}/matches?top=51").status_code == 422


def test_search_finds_published_listings_with_filters(listings, api_as, seller):
    client = api_as(seller)
    found = client.get("/market/search?q=脱氮&kind=achievements&top=1").json()
    assert [r["external_id"] for r in found["results"]] == ["CG-002"]
    filtered = client.get("/market/search?q=脱氮&kind=achievements&field=05").json()
    assert "CG-002" not in [r["external_id"] for r in filtered["results"]]
    refused = client.get("/market/search?q=脱氮&region=44")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_region")
    assert client.get("/market/search?q=").status_code == 422


def test_suggest_field_ranks_codes_with_their_evidence(agencies, api_as, seller):
    answer = api_as(seller).post("/market/suggest-field", {"text": "锂离子电池高镍正极材料"})
    first = answer.json()["suggestions"][0]
    assert first["code"] == "05" and first["name"] == "新材料及其应用" and first["terms"]
    assert api_as(seller).post("/market/suggest-field", {"text": "的"}).json() == {
        "suggestions": []
    }
    assert api_as(None).post("/market/suggest-field", {"text": "电池"}).status_code == 401
