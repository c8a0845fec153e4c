from datetime import date

import pytest

from techmarket.domain.entities import CANDIDATE_STAGES, candidate_moves
from techmarket.domain.problems import DomainError, InvalidTransition, NotFound, PermissionDenied
from techmarket.entities import selectors, services
from techmarket.entities.selectors import RecognitionFilter
from techmarket.registry.actors import system_actor
from tests.entities.builders import firm, high_tech_number, recognise

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


def _ids(page):
    return [row["id"] for row in page.items]


def _listed(actor, **filters):
    return _ids(
        selectors.list_recognitions(actor, RecognitionFilter(**filters), today=TODAY, limit=200)
    )


@pytest.fixture
def register_of_three(agency_admin, now):
    """One certificate in force, one expired, one revoked in spring 2024."""
    in_force = recognise(firm("广州在册科技有限公司"), date(2023, 12, 28))
    expired = recognise(firm("广州过期科技有限公司"), date(2022, 3, 1))
    revoked = recognise(firm("广州撤销科技有限公司"), date(2022, 12, 1))
    services.revoke(
        revoked, effective_on=date(2024, 4, 30), reason="虚假申报", actor=agency_admin, now=now
    )
    return in_force, expired, revoked


def test_the_status_of_each_recognition_is_read_for_the_day_asked(registrar, register_of_three):
    in_force, expired, revoked = register_of_three
    assert _listed(registrar, status="recognised") == [in_force.pk]
    assert _listed(registrar, status="expired") == [expired.pk]
    assert _listed(registrar, status="revoked") == [revoked.pk]
    earlier = date(2023, 6, 1)  # before the revocation took effect and the third grant
    assert set(_listed(registrar, status="recognised", as_of=earlier)) == {
        expired.pk,
        revoked.pk,
    }
    assert _listed(registrar, status="not_yet", as_of=earlier) == [in_force.pk]
    page = selectors.list_recognitions(
        registrar, RecognitionFilter(as_of=earlier), today=TODAY, limit=10
    )
    assert {r["id"]: r["status"] for r in page.items}[in_force.pk] == "not_yet"


def test_an_unknown_status_is_refused_with_its_code(registrar):
    with pytest.raises(DomainError) as caught:
        _listed(registrar, status="lapsed")
    assert caught.value.code == "unknown_entity_status"


def test_a_district_reads_only_the_organisations_now_registered_in_it(
    other_agency_admin, registrar, analyst, now
):
    tianhe = recognise(firm(region="440106"), date(2024, 1, 5))
    huangpu = recognise(firm(region="440112"), date(2024, 1, 5))
    assert _listed(other_agency_admin) == [huangpu.pk]
    assert set(_listed(registrar)) == set(_listed(analyst)) == {tianhe.pk, huangpu.pk}
    services.move(tianhe.party, "440112", on=date(2025, 3, 1), actor=system_actor(), now=now)
    assert set(_listed(other_agency_admin)) == {tianhe.pk, huangpu.pk}
    assert _listed(registrar, region="440106") == []


def test_another_jurisdiction_or_a_seller_is_refused(other_agency_admin, seller):
    with pytest.raises(PermissionDenied) as caught:
        _listed(other_agency_admin, region="440106")
    assert caught.value.code == "region_not_in_jurisdiction"
    with pytest.raises(PermissionDenied) as caught:
        _listed(seller)
    assert caught.value.code == "entities_not_for_role"


def test_filters_by_kind_level_year_batch_and_text(registrar, agency_admin, now):
    named = firm("广州锂电新材料有限公司")
    cert = recognise(named, date(2023, 11, 30), number=high_tech_number(2023, 4321))
    sme = recognise(
        firm(), date(2024, 5, 1), kind="tech_sme", number="2024440106A0032458", batch="2024第六批"
    )
    city = recognise(
        firm(), date(2024, 7, 1), kind="incubator", batch="市级2024", level="municipal"
    )
    assert _listed(registrar, kind="tech_sme") == [sme.pk]
    assert _listed(registrar, level="municipal") == [city.pk]
    assert _listed(registrar, granted_year=2023) == [cert.pk]
    assert _listed(registrar, batch="第六批") == [sme.pk]
    assert _listed(registrar, text="锂电") == [cert.pk]
    assert _listed(registrar, text=named.identifier) == [cert.pk]
    assert _listed(registrar, text="gr2023") == [cert.pk]


