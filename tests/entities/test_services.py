from datetime import date

import pytest

from techmarket.domain.problems import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from techmarket.entities import services
from techmarket.entities.models import PartyName, PartyRegion, Recognition
from techmarket.registry.models import AuditEvent
from tests.entities.builders import firm, recognise

pytestmark = pytest.mark.django_db


def _facts(number="GR202344001234", **kw):
    return services.RecognitionFacts(
        kind="high_tech_enterprise", number=number, granted_on=date(2023, 12, 28), **kw
    )


def test_an_agency_admin_records_a_certificate_with_its_three_years(agency_admin, now):
    row, created = services.save_recognition(firm(), _facts(), agency_admin, now)
    assert created and row.valid_to == date(2026, 12, 28) and not row.valid_to_printed
    event = AuditEvent.objects.get(action="entity_recognise")
    assert "GR202344001234" in str(event.payload) and event.contract_id is None


def test_the_same_certificate_again_changes_nothing_and_writes_no_event(agency_admin, now):
    party = firm()
    services.save_recognition(party, _facts(), agency_admin, now)
    row, created = services.save_recognition(party, _facts(), agency_admin, now)
    assert not created and row.version == 1
    assert AuditEvent.objects.filter(action__startswith="entity_").count() == 1


def test_the_day_before_convention_is_a_setting(agency_admin, now, settings):
    settings.HIGH_TECH_LAST_DAY = "day_before"
    row, _ = services.save_recognition(firm(), _facts(), agency_admin, now)
    assert row.valid_to == date(2026, 12, 27)


def test_a_printed_last_day_wins_over_the_rule(agency_admin, now):
    row, _ = services.save_recognition(
        firm(), _facts(valid_to=date(2026, 12, 1)), agency_admin, now
    )
    assert row.valid_to == date(2026, 12, 1) and row.valid_to_printed


def test_a_malformed_certificate_number_is_refused_with_its_field(agency_admin, now):
    with pytest.raises(ValidationFailed) as caught:
        services.save_recognition(firm(), _facts(number="GR2023"), agency_admin, now)
    assert caught.value.problems[0].field == "certificate_number"
    assert not Recognition.objects.exists()


def test_a_certificate_of_one_firm_cannot_be_given_to_another(agency_admin, now):
    services.save_recognition(firm(), _facts(), agency_admin, now)
    with pytest.raises(DomainError) as caught:
        services.save_recognition(firm(), _facts(), agency_admin, now)
    assert caught.value.code == "recognition_number_taken"


def test_a_registrar_cannot_change_the_register(registrar, now):
    with pytest.raises(PermissionDenied):
        services.save_recognition(firm(), _facts(), registrar, now)


def test_a_district_admin_cannot_record_a_firm_of_another_district(other_agency_admin, now):
    with pytest.raises(PermissionDenied) as caught:
        services.save_recognition(firm(region="440106"), _facts(), other_agency_admin, now)
    assert caught.value.code == "region_not_in_jurisdiction"


def test_a_revocation_is_dated_audited_and_needs_a_reason(agency_admin, now):
    row = recognise(firm(), date(2023, 12, 28))
    with pytest.raises(DomainError):
        services.revoke(row, effective_on=date(2024, 1, 1), reason=" ", actor=agency_admin, now=now)
    revoked = services.revoke(
        row, effective_on=date(2024, 1, 1), reason="年报未报", actor=agency_admin, now=now
    )
    assert revoked.status == "revoked" and revoked.revoked_on == date(2024, 1, 1)
    with pytest.raises(InvalidTransition):
        services.revoke(
            revoked, effective_on=date(2024, 1, 1), reason="x", actor=agency_admin, now=now
        )


def test_a_revocation_on_a_stale_version_is_refused(agency_admin, now):
    row = recognise(firm(), date(2023, 12, 28))
    with pytest.raises(StaleObject):
        services.revoke(
            row,
            effective_on=date(2024, 1, 1),
            reason="x",
            actor=agency_admin,
            now=now,
            expected_version=7,
        )


def test_a_move_keeps_the_earlier_district_for_earlier_days(agency_admin, now):
    party = firm(region="440106")
    services.move(party, "440112", on=date(2024, 3, 1), actor=agency_admin, now=now)
    history = list(
        PartyRegion.objects.filter(party=party)
        .order_by("valid_from")
        .values_list("region_code", "valid_from")
    )
    assert history == [("440106", date.min), ("440112", date(2024, 3, 1))]
    party.refresh_from_db()
    assert party.region_code == "440112"


def test_a_rename_keeps_the_old_name_for_matching(agency_admin, now):
    party = firm(name="广州旧名科技有限公司")
    services.rename(party, "广州新名科技有限公司", on=date(2024, 5, 1), actor=agency_admin, now=now)
    assert PartyName.objects.get(party=party).name == "广州旧名科技有限公司"
    assert services.profile_of(party).normalised_name == "广州新名科技有限公司"


def test_a_candidate_moves_forward_and_not_back(agency_admin, now):
    cand, created = services.save_candidate(
        firm(),
        kind="high_tech_enterprise",
        round_name="2025年培育库",
        year=2025,
        district="440106",
        actor=agency_admin,
        now=now,
    )
    assert created and cand.stage == "candidate"
    cand = services.set_stage(cand, "applied", actor=agency_admin, now=now)
    with pytest.raises(InvalidTransition):
        services.set_stage(cand, "candidate", actor=agency_admin, now=now)
    cand = services.set_stage(cand, "recognised", actor=agency_admin, now=now)
    assert cand.stage == "recognised" and cand.version == 3


def test_a_resident_enters_and_graduates(agency_admin, now):
    incubator, resident = firm(), firm()
    row, _ = services.admit_resident(
        incubator, resident, entered_on=date(2023, 1, 1), actor=agency_admin, now=now
    )
    with pytest.raises(DomainError):
        services.end_residency(
            row, left_on=date(2022, 1, 1), reason="graduated", actor=agency_admin, now=now
        )
    row = services.end_residency(
        row, left_on=date(2025, 1, 1), reason="graduated", actor=agency_admin, now=now
    )
    assert row.exit_reason == "graduated"
