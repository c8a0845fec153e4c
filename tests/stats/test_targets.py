"""Plan targets: loading plan files and progress as of a date (时间过半、任务过半)."""

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from techmarket.stats.targets import (
    ActualEntry,
    EnteredActuals,
    Indicator,
    Plan,
    Progress,
    elapsed_pct,
    example_plans,
    load_plan,
    merge_actuals,
    parse_entry_period,
    progress,
    to_unit,
)

D = Decimal


def r2(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


class FakeActuals:
    """Monthly figures keyed by (indicator code, year), as the stats engine would supply."""

    def __init__(self, data: dict[tuple[str, int], dict[int, str]] | None = None) -> None:
        self.data = {
            key: {m: D(v) for m, v in months.items()} for key, months in (data or {}).items()
        }

    def monthly(self, indicator: Indicator, year: int) -> Mapping[int, Decimal]:
        return self.data.get((indicator.code, year), {})


@pytest.fixture(scope="module")
def guangzhou() -> Plan:
    [path] = [p for p in example_plans() if p.name == "guangzhou_2019_2021.toml"]
    return load_plan(path)


PEOPLE = Indicator(
    "people", "培养人才", "人", "increase", (), "entered", None, None, None, {2020: D(500)}
)


def only(plan: Plan, code: str, **kwargs) -> Progress:
    [row] = [p for p in progress(plan, **kwargs) if p.indicator.code == code]
    return row


TURNOVER = "tech_contract_turnover"
# Hand-built history: share of January–June in the full year is 0.4 (2019), 0.3 (2018), 0.5 (2017)
HISTORY = {
    (TURNOVER, 2019): {1: "50", 2: "50", 3: "100", 4: "60", 5: "60", 6: "80"}
    | {m: "100" for m in range(7, 13)},  # 400 of 1000
    (TURNOVER, 2018): {m: "50" for m in range(1, 7)} | {12: "700"},  # 300 of 1000
    (TURNOVER, 2017): {m: "250" if m == 6 else "0" for m in range(1, 7)}
    | {12: "250"},  # 250 of 500
}


def months(total_h1: str) -> dict[int, str]:
    """January–June adding up to ``total_h1`` with an uneven spread; nothing after June."""
    t = D(total_h1)
    return {
        1: str(t / 10),
        2: str(t / 10),
        3: str(t / 5),
        4: str(t / 5),
        5: str(t / 5),
        6: str(t / 5),
    }


# -- loading -------------------------------------------------------------------------------


def test_the_guangzhou_plan_loads_with_nine_indicators(guangzhou):
    assert guangzhou.code == "gz-sti-2019-2021"
    assert guangzhou.region == "440100"
    assert len(guangzhou.indicators) == 9
    turnover = guangzhou.indicator(TURNOVER)
    assert turnover.name == "技术合同成交额"
    assert (turnover.source_kind, turnover.measure, turnover.view, turnover.region) == (
        "registry",
        "total_amount",
        "registered",
        "440100",
    )
    assert dict(turnover.targets) == {2019: D("850"), 2020: D("1000"), 2021: D("1200")}
    counted = {i.code: i.entity for i in guangzhou.indicators if i.source_kind == "entities"}
    assert set(counted) == {
        "high_tech_enterprises",
        "incubated_enterprises",
        "national_enterprise_tech_centres",
        "tech_transfer_professionals_trained",
    }
    assert counted["national_enterprise_tech_centres"].levels == ("national",)
    assert counted["tech_transfer_professionals_trained"].measure == "trained_people"
    others = [i for i in guangzhou.indicators if i.code != TURNOVER and i.code not in counted]
    assert all(i.source_kind == "entered" and i.measure is None for i in others)


def test_the_guangzhou_plan_keeps_published_targets_exact(guangzhou):
    targets = {i.code: dict(i.targets) for i in guangzhou.indicators}
    assert targets["basic_research_share_of_rd"][2020] == D("13.5")
    assert targets["rd_spending_share_of_gdp"] == {2021: D("3.1")}
    assert targets["high_tech_enterprises"] == {2019: D(11400), 2020: D(11700), 2021: D(12000)}
    assert targets["strategic_emerging_value_added"][2021] == D(4500)
    assert all(isinstance(v, Decimal) for t in targets.values() for v in t.values())


def test_shares_and_stocks_are_levels_and_flows_are_summed(guangzhou):
    levels = {i.code for i in guangzhou.indicators if i.is_level}
    assert levels == {
        "high_tech_enterprises",
        "high_tech_product_output_share",
        "incubated_enterprises",
        "national_enterprise_tech_centres",
        "basic_research_share_of_rd",
        "rd_spending_share_of_gdp",
    }


PLAN_HEAD = """
[plan]
code = "t"
name = "测试计划"
region = "440100"
"""


def plan_text(indicator: str, extra: str = "") -> str:
    return PLAN_HEAD + "[[indicators]]\n" + indicator + extra


GOOD = """code = "people"
name = "培养人才"
unit = "人"
direction = "increase"
responsible = ["市科技局"]
source = { kind = "entered" }
targets = { 2020 = "500" }
"""


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        (GOOD.replace('unit = "人"', 'unit = "千人"'), "unit"),
        (GOOD.replace('"increase"', '"upward"'), "direction"),
        (GOOD.replace('targets = { 2020 = "500" }', ""), "targets"),
        (GOOD.replace('targets = { 2020 = "500" }', "targets = {}"), "targets"),
        (GOOD.replace('"500"', '"五百"'), "targets.2020"),
        (GOOD.replace('"500"', '"1,000"'), "targets.2020"),
        (GOOD.replace('"500"', "13.5"), "targets.2020"),
        (GOOD.replace('"500"', '"-5"'), "targets.2020"),
        (GOOD.replace('{ kind = "entered" }', '{ kind = "registry" }'), "measure"),
        (GOOD.replace('{ kind = "entered" }', '{ kind = "guess" }'), "source"),
        (GOOD.replace('unit = "人"', 'unit = "%"\naggregation = "sum"'), "aggregation"),
    ],
)
def test_a_broken_indicator_is_refused_naming_the_indicator_and_field(broken, field):
    with pytest.raises(ValueError) as excinfo:
        load_plan(plan_text(broken))
    message = str(excinfo.value)
    assert "people" in message
    assert field in message
    assert "字段" in message and "field" in message