def test_pages_follow_one_another_without_overlap(registrar):
    made = [recognise(firm(), date(2024, 1, day)).pk for day in (3, 2, 1)]
    first = selectors.list_recognitions(registrar, RecognitionFilter(), today=TODAY, limit=2)
    second = selectors.list_recognitions(
        registrar, RecognitionFilter(), today=TODAY, limit=2, cursor=first.next_cursor
    )
    assert _ids(first) + _ids(second) == made and second.next_cursor is None
    with pytest.raises(DomainError) as caught:
        selectors.list_recognitions(
            registrar, RecognitionFilter(), today=TODAY, sort="valid_to", cursor=first.next_cursor
        )
    assert caught.value.code == "invalid_cursor"


def test_the_expiring_list_holds_what_ends_in_the_window_and_says_what_was_renewed(
    registrar, agency_admin, now
):
    soon = recognise(firm(), date(2022, 12, 1))  # to 2025-12-01
    later = recognise(firm(), date(2023, 1, 10))  # to 2026-01-10: beyond six months
    gone = recognise(firm(), date(2022, 6, 1))  # ended 2025-06-01
    revoked = recognise(firm(), date(2022, 11, 1))
    services.revoke(
        revoked, effective_on=date(2025, 1, 1), reason="核查不符", actor=agency_admin, now=now
    )
    renewed_firm = firm()
    old = recognise(renewed_firm, date(2022, 10, 8))
    recognise(renewed_firm, date(2025, 5, 20))
    page = selectors.list_expiring(registrar, within_months=6, on=TODAY)
    assert _ids(page) == [old.pk, soon.pk]
    assert [r["renewed"] for r in page.items] == [True, False]
    assert page.items[1]["days_left"] == (date(2025, 12, 1) - TODAY).days
    longer = selectors.list_expiring(registrar, within_months=7, on=TODAY)
    assert later.pk in _ids(longer) and gone.pk not in _ids(longer)


def test_the_expiring_window_is_checked_and_months_end_at_month_end(registrar):
    with pytest.raises(DomainError) as caught:
        selectors.list_expiring(registrar, within_months=0, on=TODAY)
    assert caught.value.code == "months_out_of_range"
    assert selectors.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert selectors.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def _candidates(agency_admin, now, district, stages, round_name="2025年高企培育第一批", year=2025):
    made = []
    for stage in stages:
        row, _ = services.save_candidate(
            firm(region=district),
            kind="high_tech_enterprise",
            round_name=round_name,
            year=year,
            district=district,
            actor=agency_admin,
            now=now,
        )
        for step in {"applied": ["applied"], "recognised": ["applied", "recognised"]}.get(
            stage, ["dropped"] if stage == "dropped" else []
        ):
            row = services.set_stage(row, step, actor=agency_admin, now=now)
        made.append(row)
    return made


def test_a_rounds_yield_by_district_counts_applied_and_recognised_with_rates(
    agency_admin, other_agency_admin, now
):
    _candidates(agency_admin, now, "440106", ["candidate", "applied", "recognised", "dropped"])
    _candidates(agency_admin, now, "440112", ["recognised", "recognised"])
    lines = {r["district"]: r for r in selectors.round_yield(agency_admin)}
    tianhe = lines["440106"]
    assert (tianhe["candidates"], tianhe["applied"], tianhe["recognised"], tianhe["dropped"]) == (
        4,
        2,
        1,
        1,
    )
    assert (str(tianhe["applied_rate"]), str(tianhe["recognised_rate"])) == ("50.0", "50.0")
    assert str(tianhe["yield_rate"]) == "25.0"
    assert str(lines["440112"]["yield_rate"]) == "100.0"
    assert [r["district"] for r in selectors.round_yield(other_agency_admin)] == ["440112"]


