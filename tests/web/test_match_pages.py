"""Matching on the pages: a listing's 匹配结果 fragment, the hall's engine search, the field
suggestion beside the form."""

from __future__ import annotations

import pytest

from tests.market.leads import achievement, demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(agencies, now):
    separator = achievement(
        now,
        transfer_modes="转让;合作开发",
        price="500000",
        title="高安全性锂电池隔膜<制备>技术",  # markup in a title must come out escaped
    )
    water = achievement(
        now,
        external_id="CG-002",
        title="城镇污水高效脱氮工艺",
        summary="短程硝化反硝化脱氮，能耗低",
        tech_field="07",
    )
    return separator, water, demand(now)


def test_a_listing_page_loads_its_matches_after_the_page(listings, browser_as, seller):
    need = listings[2]
    page = browser_as(seller).get(f"/market/demands/{need.pk}/").content.decode()
    assert f'hx-get="/market/demands/{need.pk}/matches/"' in page and 'hx-trigger="load"' in page
    assert "CG-001" not in page  # the page itself does not wait for the engine


def test_the_match_section_marks_shared_terms_escaped_and_shows_fit_badges(
    listings, browser_as, seller
):
    need = listings[2]
    answer = browser_as(seller).get(f"/market/demands/{need.pk}/matches/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "匹配结果" in html and f'href="/market/achievements/{listings[0].pk}/"' in html
    assert "<mark>隔膜</mark>" in html and "&lt;制备&gt;" in html and "<制备>" not in html
    assert 'data-fit="field"' in html and "领域相同" in html and "价格在预算内" in html
    assert "CG-002" not in html  # another field


def test_matches_of_a_draft_are_not_found_by_another_organisation(
    agencies, now, browser_as, seller, outsider
):
    from techmarket.domain.listings import parse_listing
    from techmarket.market import services

    record, _ = parse_listing("demand", {"external_id": "XQ-9", "title": "隔膜", "summary": "x"}, 1)
    draft = services.create_draft("demand", record, actor=seller, now=now)
    assert browser_as(seller).get(f"/market/demands/{draft.pk}/matches/").status_code == 200
    assert browser_as(outsider).get(f"/market/demands/{draft.pk}/matches/").status_code == 404


def test_the_hall_search_goes_through_the_engine_with_highlighted_terms(
    listings, browser_as, seller
):
    html = browser_as(seller).get("/market/?kind=achievements&q=脱氮工艺").content.decode()
    assert "城镇污水高效<mark>脱氮</mark><mark>工艺</mark>" in html
    assert "按与搜索词的相关度排列" in html
    filtered = browser_as(seller).get("/market/?kind=achievements&q=脱氮&field=05").content
    assert "城镇污水" not in filtered.decode()


def test_the_field_suggestion_fragment_offers_codes_with_evidence(agencies, browser_as, seller):
    client = browser_as(seller)
    form = client.get("/market/achievements/new/").content.decode()
    assert 'hx-post="/market/achievements/suggest-field/"' in form
    answer = client.post(
        "/market/achievements/suggest-field/",
        {"title": "锂离子电池高镍正极材料", "summary": "一种<b>正极</b>材料的制备方法"},
    )
    html = answer.content.decode()
    assert 'data-fill-field="id_tech_field" data-value="05"' in html and "<mark>" in html
    assert "<b>" not in html
    empty = client.post("/market/achievements/suggest-field/", {"title": "", "summary": ""})
    assert "data-fill-field" not in empty.content.decode()


def test_a_broker_proposes_a_lead_from_a_match_and_the_lead_keeps_its_score_and_rank(
    listings, browser_as, broker
):
    from techmarket.market.models import Lead

    separator, _, need = listings
    client = browser_as(broker)
    fragment = client.get(f"/market/demands/{need.pk}/matches/").content.decode()
    link = f'href="/market/leads/new/?demand={need.pk}&amp;other={separator.pk}"'
    assert link in fragment
    form = client.get(f"/market/leads/new/?demand={need.pk}&other={separator.pk}").content.decode()
    assert f'value="{separator.pk}" checked' in form
    done = client.post("/market/leads/new/", {"demand": need.pk, "other": separator.pk})
    assert done.status_code == 302
    lead = Lead.objects.get()
    assert (lead.achievement_id, lead.demand_id, lead.rank) == (separator.pk, need.pk, 1)
    assert lead.score is not None and lead.score > 0


def test_a_pair_chosen_outside_the_matches_is_proposed_without_a_score(
    listings, browser_as, broker
):
    from techmarket.market.models import Lead

    _, water, need = listings  # another field: never among the demand's matches
    done = browser_as(broker).post("/market/leads/new/", {"demand": need.pk, "other": water.pk})
    assert done.status_code == 302
    lead = Lead.objects.get()
    assert (lead.score, lead.rank) == (None, None)