def test_bad_toml_and_a_missing_plan_table_are_refused_in_both_languages():
    with pytest.raises(ValueError, match="TOML"):
        load_plan("[plan\ncode = 1\n")
    with pytest.raises(ValueError, match="缺少 \\[plan\\] 表 / missing"):
        load_plan("[[indicators]]\n" + GOOD)


def test_duplicate_indicator_codes_are_refused():
    with pytest.raises(ValueError, match="duplicate indicator codes: people"):
        load_plan(plan_text(GOOD, "[[indicators]]\n" + GOOD))


def test_entered_actuals_by_quarter_count_from_the_quarters_last_month():
    plan = load_plan(
        plan_text(
            GOOD,
            '[[actuals]]\nindicator = "people"\nyear = 2020\nquarter = 1\nvalue = "90"\n'
            '[[actuals]]\nindicator = "people"\nyear = 2020\nquarter = 2\nvalue = "130"\n'
            '[[actuals]]\nindicator = "people"\nyear = 2020\nmonth = 7\nvalue = "40"\n',
        )
    )
    actuals = EnteredActuals(plan.actuals)
    assert actuals.monthly(plan.indicators[0], 2020) == {3: D(90), 6: D(130), 7: D(40)}
    before = progress(plan, as_of=date(2020, 5, 31), actuals=actuals)[0]
    after = progress(plan, as_of=date(2020, 6, 30), actuals=actuals)[0]
    assert before.actual == D(90)
    assert after.actual == D(220)
    assert after.completion_pct == D("44.00")


