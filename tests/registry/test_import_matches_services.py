"""An imported contract and the same contract through the services store the same columns.

The import writes rows by position, without the services, for speed; these tests are what
keeps the two from drifting apart (a flag computed differently, a value in the wrong column).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from techmarket.registry import services
from techmarket.registry.importer import check_columns, import_records
from techmarket.registry.models import Contract
from tests.domain.builders import valid_record, valid_row

pytestmark = pytest.mark.django_db

# Columns that legitimately differ between the two paths, and why.
IDS = {"id", "seller_party_id", "buyer_party_id"}  # the parties are compared by seller_id/buyer_id
VERSION = {"version"}  # counts the workflow steps taken: the import takes one
ACCEPTANCE = {"accepted_on", "clock_started_on"}  # a migrated contract has no acceptance step


def _stored(contract_id: int) -> dict[str, object]:
    return Contract.objects.filter(pk=contract_id).values().get()


def _through_services(steps, seller, registrar, agency, now) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The contract's columns after the service steps, which are then undone (same seller and
    content cannot be stored twice)."""
    with transaction.atomic():
        contract = services.create_draft(valid_record(), agency=agency, actor=seller, now=now)
        services.submit(contract.pk, actor=seller, now=now)
        for step in steps:
            step(contract.pk, actor=registrar, now=now)
        stored = _stored(contract.pk)
        transaction.set_rollback(True)
    return stored


def _imported(row, registrar, now, *, as_registered: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = import_records([(1, row)], actor=registrar, now=now, as_registered=as_registered)
    assert result.committed, result.problems
    return _stored(Contract.objects.get().pk)


def _without(values: dict[str, object], columns: set[str]) -> dict[str, object]:
    return {key: value for key, value in values.items() if key not in columns}


@pytest.mark.parametrize("own_threshold", [None, Decimal("500000.00")])
def test_an_imported_application_stores_what_create_and_submit_store(
    seller, registrar, agencies, now, own_threshold
):
    city = agencies["city"]
    city.large_threshold = own_threshold
    city.save()
    by_services = _through_services([], seller, registrar, city, now)
    imported = _imported(valid_row(), registrar, now, as_registered=False)
    assert imported["status"] == "submitted"
    assert imported["is_large"] is (own_threshold is not None)
    assert imported["vat_exempt"] != imported["income_tax_transfer"]  # a swap would show
    assert _without(imported, IDS | VERSION) == _without(by_services, IDS | VERSION)


def test_a_migrated_registration_stores_what_the_registration_workflow_stores(
    seller, registrar, agencies, now
):
    by_services = _through_services(
        [services.accept, services.register], seller, registrar, agencies["city"], now
    )
    row = dict(
        valid_row(),
        registered_on=now.date().isoformat(),
        registration_number="",
        agency_code="C440100",
    )
    imported = _imported(row, registrar, now, as_registered=True)
    assert imported["status"] == "registered" and imported["registration_number"]
    differ = IDS | VERSION | ACCEPTANCE
    assert _without(imported, differ) == _without(by_services, differ)


def test_the_column_guard_passes_the_models_columns_in_the_models_order():
    model = tuple(f.column for f in Contract._meta.concrete_fields)
    writer = ("id", "registration_number")
    check_columns(writer, tuple(c for c in model if c not in writer), model)


def test_the_column_guard_catches_two_swapped_columns_of_one_type():
    model = tuple(f.column for f in Contract._meta.concrete_fields)
    writer = ("id", "registration_number")
    checked = [c for c in model if c not in writer]
    vat, income = checked.index("vat_exempt"), checked.index("income_tax_transfer")
    checked[vat], checked[income] = checked[income], checked[vat]
    with pytest.raises(RuntimeError, match="order"):
        check_columns(writer, tuple(checked), model)


def test_the_column_guard_catches_a_missing_column():
    model = tuple(f.column for f in Contract._meta.concrete_fields)
    writer = ("id",)
    checked = tuple(c for c in model if c not in writer and c != "note")
    with pytest.raises(RuntimeError):
        check_columns(writer, checked, model)
