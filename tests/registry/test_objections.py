"""异议 and 复核: a seller or a supervising agency objects to a registration, and a registrar who
took no part in it re-checks: the registration stands (upheld) or is amended or cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.registry import services
from techmarket.registry.audit import verify
from techmarket.registry.models import AuditEvent, Certificate, Contract, Objection
from techmarket.registry.selectors import open_objection
from tests.domain.builders import valid_record
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db
REASON = "合同实为设备买卖，技术交易额认定过高"


def _registrar(username: str, agency_code: str):
    from techmarket.registry.actors import actor_for
    from techmarket.registry.users import save_user

    save_user(username, role="registrar", agency_code=agency_code)
    return actor_for(username)


@pytest.fixture
def tianhe_registrar(agencies):
    return _registrar("tianhe_registrar", "D440106")


@pytest.fixture
def tianhe_rechecker(agencies):
    return _registrar("tianhe_rechecker", "D440106")


@pytest.fixture
def province_registrar(agencies):
    return _registrar("province_registrar", "P440000")


@pytest.fixture
def city_contract(seller, registrar, agencies, now):
    """Registered at the city agency by `registrar`; `second_registrar` took no part."""
    return registered(seller, registrar, agencies["city"], now)


@pytest.fixture
def district_contract(seller, tianhe_registrar, agencies, now):
    """Registered at 天河 (under the city, under the province) by `tianhe_registrar`."""
    return registered(seller, tianhe_registrar, agencies["tianhe"], now)


def later(now, days=2):
    return now + timedelta(days=days)


def actions(contract) -> list[str]:
    return list(AuditEvent.objects.filter(contract=contract).values_list("action", flat=True))


def test_the_seller_objects_and_an_uninvolved_registrar_upholds_the_registration(
    seller, second_registrar, city_contract, now
):
    objected = services.object_to(city_contract.pk, actor=seller, now=later(now), reason=REASON)
    assert objected.status == "registered"  # still counts as registered while re-checked
    objection = open_objection(objected)
    assert (objection.raised_by, objection.reason, objection.raised_by_agency) == (
        "seller",
        REASON,
        None,
    )

    upheld = services.uphold_objection(
        city_contract.pk, actor=second_registrar, now=later(now, 3), note="经复核，认定无误"
    )

    assert upheld.status == "registered"
    assert upheld.registration_number == city_contract.registration_number
    assert Certificate.objects.get(contract=upheld).superseded_at is None
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by, objection.decision_note) == (
        "upheld",
        "second_registrar",
        "经复核，认定无误",
    )
    assert open_objection(upheld) is None
    assert actions(upheld) == [
        "create", "submit", "accept", "register", "object", "uphold_objection",
    ]  # fmt: skip
    events = AuditEvent.objects.filter(contract=upheld).order_by("seq")
    raised, decided = events[4], events[5]
    assert (raised.actor, raised.from_status, raised.to_status) == (
        "seller",
        "registered",
        "registered",
    )
    assert raised.payload == {"objection": str(objection.pk), "reason": REASON}
    assert decided.payload["objection_outcome"] == "upheld"
    assert verify().ok


@pytest.mark.parametrize("supervisor", ["registrar", "province_registrar"])
def test_a_registrar_of_a_supervising_agency_objects_to_a_districts_registration(
    supervisor, request, district_contract, agencies, now
):
    actor = request.getfixturevalue(supervisor)
    services.object_to(district_contract.pk, actor=actor, now=later(now), reason=REASON)
    objection = Objection.objects.get(contract=district_contract)
    assert (objection.raised_by, objection.raised_by_agency) == (actor.username, actor.agency)
    assert objection.status == "open"


def test_a_registrar_of_an_unrelated_district_cannot_even_find_the_contract(
    other_district_registrar, district_contract, now
):
    with pytest.raises(NotFound):
        services.object_to(
            district_contract.pk, actor=other_district_registrar, now=later(now), reason=REASON
        )
    assert not Objection.objects.exists()


def test_the_contracts_own_agency_corrects_rather_than_objects(
    tianhe_rechecker, district_contract, now
):
    with pytest.raises(PermissionDenied) as refused:
        services.object_to(
            district_contract.pk, actor=tianhe_rechecker, now=later(now), reason=REASON
        )
    assert refused.value.code == "not_supervising_agency"


def test_a_seller_of_another_organisation_cannot_object(outsider, city_contract, now):
    with pytest.raises(NotFound):
        services.object_to(city_contract.pk, actor=outsider, now=later(now), reason=REASON)


def test_an_analyst_cannot_object(analyst, city_contract, now):
    with pytest.raises(PermissionDenied) as refused:
        services.object_to(city_contract.pk, actor=analyst, now=later(now), reason=REASON)
    assert refused.value.code == "role_may_not_object"


def test_an_objection_needs_a_reason(seller, city_contract, now):
    with pytest.raises(DomainError) as refused:
        services.object_to(city_contract.pk, actor=seller, now=later(now), reason="  ")
    assert refused.value.code == "reason_required"
    assert refused.value.message and refused.value.message_en


def test_only_a_registered_contract_can_be_objected_to(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(InvalidTransition) as refused:
        services.object_to(contract.pk, actor=seller, now=now, reason=REASON)
    assert refused.value.code == "transition_not_allowed"


def test_the_registrar_who_registered_it_cannot_re_check_it(seller, registrar, city_contract, now):
    services.object_to(city_contract.pk, actor=seller, now=later(now), reason=REASON)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        services.uphold_objection(city_contract.pk, actor=registrar, now=later(now), note="无误")
    assert refused.value.code == "rechecker_took_part"
    assert refused.value.message and refused.value.message_en
    with pytest.raises(PermissionDenied) as by_cancel:
        services.cancel(city_contract.pk, actor=registrar, now=later(now), note="注销")
    assert by_cancel.value.code == "rechecker_took_part"
    assert AuditEvent.objects.count() == events
    assert open_objection(city_contract) is not None


def test_whoever_started_the_review_cannot_re_check_either(
    seller, registrar, second_registrar, agencies, now
):
    contract = submitted(seller, agencies["city"], now)
    services.accept(contract.pk, actor=registrar, now=now)
    services.start_review(contract.pk, actor=second_registrar, now=now)
    services.register(contract.pk, actor=registrar, now=now)
    services.object_to(contract.pk, actor=seller, now=later(now), reason=REASON)
    with pytest.raises(PermissionDenied) as refused:
        services.uphold_objection(contract.pk, actor=second_registrar, now=later(now), note="无误")
    assert refused.value.code == "rechecker_took_part"


def test_the_supervising_agency_that_objected_does_not_decide_the_re_check(
    registrar, district_contract, now
):
    services.object_to(district_contract.pk, actor=registrar, now=later(now), reason=REASON)
    with pytest.raises(PermissionDenied) as refused:
        services.uphold_objection(
            district_contract.pk, actor=registrar, now=later(now), note="无误"
        )
    assert refused.value.code == "not_own_agency"


def test_a_re_check_that_finds_the_registration_wrong_cancels_it(
    seller, second_registrar, city_contract, now
):
    services.object_to(city_contract.pk, actor=seller, now=later(now), reason=REASON)
    cancelled = services.cancel(
        city_contract.pk, actor=second_registrar, now=later(now, 3), note="经复核，不属于技术合同"
    )

    assert cancelled.status == "cancelled"
    objection = Objection.objects.get(contract=cancelled)
    assert (objection.status, objection.correction, objection.decided_by) == (
        "corrected",
        "cancel",
        "second_registrar",
    )
    assert Certificate.objects.get(contract=cancelled).superseded_at is not None
    assert actions(cancelled)[-2:] == ["object", "cancel"]
    last = AuditEvent.objects.filter(contract=cancelled).order_by("seq").last()
    assert (last.payload["objection"], last.payload["objection_outcome"]) == (
        str(objection.pk),
        "corrected",
    )
    assert verify().ok


def test_a_re_check_may_correct_the_amounts_by_an_amendment(
    registrar, second_registrar, district_contract, tianhe_rechecker, now
):
    services.object_to(district_contract.pk, actor=registrar, now=later(now), reason=REASON)
    corrected = valid_record(tech_amount="600000.00", non_tech_other="200000.00")
    amended = services.amend(
        district_contract.pk,
        corrected,
        actor=tianhe_rechecker,
        now=later(now, 3),
        note="经复核，核减技术交易额",
    )
    assert (amended.status, str(amended.tech_amount)) == ("registered", "600000.00")
    objection = Objection.objects.get(contract=amended)
    assert (objection.status, objection.correction) == ("corrected", "amend")
    assert open_objection(amended) is None


def test_an_amendment_without_an_open_objection_is_an_ordinary_amendment(
    registrar, city_contract, now
):
    changed = valid_record(total_amount="1200000.00", tech_amount="1000000.00")
    services.amend(city_contract.pk, changed, actor=registrar, now=later(now), note="追加经费")
    assert "objection" not in AuditEvent.objects.filter(contract=city_contract).last().payload


def test_a_second_objection_waits_for_the_first_re_check(
    seller, registrar, second_registrar, district_contract, now
):
    services.object_to(district_contract.pk, actor=seller, now=later(now), reason=REASON)
    with pytest.raises(Conflict) as refused:
        services.object_to(district_contract.pk, actor=registrar, now=later(now), reason="另议")
    assert refused.value.code == "objection_already_open"
    assert Objection.objects.filter(contract=district_contract).count() == 1


def test_after_a_re_check_a_new_objection_may_be_raised(
    seller, second_registrar, city_contract, now
):
    services.object_to(city_contract.pk, actor=seller, now=later(now), reason=REASON)
    services.uphold_objection(city_contract.pk, actor=second_registrar, now=later(now), note="无误")
    services.object_to(city_contract.pk, actor=seller, now=later(now, 5), reason="新的事实")
    assert [o.status for o in Objection.objects.order_by("pk")] == ["upheld", "open"]


def test_upholding_needs_an_open_objection_and_a_note(second_registrar, city_contract, now):
    with pytest.raises(InvalidTransition) as none_open:
        services.uphold_objection(
            city_contract.pk, actor=second_registrar, now=later(now), note="无误"
        )
    assert none_open.value.code == "no_open_objection"
    with pytest.raises(DomainError) as blank:
        services.uphold_objection(city_contract.pk, actor=second_registrar, now=now, note="")
    assert blank.value.code == "note_required"


def test_a_stale_version_refuses_an_objection_and_its_re_check(
    seller, second_registrar, city_contract, now
):
    read = Contract.objects.get(pk=city_contract.pk).version
    with pytest.raises(StaleObject) as stale:
        services.object_to(
            city_contract.pk, actor=seller, now=later(now), reason=REASON, expected_version=read - 1
        )
    assert stale.value.code == "stale_version"
    assert not Objection.objects.exists()

    objected = services.object_to(
        city_contract.pk, actor=seller, now=later(now), reason=REASON, expected_version=read
    )
    with pytest.raises(StaleObject):
        services.uphold_objection(
            city_contract.pk,
            actor=second_registrar,
            now=later(now),
            note="无误",
            expected_version=read,
        )
    assert open_objection(objected) is not None


def test_the_command_line_objects_and_upholds(seller, registrar, second_registrar, city_contract):
    import json

    from typer.testing import CliRunner

    from techmarket.cli.main import app

    runner = CliRunner()
    objected = runner.invoke(
        app,
        [
            "contracts",
            "object",
            str(city_contract.pk),
            "--as",
            "seller",
            "--reason",
            "金额认定有误",
            "--json",
        ],
    )
    assert objected.exit_code == 0, objected.output
    assert open_objection(Contract.objects.get(pk=city_contract.pk)) is not None
    upheld = runner.invoke(
        app,
        [
            "contracts",
            "uphold-objection",
            str(city_contract.pk),
            "--as",
            "second_registrar",
            "--note",
            "复核无误",
            "--json",
        ],
    )
    assert upheld.exit_code == 0, upheld.output
    assert json.loads(upheld.stdout)["status"] == "registered"
    assert open_objection(Contract.objects.get(pk=city_contract.pk)) is None
