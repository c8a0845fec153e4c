"""技术性收入核定: the seller declares a year's income, the contract's agency verifies or returns it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
)
from techmarket.registry import audit, services
from techmarket.registry.income import (
    declare_income,
    income_of,
    income_sheet_pdf,
    return_income,
    verify_income,
)
from techmarket.registry.models import AuditEvent
from tests.conftest import SHANGHAI
from tests.domain.builders import valid_record
from tests.pdf_text import needs_pdftotext, pdf_text
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db

# Signed 2025-03-10, 技术交易额 800,000.00; the income is reported early in 2027.
LATER = datetime(2027, 2, 20, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def contract(seller, registrar, agencies, now):
    return registered(seller, registrar, agencies["city"], now)


def declare(contract, seller, year=2025, received="600000.00", technical="500000.00", **kw):
    return declare_income(
        contract.pk,
        year=year,
        received=received,
        technical=technical,
        note=kw.pop("note", "银行回单 3 张"),
        actor=kw.pop("actor", seller),
        now=kw.pop("now", LATER),
    )


def test_the_seller_declares_and_the_registrar_verifies_without_touching_the_contract(
    contract, seller, registrar
):
    as_registered = contract.version
    declared = declare(contract, seller)
    assert (declared.status, declared.version) == ("declared", 1)
    assert declared.received_amount == Decimal("600000.00")
    verified = verify_income(declared.pk, actor=registrar, now=LATER, note="与回单相符")
    assert (verified.status, verified.version) == ("verified", 2)
    assert (verified.decided_by, verified.decision_note) == ("registrar", "与回单相符")
    contract.refresh_from_db()
    assert (contract.status, contract.version) == ("registered", as_registered)
    events = list(AuditEvent.objects.filter(contract=contract).order_by("-seq")[:2])
    assert [e.action for e in events] == ["verify_income", "declare_income"]
    assert events[1].payload["year"] == "2025"
    assert events[1].payload["technical_income"] == "500000.00"
    assert (events[0].from_status, events[0].to_status) == ("registered", "registered")
    assert audit.verify().ok


@needs_pdftotext
def test_the_sheet_prints_the_verified_years_in_figures_and_capitals(contract, seller, registrar):
    verify_income(declare(contract, seller).pk, actor=registrar, now=LATER)
    later = LATER.replace(year=2026)
    pending = declare(contract, seller, year=2026, technical="100000.00", now=later)
    text = pdf_text(income_sheet_pdf(contract.pk, seller))
    assert "技术性收入核定表" in text
    assert contract.registration_number in text
    assert "500,000.00" in text and "600,000.00" in text
    assert "伍拾万元整" in text  # the verified total in capitals
    assert "捌拾万元整" in text  # the contract's 技术交易额
    assert "100,000.00" not in text  # a year not yet verified does not print
    assert pending.status == "declared"


def test_no_sheet_is_printed_before_a_year_is_verified(contract, seller):
    declare(contract, seller)
    with pytest.raises(InvalidTransition) as refused:
        income_sheet_pdf(contract.pk, seller)
    assert refused.value.code == "no_verified_income"


def test_an_analyst_reads_the_declarations_but_prints_no_sheet(
    contract, seller, registrar, analyst
):
    verify_income(declare(contract, seller).pk, actor=registrar, now=LATER)
    assert [d.year for d in income_of(contract.pk, analyst)] == [2025]
    with pytest.raises(PermissionDenied) as refused:
        income_sheet_pdf(contract.pk, analyst)
    assert refused.value.code == "income_sheet_not_for_role"


def test_the_years_together_may_not_exceed_the_tech_amount(contract, seller):
    declare(contract, seller, year=2025, technical="500000.00")
    with pytest.raises(DomainError) as refused:
        declare(contract, seller, year=2026, received="400000.00", technical="300000.01")
    error = refused.value
    assert error.code == "technical_income_exceeds_tech_amount"
    assert "800000.00" in error.message and "800000.00" in error.message_en
    assert "300000.00" in error.message  # what room is left for the year
    assert error.details["room"] == "300000.00"
    assert declare(contract, seller, year=2026, received="400000.00", technical="300000.00")


def test_a_returned_year_no_longer_counts_and_may_be_declared_again(contract, seller, registrar):
    first = declare(contract, seller, technical="800000.00", received="800000.00")
    return_income(first.pk, actor=registrar, now=LATER, note="回单金额与申报不符")
    again = declare(contract, seller, technical="700000.00", received="800000.00")
    assert [(d.pk, d.status) for d in income_of(contract.pk, seller)] == [
        (first.pk, "returned"),
        (again.pk, "declared"),
    ]


def test_a_year_is_declared_once_while_it_stands(contract, seller):
    declare(contract, seller, technical="100000.00")
    with pytest.raises(Conflict) as refused:
        declare(contract, seller, technical="100000.00")
    assert refused.value.code == "income_year_already_declared"


@pytest.mark.parametrize(
    ("year", "code"),
    [(2024, "income_year_before_signing"), (2028, "income_year_in_future")],
)
def test_a_year_outside_the_contracts_life_is_refused(contract, seller, year, code):
    with pytest.raises(DomainError) as refused:
        declare(contract, seller, year=year)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("received", "technical", "code"),
    [
        ("600000.00", "600000.01", "technical_income_exceeds_received"),
        ("1000000.01", "500000.00", "received_exceeds_total_amount"),
        ("9" * 16, "500000.00", "received_exceeds_total_amount"),
        ("600000.001", "500000.00", "income_amount_invalid"),
        ("六十万", "500000.00", "income_amount_invalid"),
        ("600000.00", "0", "income_amount_not_positive"),
        ("-1", "-1", "income_amount_not_positive"),
    ],
)
def test_amounts_are_positive_yuan_to_the_fen_and_technical_within_received(
    contract, seller, received, technical, code
):
    with pytest.raises(DomainError) as refused:
        declare(contract, seller, received=received, technical=technical)
    assert refused.value.code == code


def test_another_organisations_seller_is_told_there_is_no_such_contract(contract, outsider):
    with pytest.raises(NotFound) as refused:
        declare(contract, outsider)
    assert refused.value.code == "contract_not_found"


def test_a_registrar_declares_nothing(contract, registrar):
    with pytest.raises(PermissionDenied) as refused:
        declare(contract, registrar)
    assert refused.value.code == "income_declared_by_seller"


def test_the_seller_cannot_verify_their_own_declaration(contract, seller):
    declared = declare(contract, seller)
    with pytest.raises(PermissionDenied) as refused:
        verify_income(declared.pk, actor=seller, now=LATER)
    assert refused.value.code == "income_decided_by_agency"


def test_a_registrar_of_another_district_cannot_see_or_verify_the_declaration(
    contract, seller, other_district_registrar
):
    declared = declare(contract, seller)
    with pytest.raises(NotFound) as refused:
        verify_income(declared.pk, actor=other_district_registrar, now=LATER)
    assert refused.value.code == "income_declaration_not_found"
    with pytest.raises(NotFound):
        income_of(contract.pk, other_district_registrar)


def test_a_declaration_is_decided_under_its_own_contract_only(
    contract, seller, registrar, agencies
):
    declared = declare(contract, seller)
    with pytest.raises(NotFound) as refused:
        verify_income(declared.pk, actor=registrar, now=LATER, contract_id=contract.pk + 1)
    assert refused.value.code == "income_declaration_not_found"


def test_a_contract_not_yet_registered_takes_no_declarations(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now)
    with pytest.raises(InvalidTransition) as refused:
        declare(contract, seller)
    assert refused.value.code == "income_contract_not_registered"


def test_a_cancelled_contract_takes_no_new_declarations(contract, seller, registrar):
    services.cancel(contract.pk, actor=registrar, now=LATER, note="双方解除合同")
    with pytest.raises(InvalidTransition) as refused:
        declare(contract, seller)
    assert refused.value.code == "income_contract_cancelled"


@needs_pdftotext
def test_a_cancelled_contract_still_prints_the_years_verified_before_marked_cancelled(
    contract, seller, registrar
):
    verify_income(declare(contract, seller).pk, actor=registrar, now=LATER)
    pending = declare(contract, seller, year=2026, technical="100000.00")
    services.cancel(contract.pk, actor=registrar, now=LATER, note="双方解除合同")
    with pytest.raises(InvalidTransition) as refused:
        verify_income(pending.pk, actor=registrar, now=LATER)
    assert refused.value.code == "income_contract_cancelled"
    assert return_income(pending.pk, actor=registrar, now=LATER, note="合同已注销").status == (
        "returned"
    )
    text = pdf_text(income_sheet_pdf(contract.pk, seller))
    assert "已注销" in text and "500,000.00" in text


def test_a_return_must_say_why(contract, seller, registrar):
    declared = declare(contract, seller)
    with pytest.raises(DomainError) as refused:
        return_income(declared.pk, actor=registrar, now=LATER, note="  ")
    assert refused.value.code == "note_required"


def test_a_stale_version_is_refused_and_nothing_changes(
    contract, seller, registrar, second_registrar
):
    declared = declare(contract, seller)
    read_as = declared.version
    return_income(
        declared.pk, actor=second_registrar, now=LATER, note="缺回单", expected_version=read_as
    )
    with pytest.raises(StaleObject) as refused:
        verify_income(declared.pk, actor=registrar, now=LATER, expected_version=read_as)
    assert refused.value.code == "stale_version"
    declared.refresh_from_db()
    assert (declared.status, declared.decided_by) == ("returned", "second_registrar")


def test_a_decided_declaration_is_not_decided_again(contract, seller, registrar):
    declared = declare(contract, seller)
    verify_income(declared.pk, actor=registrar, now=LATER)
    with pytest.raises(InvalidTransition) as refused:
        return_income(declared.pk, actor=registrar, now=LATER, note="再看看")
    assert refused.value.code == "income_already_decided"


def test_verification_checks_the_tech_amount_again_after_an_amendment(contract, seller, registrar):
    declared = declare(contract, seller, technical="500000.00")
    smaller = valid_record(
        tech_amount="400000.00", non_tech_equipment="550000.00", non_tech_materials="50000.00"
    )
    services.amend(
        contract.pk, smaller, actor=registrar, now=LATER - timedelta(days=1), note="核减"
    )
    with pytest.raises(DomainError) as refused:
        verify_income(declared.pk, actor=registrar, now=LATER)
    assert refused.value.code == "technical_income_exceeds_tech_amount"
