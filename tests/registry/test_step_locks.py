"""A workflow step locks its contract's row and nothing else (PostgreSQL row locks)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techmarket.registry import services
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db


def test_a_step_locks_the_contract_row_but_not_its_agency(seller, registrar, agencies, now):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database; there are no row locks to check")
    contract = submitted(seller, agencies["city"], now)
    with CaptureQueriesContext(connection) as queries:
        services.accept(contract.pk, actor=registrar, now=now)
    locking = [
        q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "registry_contract" in q["sql"]
    ]
    assert locking and all(sql.endswith('FOR UPDATE OF "registry_contract"') for sql in locking)
