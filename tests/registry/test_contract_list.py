"""The review queue and contract lists: what each person sees, filters, order and pagination."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from techmarket.domain.problems import DomainError
from techmarket.registry import services
from techmarket.registry.actors import system_actor
from techmarket.registry.contract_list import ContractFilter, list_contracts
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(seller, registrar, agencies, now):
    """Five contracts at the city agency: three registered, one accepted, one submitted."""
    made = {}
    for n in range(3):
        made[f"registered{n}"] = registered(
            seller, registrar, agencies["city"], now, external_id=f"R-{n}", name=f"技术开发合同{n}"
        )
    accepted = submitted(seller, agencies["city"], now, external_id="A-1", name="催化剂技术开发")
    made["accepted"] = services.accept(accepted.pk, actor=registrar, now=now)
    made["submitted"] = submitted(seller, agencies["city"], now, external_id="S-1")
    return made


def ids(page) -> list[int]:
    return [c.pk for c in page.items]


def test_a_registrar_sees_the_contracts_of_their_jurisdiction_newest_first(registrar, book):
    page = list_contracts(registrar)
    assert ids(page) == sorted((c.pk for c in book.values()), reverse=True)
    assert page.next_cursor is None


def test_a_registrar_of_another_district_sees_none_of_them(other_district_registrar, book):
    assert list_contracts(other_district_registrar).items == []


def test_a_seller_of_another_organisation_sees_none_of_them(outsider, book):
    assert list_contracts(outsider).items == []


def test_the_province_analyst_sees_the_city_agency_contracts(analyst, book):
    assert len(list_contracts(analyst).items) == 5


def test_pages_follow_each_other_without_gap_or_repeat(registrar, book):
    seen: list[int] = []
    cursor = None
    while True:
        page = list_contracts(registrar, cursor=cursor, limit=2)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted((c.pk for c in book.values()), reverse=True)


def test_the_queue_by_deadline_puts_contracts_without_one_last_and_pages_through_them(
    registrar, book
):
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        page = list_contracts(registrar, sort="deadline", cursor=cursor, limit=1)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen[0] == book["accepted"].pk  # the only one with a running deadline
    assert sorted(seen) == sorted(c.pk for c in book.values())


def test_pages_by_a_date_run_newest_first_through_equal_dates_then_the_undated(registrar, book):
    every: list[int] = []
    cursor = None
    for _ in range(10):
        page = list_contracts(registrar, sort="-registered_on", cursor=cursor, limit=1)
        every += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    dated = sorted((book[f"registered{n}"].pk for n in range(3)), reverse=True)
    undated = sorted((book["accepted"].pk, book["submitted"].pk), reverse=True)
    assert every == dated + undated
    assert ids(list_contracts(registrar, sort="-registered_on", limit=4)) == every[:4]


def test_status_and_text_filters_combine(registrar, book):
    only = list_contracts(registrar, ContractFilter(statuses=("accepted",), text="催化剂"))
    assert ids(only) == [book["accepted"].pk]
    number = book["registered1"].registration_number
    assert ids(list_contracts(registrar, ContractFilter(text=number))) == [book["registered1"].pk]


def test_due_and_overdue_filters_read_the_deadline(registrar, book):
    deadline = book["accepted"].deadline
    due = list_contracts(registrar, ContractFilter(due_by=deadline))
    assert ids(due) == [book["accepted"].pk]
    assert list_contracts(registrar, ContractFilter(overdue_on=deadline)).items == []
    late = list_contracts(registrar, ContractFilter(overdue_on=deadline + timedelta(days=1)))
    assert ids(late) == [book["accepted"].pk]


def test_registration_period_filter(registrar, book, now):
    day = book["registered0"].registered_on
    found = list_contracts(
        registrar, ContractFilter(registered_from=day, registered_to=day), sort="registered_on"
    )
    assert sorted(ids(found)) == sorted(book[f"registered{n}"].pk for n in range(3))
    assert list_contracts(registrar, ContractFilter(registered_to=date(2000, 1, 1))).items == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"sort": "seller_id"}, "unknown_sort"),
        ({"limit": 0}, "limit_out_of_range"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"filters": ContractFilter(statuses=("lost",))}, "unknown_status"),
        (
            {"filters": ContractFilter(signed_from=date(2025, 2, 1), signed_to=date(2025, 1, 1))},
            "empty_date_range",
        ),
    ],
)
def test_bad_list_requests_are_refused_with_their_code(registrar, book, kwargs, code):
    with pytest.raises(DomainError) as refused:
        list_contracts(registrar, **kwargs)
    assert refused.value.code == code


def test_a_cursor_of_another_order_is_refused(registrar, book):
    cursor = list_contracts(registrar, limit=1).next_cursor
    with pytest.raises(DomainError) as refused:
        list_contracts(registrar, sort="deadline", cursor=cursor)
    assert refused.value.code == "invalid_cursor"


def test_the_operator_sees_everything(book):
    assert len(list_contracts(system_actor()).items) == 5


def _cursor(value, last_id, column: str) -> str:
    import base64
    import json

    raw = json.dumps([value, last_id, column]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "value", "last_id"),
    [
        ("deadline", "2024-13-45", 1),
        ("deadline", ["x"], 1),
        ("deadline", {"a": 1}, 1),
        ("-tech_amount", "zz", 1),
        ("-id", None, True),
        ("-id", None, 2**70),
    ],
)
def test_a_tampered_cursor_is_refused_not_a_crash(registrar, book, sort, value, last_id):
    column = sort.lstrip("-")
    with pytest.raises(DomainError) as refused:
        list_contracts(registrar, sort=sort, cursor=_cursor(value, last_id, column))
    assert refused.value.code == "invalid_cursor"
