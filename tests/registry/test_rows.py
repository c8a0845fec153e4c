"""The page's fixed-shape child reads give exactly what the ORM gives, on both databases."""

import pytest

from techmarket.registry.income import declare_income
from techmarket.registry.models import (
    Attachment,
    AuditEvent,
    ContractVersion,
    IncomeDeclaration,
    RiskSignal,
)
from techmarket.server.rows import rows
from tests.registry.flow import registered
from tests.registry.test_income import LATER

pytestmark = pytest.mark.django_db


def _values(instances):
    return [tuple(getattr(i, f.attname) for f in type(i)._meta.concrete_fields) for i in instances]


@pytest.fixture
def contract(seller, registrar, agencies, now):
    contract = registered(seller, registrar, agencies["city"], now)
    declare_income(
        contract.pk,
        year=2025,
        received="600000.00",
        technical="500000.00",
        note="银行回单",
        actor=seller,
        now=LATER,
    )
    return contract


@pytest.mark.parametrize(
    ("model", "order"),
    [
        (AuditEvent, ("seq",)),
        (AuditEvent, ("-seq",)),
        (ContractVersion, ("number",)),
        (IncomeDeclaration, ("year", "id")),
        (Attachment, ("id",)),
        (RiskSignal, ("-score", "signal", "id")),
    ],
)
def test_rows_of_a_contract_equal_the_orms(contract, model, order):
    orm = list(model.objects.filter(contract=contract.pk).order_by(*order))
    fast = rows(model, where={"contract": contract.pk}, order_by=order)
    assert _values(fast) == _values(orm)
    assert all(not i._state.adding and i._state.db == "default" for i in fast)


def test_the_events_keep_their_types(contract):
    fast = rows(AuditEvent, where={"contract": contract.pk}, order_by=("seq",))
    assert len(fast) >= 3 and isinstance(fast[0].payload, dict)
    assert fast[0].at.tzinfo is not None
    [declaration] = rows(IncomeDeclaration, where={"contract": contract.pk})
    assert str(declaration.received_amount) == "600000.00"


def test_a_second_filter_narrows_the_rows(contract):
    found = rows(AuditEvent, where={"contract": contract.pk, "action": "register"})
    assert [e.action for e in found] == ["register"]


def test_a_user_comes_with_the_profile_and_agency_the_orm_gives(registrar, seller):
    """One joined read (`linked`) for what three ran: a registrar's profile has an agency, a
    seller's has none, and a user without a profile has neither."""
    from django.contrib.auth import get_user_model

    from techmarket.accounts.backends import load_user

    User = get_user_model()
    bare = User.objects.create_user("bare", password="x" * 12)
    for username in (registrar.username, seller.username):
        orm = User.objects.select_related("profile__agency").get(username=username)
        read = load_user(orm.pk)
        assert _values([read]) == _values([orm])
        assert _values([read.profile]) == _values([orm.profile])
        agency = read.profile.agency
        assert (_values([agency]) if agency else None) == (
            _values([orm.profile.agency]) if orm.profile.agency else None
        )
    assert load_user(bare.pk).__dict__.get("_state").fields_cache.get("profile") is None
    assert load_user(bare.pk).username == "bare"
    assert load_user(10**9) is None
    assert load_user("not a number") is None


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1, 25312161919989278834688])
def test_an_id_no_column_can_hold_finds_nothing_as_with_the_orm(contract, pk):
    """The API's fuzzing sent such ids in URLs; the engines refuse to compare with them."""
    from techmarket.registry.models import Contract
    from techmarket.server.rows import linked

    assert rows(Contract, where={"id": pk}) == []
    assert linked(Contract, pk=pk, links=()) is None
    assert not Contract.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("external_id", ["ext-1", ""])
def test_the_duplicate_check_reads_the_partial_unique_index(contract, external_id):
    """SQLite uses a partial index only when the query names its condition; without it the
    check read every contract of the seller (44,000 for the bench's, per draft)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from techmarket.registry import rules
    from techmarket.registry.models import Contract

    where, exclude = rules.same_contract_where(contract.seller_party_id, external_id, "f" * 64)
    with CaptureQueriesContext(connection) as queries:
        rows(Contract, where=where, exclude=exclude)
    sql = queries.captured_queries[-1]["sql"]
    index = "contract_unique_external_id" if external_id else "contract_unique_fingerprint"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert index in plan
