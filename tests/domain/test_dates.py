"""Dates as people, Chinese forms and Excel write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.dates import DateError, parse_date

MARCH_FIRST = date(2025, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-01",
        "2025/3/1",
        "2025.3.1",
        "2025年3月1日",
        "2025年03月01日",
        " 2025-03-01 ",
        "２０２５－０３－０１",
        "2025-03-01 00:00:00",
        "20250301",
        MARCH_FIRST,
        datetime(2025, 3, 1, 14, 30),
        45717,
        45717.0,
        45717.6,
        "45717",
    ],
)
def test_the_same_day_is_read_from_every_accepted_spelling(value: object) -> None:
    assert parse_date(value) == MARCH_FIRST


@pytest.mark.parametrize(
    "value", ["2025-02-29", "2025-13-01", "03/01/2025", "1.3.2025", "", None, 19999, 80001, True]
)
def test_values_that_are_not_real_dates_are_rejected(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value)


def test_an_impossible_date_says_so_in_chinese() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("2025-02-29")
    assert "不存在" in caught.value.message


@given(st.dates(min_value=date(1955, 1, 1), max_value=date(2099, 12, 31)))
def test_excel_serials_and_iso_text_agree(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == parse_date(day.isoformat()) == day
