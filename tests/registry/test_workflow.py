"""The life of a contract, from draft to certificate, through the services every front end uses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
    ValidationFailed,
)
from techmarket.registry import services
from techmarket.registry.audit import verify
from techmarket.registry.models import AuditEvent, Certificate
from tests.domain.builders import valid_record
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db


def test_a_submitted_contract_is_registered_with_a_16_digit_number_and_a_certificate(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    services.start_review(contract.pk, actor=registrar, now=now)
    contract = services.register(contract.pk, actor=registrar, now=now)

    assert contract.status == "registered"
    assert contract.registration_number == "2025440100000001"
    assert contract.registered_on == date(2025, 6, 16)
    certificate = Certificate.objects.get(contract=contract)
    assert certificate.tech_amount == contract.tech_amount
    actions = list(AuditEvent.objects.filter(contract=contract).values_list("action", flat=True))
    assert actions == ["create", "submit", "accept", "start_review", "register"]
    assert verify().ok


def test_under_the_2000_rules_the_limit_is_30_calendar_days(seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    contract = services.accept(contract.pk, actor=registrar, now=now)
    assert (contract.rule_set, contract.deadline) == ("2000", date(2025, 7, 16))


def test_under_the_2026_rules_15_working_days_skip_national_day_and_count_the_makeup_saturday(
    seller, registrar, agencies, now
):
    autumn = now.replace(year=2026, month=9, day=28)  # Monday before the 10-01..07 holiday
    contract = submitted(seller, agencies["city"], autumn)
    contract = services.accept(contract.pk, actor=registrar, now=autumn)
    # 9-29, 9-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … 10-16, 10-19 … 10-23.
    assert (contract.rule_set, contract.deadline) == ("2026", date(2026, 10, 23))


def test_numbers_count_up_per_agency_and_start_again_each_year(seller, registrar, agencies, now):
    first = registered(seller, registrar, agencies["city"], now, external_id="A1")
    second = registered(seller, registrar, agencies["city"], now, external_id="A2")
    next_year = now.replace(year=2026, month=1, day=5)
    third = registered(
        seller, registrar, agencies["city"], next_year, external_id="A3", valid_to="2027-12-31"
    )
    assert [first.registration_number, second.registration_number, third.registration_number] == [
        "2025440100000001",
        "2025440100000002",
        "2026440100000001",
    ]


def test_a_registrar_may_refuse_with_a_coded_reason(seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    contract = services.refuse(
        contract.pk, actor=registrar, now=now, reason="R02", note="实为设备买卖"
    )
    assert (contract.status, contract.refusal_reason) == ("refused", "R02")
    assert contract.registration_number is None


def test_an_unknown_refusal_reason_is_rejected_and_nothing_changes(
    seller, registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(DomainError, match="R99") as refused:
        services.refuse(contract.pk, actor=registrar, now=now, reason="R99", note="说明")
    assert refused.value.code == "unknown_refusal_reason"
    contract.refresh_from_db()
    assert contract.status == "submitted"


@pytest.mark.parametrize("step", ["refuse", "cancel", "amend"])
def test_a_refusal_cancellation_or_amendment_needs_its_explanation(
    seller, registrar, agencies, now, step
):
    contract = (
        submitted(seller, agencies["city"], now)
        if step == "refuse"
        else registered(seller, registrar, agencies["city"], now)
    )
    before = contract.status
    calls = {
        "refuse": lambda: services.refuse(
            contract.pk, actor=registrar, now=now, reason="R02", note="  "
        ),
        "cancel": lambda: services.cancel(contract.pk, actor=registrar, now=now, note=""),
        "amend": lambda: services.amend(
            contract.pk, valid_record(), actor=registrar, now=now, note=""
        ),
    }
    with pytest.raises(DomainError, match="须") as refused:
        calls[step]()
    assert (refused.value.code, refused.value.details["action"]) == ("note_required", step)
    # what to type to give the note is the front end's hint, not the service's message
    assert "--" not in refused.value.message + refused.value.message_en
    contract.refresh_from_db()
    assert contract.status == before


def test_a_correction_cannot_hand_the_contract_to_another_seller(seller, registrar, agencies, now):
    from tests.domain.builders import make_uscc

    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    services.request_correction(contract.pk, actor=registrar, now=now, note="请补充")
    other = valid_record(
        seller_id=make_uscc("440112", "MA9X8Y7W"), seller_name="黄埔某公司", seller_region="440112"
    )
    with pytest.raises(DomainError, match="不能更换卖方") as refused:
        services.resubmit(contract.pk, other, actor=seller, now=now)
    assert refused.value.code == "seller_change_not_allowed"
    contract.refresh_from_db()
    assert (contract.status, contract.seller_id) == (
        "correction_requested",
        valid_record().seller_id,
    )


def test_a_correction_that_names_another_buyer_links_the_contract_to_it(
    seller, registrar, agencies, now
):
    from tests.domain.builders import BUYER_REGION, make_uscc

    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    services.request_correction(contract.pk, actor=registrar, now=now, note="买方有误")
    buyer_id = make_uscc(BUYER_REGION, "MA2E4F6H")
    corrected = valid_record(buyer_id=buyer_id, buyer_name="北京另一科技有限公司")
    contract = services.resubmit(contract.pk, corrected, actor=seller, now=now)
    assert contract.buyer_party.identifier == buyer_id
    assert contract.buyer_party.name == "北京另一科技有限公司"


def test_correction_stops_the_clock_and_resubmission_restarts_it(seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    contract = services.request_correction(
        contract.pk, actor=registrar, now=now, note="请补充验收标准"
    )
    assert contract.status == "correction_requested" and contract.deadline is None
    later = now + timedelta(days=10)
    corrected = valid_record(name="锂电池正极材料制备工艺技术开发合同（补正）")
    contract = services.resubmit(contract.pk, corrected, actor=seller, now=later)
    assert contract.status == "accepted"
    assert contract.clock_started_on == date(2025, 6, 26)
    assert contract.deadline > date(2025, 7, 7)
    reasons = list(contract.versions.order_by("number").values_list("reason", flat=True))
    assert reasons == ["submitted", "corrected"]


def test_a_large_contract_needs_a_second_review_by_another_registrar(
    seller, registrar, second_registrar, agencies, now
):
    contract = submitted(
        seller,
        agencies["city"],
        now,
        total_amount="6000000.00",
        tech_amount="5800000.00",
        non_tech_equipment="200000.00",
        non_tech_materials="",
    )
    assert contract.is_large
    services.accept(contract.pk, actor=registrar, now=now)
    with pytest.raises(InvalidTransition) as straight:
        services.register(contract.pk, actor=registrar, now=now)
    assert straight.value.code == "large_needs_second_review"
    services.send_to_second_review(contract.pk, actor=registrar, now=now)
    with pytest.raises(PermissionDenied, match="另一名登记员") as same:
        services.register(contract.pk, actor=registrar, now=now)
    assert same.value.code == "second_reviewer_same_as_first"
    contract = services.register(contract.pk, actor=second_registrar, now=now)
    assert contract.status == "registered"


def test_whoever_started_the_first_review_cannot_do_the_second(
    seller, registrar, second_registrar, agencies, now
):
    large = {"total_amount": "6000000.00", "tech_amount": "5800000.00"}
    large |= {"non_tech_equipment": "200000.00", "non_tech_materials": ""}
    contract = submitted(seller, agencies["city"], now, **large)
    services.accept(contract.pk, actor=registrar, now=now)
    services.start_review(contract.pk, actor=registrar, now=now)
    services.send_to_second_review(contract.pk, actor=second_registrar, now=now)
    with pytest.raises(PermissionDenied, match="未参与初审"):
        services.register(contract.pk, actor=registrar, now=now)
    # the second reviewer may also send it back for correction
    contract = services.request_correction(
        contract.pk, actor=second_registrar, now=now, note="请补充设备清单"
    )
    assert contract.status == "correction_requested"
    # after the resubmission a new round starts: whoever reviews it now is its first reviewer
    corrected = valid_record(**large, name="锂电池正极材料制备工艺技术开发合同（补正）")
    services.resubmit(contract.pk, corrected, actor=seller, now=now)
    services.start_review(contract.pk, actor=second_registrar, now=now)
    services.send_to_second_review(contract.pk, actor=second_registrar, now=now)
    contract = services.register(contract.pk, actor=registrar, now=now)
    assert contract.status == "registered"


def test_an_amendment_keeps_the_number_and_supersedes_the_certificate(
    seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)
    changed = valid_record(total_amount="1200000.00", tech_amount="1000000.00")
    contract = services.amend(contract.pk, changed, actor=registrar, now=now, note="追加经费")
    assert contract.registration_number == "2025440100000001"
    assert contract.tech_amount == 1000000
    certificates = list(contract.certificates.order_by("pk"))
    assert certificates[0].superseded_at is not None and certificates[1].superseded_at is None
    assert certificates[1].tech_amount == 1000000
    assert list(contract.versions.values_list("reason", flat=True)) == ["submitted", "amended"]


def test_a_cancelled_registration_keeps_its_number(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    contract = services.cancel(contract.pk, actor=registrar, now=now, note="合同解除")
    assert contract.status == "cancelled"
    assert contract.registration_number == "2025440100000001"
    assert not contract.certificates.filter(superseded_at__isnull=True).exists()


def test_a_seller_cannot_accept_their_own_contract(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(PermissionDenied) as refused:
        services.accept(contract.pk, actor=seller, now=now)
    assert refused.value.code == "role_may_not_act"


def test_registrar_of_another_district_cannot_see_the_contract(
    seller, other_district_registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(NotFound):
        services.accept(contract.pk, actor=other_district_registrar, now=now)


def test_a_seller_cannot_touch_another_sellers_contract(seller, outsider, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(NotFound):
        services.withdraw(contract.pk, actor=outsider, now=now)


def test_a_registered_contract_cannot_be_registered_again(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    with pytest.raises(InvalidTransition) as refused:
        services.register(contract.pk, actor=registrar, now=now)
    assert refused.value.code == "transition_not_allowed"


def test_a_stale_version_is_refused(seller, registrar, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(StaleObject) as refused:
        services.accept(
            contract.pk, actor=registrar, now=now, expected_version=contract.version - 1
        )
    assert refused.value.code == "stale_version"


def test_a_seller_cannot_draft_for_another_organisation(outsider, agencies, now):
    with pytest.raises(PermissionDenied) as refused:
        services.create_draft(valid_record(), agency=agencies["city"], actor=outsider, now=now)
    assert refused.value.code == "seller_not_own_organisation"


def test_a_registrar_does_not_draft(registrar, agencies, now):
    with pytest.raises(PermissionDenied) as refused:
        services.create_draft(valid_record(), agency=agencies["city"], actor=registrar, now=now)
    assert refused.value.code == "only_seller_drafts"


def test_drafting_the_same_contract_twice_names_the_first_one(seller, agencies, now):
    first = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    with pytest.raises(Conflict, match=f"合同 {first.pk}") as refused:
        services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    assert (refused.value.code, refused.value.details["contract"]) == (
        "duplicate_contract",
        first.pk,
    )


def test_a_duplicate_drafted_in_between_is_refused_by_the_constraint_as_the_same_conflict(
    seller, agencies, now, monkeypatch
):
    """The duplicate check runs before the write transaction; a twin drafted in between (by a
    concurrent request) is stopped by the unique constraint and named like any duplicate."""
    first = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    checks = []
    real_check = services._refuse_duplicate

    def misses_the_first_time(*args, **kwargs):
        checks.append(args)
        if len(checks) > 1:
            real_check(*args, **kwargs)

    monkeypatch.setattr(services, "_refuse_duplicate", misses_the_first_time)
    with pytest.raises(Conflict) as refused:
        services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    assert (refused.value.code, refused.value.details["contract"]) == (
        "duplicate_contract",
        first.pk,
    )
    assert AuditEvent.objects.filter(action="create").count() == 1
    assert verify().ok


def test_a_draft_at_an_agency_outside_the_sellers_region_is_refused(seller, agencies, now):
    with pytest.raises(ValidationFailed) as refused:
        services.create_draft(valid_record(), agency=agencies["huangpu"], actor=seller, now=now)
    assert {p.code for p in refused.value.problems} == {"seller_outside_jurisdiction"}


def test_a_seller_may_withdraw_a_draft(seller, agencies, now):
    draft = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    assert services.withdraw(draft.pk, actor=seller, now=now).status == "withdrawn"


def test_an_amendment_that_makes_the_contract_large_is_refused(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    large = valid_record(
        total_amount="6000000.00",
        tech_amount="5800000.00",
        non_tech_equipment="200000.00",
        non_tech_materials="",
    )
    with pytest.raises(InvalidTransition, match="二次审核") as refused:
        services.amend(contract.pk, large, actor=registrar, now=now, note="追加")
    assert refused.value.code == "amendment_makes_large"
    contract.refresh_from_db()
    assert (contract.is_large, contract.tech_amount) == (False, 800000)
    assert list(contract.versions.values_list("reason", flat=True)) == ["submitted"]


def test_a_registered_contract_has_no_running_deadline(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    assert contract.deadline is None and contract.decided_on is not None