def test_the_board_shows_the_latest_round_by_stage_and_district(agency_admin, now):
    _candidates(agency_admin, now, "440106", ["candidate"], round_name="2024年第一批", year=2024)
    made = _candidates(agency_admin, now, "440106", ["candidate", "applied"])
    _candidates(agency_admin, now, "440112", ["candidate"])
    board = selectors.candidate_board(agency_admin)
    assert board["round"] == "2025年高企培育第一批"
    assert [r["round"] for r in board["rounds"]] == ["2025年高企培育第一批", "2024年第一批"]
    totals = {c["stage"]: c["total"] for c in board["columns"]}
    assert totals == {"candidate": 2, "applied": 1, "recognised": 0, "dropped": 0}
    assert [(d["district"], d["total"]) for d in board["by_district"]] == [
        ("440106", 2),
        ("440112", 1),
    ]
    card = board["columns"][0]["items"][0]
    assert card["moves"] == ["applied", "recognised", "dropped"]
    narrowed = selectors.candidate_board(
        agency_admin, round_name="2025年高企培育第一批", district="440112"
    )
    assert sum(c["total"] for c in narrowed["columns"]) == 1
    assert made[1].stage == "applied"


def test_a_candidate_of_another_district_reads_as_absent(agency_admin, other_agency_admin, now):
    (row,) = _candidates(agency_admin, now, "440106", ["candidate"])
    assert selectors.get_candidate(agency_admin, row.pk).pk == row.pk
    with pytest.raises(NotFound):
        selectors.get_candidate(other_agency_admin, row.pk)


@pytest.mark.parametrize("start", ["candidate", "applied", "recognised", "dropped"])
def test_the_moves_a_card_offers_are_exactly_those_the_service_accepts(start, agency_admin, now):
    for stage in CANDIDATE_STAGES:
        (row,) = _candidates(agency_admin, now, "440106", [start], round_name=f"{start}-{stage}")
        if stage in candidate_moves(start):
            assert services.set_stage(row, stage, actor=agency_admin, now=now).stage == stage
        else:
            with pytest.raises(InvalidTransition):
                services.set_stage(row, stage, actor=agency_admin, now=now)


def test_the_organisation_page_gathers_history_names_recognitions_and_contracts(
    registrar, seller_party, seller, agencies, now
):
    from techmarket.registry import services as registry
    from tests.domain.builders import valid_record

    operator = system_actor()
    recognise(seller_party, date(2023, 12, 28))
    services.move(seller_party, "440112", on=date(2025, 3, 1), actor=operator, now=now)
    services.rename(
        seller_party, "广州新锂能源科技有限公司", on=date(2025, 4, 1), actor=operator, now=now
    )
    contract = registry.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    registry.submit(contract.pk, actor=seller, now=now)
    registry.accept(contract.pk, actor=registrar, now=now)
    registered = registry.register(contract.pk, actor=registrar, now=now)
    page = selectors.organisation_detail(registrar, seller_party.identifier, on=TODAY)
    assert page["name"] == "广州新锂能源科技有限公司" and page["region"] == "440112"
    assert [r["region"] for r in page["regions"]] == ["440106", "440112"]
    assert page["regions"][0]["valid_from"] is None
    assert [n["name"] for n in page["former_names"]] == ["广州新锂科技有限公司"]
    assert [r["status"] for r in page["recognitions"]] == ["recognised"]
    assert page["contracts"]["registered"] == 1
    assert page["contracts"]["total_amount"] == registered.total_amount
    assert selectors.organisation_detail(registrar, str(seller_party.pk), on=TODAY)["id"] == (
        seller_party.pk
    )


def test_an_organisation_outside_the_jurisdiction_is_refused(other_agency_admin, seller):
    party = firm(region="440106")
    with pytest.raises(PermissionDenied):
        selectors.organisation_detail(other_agency_admin, party.identifier, on=TODAY)
    with pytest.raises(PermissionDenied):
        selectors.organisation_detail(seller, party.identifier, on=TODAY)
    with pytest.raises(NotFound):
        selectors.organisation_detail(other_agency_admin, "91440000XXXXXXXXXX", on=TODAY)


def test_the_contract_page_shows_the_sellers_certificates_in_force_to_staff_and_the_seller(
    registrar, seller, outsider, seller_party, agencies, now
):
    from techmarket.registry import services as registry
    from tests.domain.builders import valid_record

    current = recognise(seller_party, date(2023, 12, 28))
    recognise(seller_party, date(2021, 12, 1))  # ended 2024-12-01
    contract = registry.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    shown = selectors.seller_recognitions(registrar, contract, on=TODAY)
    assert [r["number"] for r in shown] == [current.number]
    assert selectors.seller_recognitions(seller, contract, on=TODAY)[0]["id"] == current.pk
    assert selectors.seller_recognitions(outsider, contract, on=TODAY) is None
