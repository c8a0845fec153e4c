"""schemathesis over the OpenAPI document against a running server (`techmarket serve`, on a
database of its own): no 5xx, and no answer outside the document (status, content type, body).

TECHMARKET_FUZZ_PATHS (a regular expression over the paths, e.g. `^/api/v1/(leads|brokers)`)
limits a run to some endpoints, to check new ones without waiting for all."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("user", ["seller", "registrar"])
def test_every_operation_answers_within_the_document(served, user):
    base, tokens = served
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    if os.environ.get("TECHMARKET_FUZZ_PATHS"):
        schema = schema.include(path_regex=os.environ["TECHMARKET_FUZZ_PATHS"])
    headers = {"Authorization": f"Bearer {tokens[user]}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # collect them all, then fail with every operation named
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
