"""Prepared writes (server/writes.py) store exactly what the ORM's save would."""

import pytest
from django.db.models.signals import post_save, pre_save

from techmarket.registry.models import Contract, ContractVersion
from techmarket.server.writes import insert_row, update_columns
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db

WRITTEN = (Contract, ContractVersion)  # the models the workflow writes this way


def _stored(model, pk):
    row = model.objects.filter(pk=pk).values()[0]
    row.pop("id")
    return row


@pytest.mark.parametrize("model", WRITTEN)
def test_nothing_the_orm_would_add_is_skipped(model):
    """No `auto_now` field to fill and no signal receiver to call: if either appears, these
    writes must learn it (or the model go back to `save`)."""
    for field in model._meta.concrete_fields:
        assert not getattr(field, "auto_now", False)
        assert not getattr(field, "auto_now_add", False)
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)


def test_an_inserted_row_equals_the_orms(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now, external_id="writes-1")
    version = dict(contract=contract, reason="r", content={"名称": "甲", "n": 1}, actor="a")
    by_orm = ContractVersion.objects.create(**version, number=7, created_at=now)
    prepared = ContractVersion(**version, number=8, created_at=now)
    insert_row(prepared)
    assert prepared.pk is not None and prepared.pk != by_orm.pk
    assert not prepared._state.adding
    assert _stored(ContractVersion, prepared.pk) == {
        **_stored(ContractVersion, by_orm.pk),
        "number": 8,
    }


def test_an_update_writes_the_named_columns_only(seller, agencies, now):
    contract = submitted(seller, agencies["city"], now, external_id="writes-2")
    before = _stored(Contract, contract.pk)
    contract.name = "改名后的技术开发合同"
    contract.tech_amount = contract.tech_amount + 1
    contract.buyer_name = "not written"
    update_columns(contract, ["name", "tech_amount"])
    after = _stored(Contract, contract.pk)
    assert after == {
        **before,
        "name": "改名后的技术开发合同",
        "tech_amount": before["tech_amount"] + 1,
    }