def test_actuals_for_unknown_or_registry_indicators_are_refused():
    registry = GOOD.replace(
        '{ kind = "entered" }', '{ kind = "registry", measure = "total_amount" }'
    )
    entry = '[[actuals]]\nindicator = "{code}"\nyear = 2020\nmonth = 1\nvalue = "1"\n'
    with pytest.raises(ValueError, match="unknown indicator 'nobody'"):
        load_plan(plan_text(GOOD, entry.format(code="nobody")))
    with pytest.raises(ValueError, match="comes from the registry"):
        load_plan(plan_text(registry, entry.format(code="people")))


@pytest.mark.parametrize(
    ("text", "parsed", "label"),
    [
        ("2020-06", (2020, 6, "month"), "2020-06"),
        ("2020-6", (2020, 6, "month"), "2020-06"),
        ("2020-Q2", (2020, 6, "quarter"), "2020-Q2"),
        ("2020q4", (2020, 12, "quarter"), "2020-Q4"),
        ("2020", (2020, 12, "year"), "2020"),
    ],
)
def test_an_entered_period_is_booked_at_its_last_month(text, parsed, label):
    assert parse_entry_period(text) == parsed
    assert ActualEntry("people", parsed[0], parsed[1], D(1), parsed[2]).period == label


@pytest.mark.parametrize("text", ["2020-13", "2020-Q5", "2020-00", "20-01", "2020-06-01", "Q2"])
def test_a_malformed_entered_period_is_refused_naming_the_accepted_forms(text):
    with pytest.raises(ValueError, match="YYYY-Qn"):
        parse_entry_period(text)


def test_entered_values_take_precedence_over_the_plan_files_for_the_same_period():
    file = [
        ActualEntry("people", 2020, 3, D(90), "quarter"),
        ActualEntry("people", 2020, 6, D(130), "quarter"),
    ]
    entered = [ActualEntry("people", 2020, 6, D(150), "quarter")]
    merged = EnteredActuals(merge_actuals(file, entered))
    assert merged.monthly(PEOPLE, 2020) == {3: D(90), 6: D(150)}


def test_entered_values_of_another_granularity_replace_the_files_for_that_year():
    file = [
        ActualEntry("people", 2020, 3, D(90), "quarter"),
        ActualEntry("people", 2021, 3, D(95), "quarter"),
    ]
    entered = [ActualEntry("people", 2020, 1, D(20)), ActualEntry("people", 2020, 2, D(25))]
    merged = EnteredActuals(merge_actuals(file, entered))
    assert merged.monthly(PEOPLE, 2020) == {1: D(20), 2: D(25)}  # not 90 on top
    assert merged.monthly(PEOPLE, 2021) == {3: D(95)}


def test_a_registry_indicator_defaults_to_the_plan_region_and_registered_view():
    plan = load_plan(
        plan_text(GOOD.replace('{ kind = "entered" }', '{ kind = "registry", measure = "count" }'))
    )
    assert (plan.indicators[0].view, plan.indicators[0].region) == ("registered", "440100")


def test_registry_yuan_convert_exactly_to_the_plan_unit():
    assert to_unit(D("225653000000"), "亿元") == D("2256.53")
    assert to_unit(D("12345"), "万元") == D("1.2345")
    assert to_unit(7, "元") == D(7)
    with pytest.raises(ValueError):
        to_unit(D(1), "家")


# -- elapsed time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 6, 30), r2(D(182) / 366 * 100)),  # 49.73 in the leap year 2020
        (date(2021, 6, 30), r2(D(181) / 365 * 100)),  # 49.59
        (date(2020, 2, 29), r2(D(60) / 366 * 100)),
        (date(2020, 12, 31), D("100.00")),
        (date(2021, 1, 1), r2(D(1) / 365 * 100)),
    ],
)
def test_elapsed_time_counts_days_through_the_date_in_that_years_length(day, expected):
    assert elapsed_pct(day) == expected


def test_half_the_year_of_2020_is_49_73_percent():
    assert elapsed_pct(date(2020, 6, 30)) == D("49.73")


# -- progress of flows -----------------------------------------------------------------------


