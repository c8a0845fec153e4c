"""A NUL character never reaches a query: refused at the door, or not found."""

from __future__ import annotations

import pytest

from techmarket.domain.problems import NotFound
from techmarket.registry.selectors import agency_by_code

pytestmark = pytest.mark.django_db


def test_an_api_call_with_a_nul_in_its_json_is_a_problem_not_a_crash(browser_as, seller):
    answer = browser_as(seller).post(
        "/api/v1/contracts",
        '{"agency_code": "C440100", "record": {"name": "a\\u0000b"}}',
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "nul_character")


def test_a_page_or_query_with_a_nul_is_refused(browser_as, registrar):
    client = browser_as(registrar)
    assert client.get("/contracts/", {"q": "a\x00b"}).status_code == 400
    answer = client.get("/api/v1/contracts", {"q": "a\x00b"})
    assert (answer.status_code, answer.json()["code"]) == (422, "nul_character")


def test_an_agency_code_with_a_nul_is_not_found(agencies):
    with pytest.raises(NotFound):
        agency_by_code("C440100\x00")
