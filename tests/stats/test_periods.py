"""Statistical periods: parsing, 同比 and 环比 bases, and growth figures."""

from datetime import date
from decimal import Decimal

import pytest

from techmarket.stats.periods import Period, growth_pct, parse_period, share_pct


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), "2024"),
        ("2024H1", "half", date(2024, 1, 1), date(2024, 6, 30), "2024H1"),
        ("2024H2", "half", date(2024, 7, 1), date(2024, 12, 31), "2024H2"),
        ("2024Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31), "2024Q1"),
        ("2024Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30), "2024Q3"),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28), "2023-02"),
        ("2024YTD06", "ytd", date(2024, 1, 1), date(2024, 6, 30), "2024YTD06"),
        ("2023YTD02", "ytd", date(2023, 1, 1), date(2023, 2, 28), "2023YTD02"),
        ("2024YTD12", "ytd", date(2024, 1, 1), date(2024, 12, 31), "2024YTD12"),
        (
            "2024-01-15..2024-02-20",
            "range",
            date(2024, 1, 15),
            date(2024, 2, 20),
            "2024-01-15..2024-02-20",
        ),
    ],
)
def test_every_period_form_parses_with_inclusive_bounds(text, kind, start, end, label):
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2024h1", "2024H1"),
        ("2024q3", "2024Q3"),
        ("2024ytd06", "2024YTD06"),
        ("2024ytd6", "2024YTD06"),
        ("2024-3", "2024-03"),
        (" 2024 ", "2024"),
    ],
)
def test_lower_case_and_short_forms_parse_to_the_canonical_label(text, label):
    assert parse_period(text).label == label


def test_february_of_a_leap_year_has_29_days():
    assert parse_period("2024-02").days == 29
    assert parse_period("2023-02").days == 28
    assert parse_period("2024").days == 366


def test_a_single_day_range_is_one_day_long():
    period = parse_period("2024-12-31..2024-12-31")
    assert period.days == 1
    assert period.contains(date(2024, 12, 31))
    assert not period.contains(date(2025, 1, 1))


@pytest.mark.parametrize(
    "text",
    [
        "2024Q5",
        "2024Q0",
        "2024H3",
        "2024-13",
        "2024-00",
        "2024YTD13",
        "2024YTD00",
        "2024-02-20..2024-01-15",
        "2023-02-29..2023-03-01",
        "2024/03",
        "24Q1",
        "",
        "2024-1-5..2024-02-01",
    ],
)
def test_malformed_periods_are_refused_naming_the_accepted_forms(text):
    with pytest.raises(ValueError) as excinfo:
        parse_period(text)
    message = str(excinfo.value)
    assert "可用格式" in message
    assert "accepted forms" in message
    assert "2024YTD06" in message


@pytest.mark.parametrize(
    ("text", "last_year"),
    [
        ("2024", "2023"),
        ("2024H2", "2023H2"),
        ("2024Q1", "2023Q1"),
        ("2024-02", "2023-02"),
        ("2024YTD06", "2023YTD06"),
        ("2024-02-01..2024-02-29", "2023-02-01..2023-02-28"),
        ("2024-02-29..2024-03-10", "2023-02-28..2023-03-10"),
        ("2023-12-31..2024-01-01", "2022-12-31..2023-01-01"),
    ],
)
def test_same_period_last_year_keeps_the_definition_one_year_earlier(text, last_year):
    assert parse_period(text).same_period_last_year() == parse_period(last_year)


def test_same_period_last_year_of_a_leap_february_month_ends_on_the_28th():
    base = parse_period("2024-02").same_period_last_year()
    assert base.end == date(2023, 2, 28)
    assert base.kind == "month"


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("2024", "2023"),
        ("2024H1", "2023H2"),
        ("2024H2", "2024H1"),
        ("2024Q1", "2023Q4"),
        ("2024Q3", "2024Q2"),
        ("2024-01", "2023-12"),
        ("2024-03", "2024-02"),
        ("2024-01-15..2024-02-20", "2023-12-09..2024-01-14"),
        ("2025-01-01..2025-01-01", "2024-12-31..2024-12-31"),
        ("2024-03-01..2024-03-31", "2024-01-30..2024-02-29"),
    ],
)
def test_previous_is_the_adjacent_period_of_the_same_kind_and_length(text, before):
    period = parse_period(text)
    prior = period.previous()
    assert prior == parse_period(before)
    assert prior is not None
    assert prior.end.toordinal() + 1 == period.start.toordinal()
    if period.kind == "range":
        assert prior.days == period.days


def test_year_to_date_has_no_previous_period():
    assert parse_period("2024YTD06").previous() is None


def test_a_range_across_the_year_end_touches_both_years_months():
    period = parse_period("2023-12-31..2024-01-01")
    assert period.days == 2
    assert period.months() == [(2023, 12), (2024, 1)]
    assert period.contains(date(2023, 12, 31))
    assert period.contains(date(2024, 1, 1))
    assert not period.contains(date(2023, 12, 30))
    assert not period.contains(date(2024, 1, 2))


def test_months_lists_every_month_the_period_touches():
    assert parse_period("2024H2").months() == [(2024, m) for m in range(7, 13)]
    assert parse_period("2024YTD03").months() == [(2024, 1), (2024, 2), (2024, 3)]
    assert parse_period("2024-01-31..2024-03-01").months() == [(2024, 1), (2024, 2), (2024, 3)]


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period.for_range(date(2024, 1, 2), date(2024, 1, 1))


def test_growth_reproduces_guangzhou_2020_published_turnover_growth():
    # 2,256.53 亿元 in 2020 against 1,273.36 亿元 in 2019: published +77.21 %
    assert growth_pct(Decimal("2256.53"), Decimal("1273.36")) == Decimal("77.21")


def test_growth_is_rounded_half_up_to_two_places():
    # 1.005 % exactly: half-up gives 1.01 (banker's rounding would give 1.00)
    assert growth_pct(Decimal("101.005"), 100) == Decimal("1.01")
    assert growth_pct(50, 200) == Decimal("-75.00")
    assert growth_pct(0, 10) == Decimal("-100.00")


@pytest.mark.parametrize("prior", [None, 0, Decimal("0.00")])
def test_growth_is_null_without_a_prior_value(prior):
    assert growth_pct(Decimal("12.5"), prior) is None


def test_growth_refuses_floats():
    with pytest.raises(TypeError):
        growth_pct(1.5, 1)  # type: ignore[arg-type]


def test_share_is_a_percentage_and_null_for_an_empty_whole():
    assert share_pct(Decimal("2055.93"), Decimal("2256.53")) == Decimal("91.11")
    assert share_pct(1, 3) == Decimal("33.33")
    assert share_pct(2, 3) == Decimal("66.67")
    assert share_pct(5, 0) is None
    assert share_pct(0, 0) is None