def test_half_year_verdict_met_on_30_june_2020(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2020): months("540")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.year == 2020
    assert row.target == D(1000)
    assert row.actual == D(540)
    assert row.completion_pct == D("54.00")
    assert row.elapsed_pct == D("49.73")
    assert row.verdict.startswith("时间过半、任务过半（达到）")
    assert "met" in row.verdict
    assert row.status == "on_track"  # 54.00 is within 5 points of 49.73


def test_half_year_verdict_not_met_below_half_the_target(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2020): months("499.99")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.completion_pct == D("50.00")  # rounded for display, still short of half
    assert row.verdict.startswith("时间过半、任务未过半")


def test_before_30_june_the_verdict_compares_completion_with_time(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2020): months("540")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 29), actuals=actuals)
    assert row.verdict.startswith("时间未过半，完成进度不低于时间进度")


def test_only_months_up_to_the_as_of_month_are_counted(guangzhou):
    data = {m: "10" for m in range(1, 13)}
    actuals = FakeActuals({(TURNOVER, 2020): data})
    assert only(guangzhou, TURNOVER, as_of=date(2020, 3, 1), actuals=actuals).actual == D(30)
    assert only(guangzhou, TURNOVER, as_of=date(2020, 12, 31), actuals=actuals).actual == D(120)


def test_seasonal_projection_matches_a_hand_computation(guangzhou):
    # shares 0.4, 0.3, 0.5 → mean 0.4; 360 ÷ 0.4 = 900
    actuals = FakeActuals(HISTORY | {(TURNOVER, 2020): months("360")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.projected == D("900.00")
    assert row.history_years_used == (2017, 2018, 2019)
    assert "2017、2018、2019" in row.projection_method
    assert "2017, 2018, 2019" in row.projection_method
    assert "40.00%" in row.projection_method


def test_seasonal_projection_uses_only_the_requested_number_of_years(guangzhou):
    actuals = FakeActuals(HISTORY | {(TURNOVER, 2020): months("360")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals, history_years=2)
    assert row.projected == r2(D(360) / ((D("0.4") + D("0.3")) / 2))  # 1028.57
    assert row.history_years_used == (2018, 2019)


def test_seasonal_projection_skips_earlier_years_without_data(guangzhou):
    history = {k: v for k, v in HISTORY.items() if k[1] != 2018}
    actuals = FakeActuals(history | {(TURNOVER, 2020): months("360")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.history_years_used == (2017, 2019)
    assert row.projected == r2(D(360) / ((D("0.4") + D("0.5")) / 2))  # 800


def test_without_history_the_projection_is_linear_in_elapsed_time(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2020): months("540")})
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.projected == r2(D(540) * 366 / 182)  # 1085.93
    assert row.history_years_used == ()
    assert "线性" in row.projection_method and "linear" in row.projection_method


def test_projection_on_31_december_is_the_actual(guangzhou):
    actuals = FakeActuals(HISTORY | {(TURNOVER, 2019): {m: "100" for m in range(1, 13)}})
    row = only(guangzhou, TURNOVER, as_of=date(2019, 12, 31), actuals=actuals)
    assert row.actual == D(1200)
    assert row.projected == D("1200.00")
    assert row.elapsed_pct == D("100.00")
    assert row.status == "ahead"  # 141.18 % of 850 with the year gone


def test_1_january_starts_the_next_years_target(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2021): {1: "60"}, (TURNOVER, 2020): {12: "2000"}})
    row = only(guangzhou, TURNOVER, as_of=date(2021, 1, 1), actuals=actuals)
    assert (row.year, row.target, row.actual) == (2021, D(1200), D(60))
    assert row.completion_pct == D("5.00")
    assert row.elapsed_pct == D("0.27")


@pytest.mark.parametrize(
    ("h1", "status"),
    [
        ("600", "ahead"),  # 60.00 ≥ 49.73 + 5
        ("450", "on_track"),  # 45.00 ≥ 49.73 − 5
        ("360", "at_risk"),  # projected 900 = 90 % of 1000
        ("359.99", "behind"),  # projected 899.98 < 900
    ],
)
def test_status_bands_around_elapsed_time_and_the_projection(guangzhou, h1, status):
    actuals = FakeActuals(HISTORY | {(TURNOVER, 2020): months(h1)})
    assert only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=actuals).status == status


def test_an_empty_year_is_zero_actual_and_behind_not_an_error(guangzhou):
    row = only(guangzhou, TURNOVER, as_of=date(2020, 6, 30), actuals=FakeActuals())
    assert row.actual == D(0)
    assert row.completion_pct == D("0.00")
    assert row.projected == D("0.00")
    assert row.status == "behind"


def test_a_year_without_a_target_is_reported_as_such(guangzhou):
    actuals = FakeActuals({(TURNOVER, 2022): {1: "100"}})
    row = only(guangzhou, TURNOVER, as_of=date(2022, 1, 31), actuals=actuals)
    assert row.target is None
    assert row.completion_pct is None
    assert row.status == "no_target"
    assert row.projected is not None


def test_a_ceiling_indicator_mirrors_the_status_bands():
    ceiling = GOOD.replace('"increase"', '"decrease"').replace('"500"', '"100"')
    plan = load_plan(plan_text(ceiling))
    code = "people"
    history = {(code, 2019): {6: "60", 12: "40"}}  # January–June were 60 % of 2019

    def status(h1: str, hist: bool = False) -> str:
        data = {(code, 2020): {6: h1}} | (history if hist else {})
        return progress(plan, as_of=date(2020, 6, 30), actuals=FakeActuals(data))[0].status

    assert status("30") == "ahead"  # 30.00 ≤ 49.73 − 5
    assert status("54") == "on_track"  # 54.00 ≤ 49.73 + 5
    assert status("60", hist=True) == "at_risk"  # projected 100 ≤ 110 % of the ceiling
    assert status("60") == "behind"  # linear projection 120.66 > 110


# -- progress of levels ----------------------------------------------------------------------

SHARE = "high_tech_product_output_share"


def test_a_percentage_indicator_takes_the_latest_value_not_a_sum(guangzhou):
    actuals = FakeActuals({(SHARE, 2020): {3: "48.2", 6: "49.6", 9: "51"}})
    row = only(guangzhou, SHARE, as_of=date(2020, 6, 30), actuals=actuals)
    assert row.actual == D("49.6")
    assert row.target == D(50)
    assert row.completion_pct == r2(D("49.6") / 50 * 100)  # 99.20
    assert row.projected == D("49.6")
    assert row.status == "on_track"
    assert "水平指标" in row.verdict and "not yet met" in row.verdict
    assert "not summed" in row.projection_method


def test_a_level_between_reports_keeps_the_last_reported_value(guangzhou):
    actuals = FakeActuals({(SHARE, 2020): {3: "48.2", 6: "49.6", 9: "53"}})
    row = only(guangzhou, SHARE, as_of=date(2020, 8, 15), actuals=actuals)
    assert row.actual == D("49.6")
    late = only(guangzhou, SHARE, as_of=date(2020, 12, 31), actuals=actuals)
    assert late.actual == D(53)
    assert late.status == "ahead"  # 106.00 %
    assert "已达到" in late.verdict


def test_a_stock_indicator_below_nine_tenths_of_target_is_behind(guangzhou):
    actuals = FakeActuals({("high_tech_enterprises", 2020): {6: "10000"}})
    row = only(guangzhou, "high_tech_enterprises", as_of=date(2020, 6, 30), actuals=actuals)
    assert row.completion_pct == r2(D(10000) / 11700 * 100)  # 85.47
    assert row.status == "behind"


def test_a_level_without_any_value_yet_has_no_data(guangzhou):
    row = only(guangzhou, SHARE, as_of=date(2020, 6, 30), actuals=FakeActuals())
    assert row.status == "no_data"
    assert row.completion_pct is None
    assert row.projected is None


def test_progress_covers_every_indicator_in_plan_order(guangzhou):
    rows = progress(guangzhou, as_of=date(2021, 6, 30), actuals=FakeActuals())
    assert [r.indicator.code for r in rows] == [i.code for i in guangzhou.indicators]
    rd = rows[-1]
    assert rd.indicator.code == "rd_spending_share_of_gdp"
    assert rd.target == D("3.1")
