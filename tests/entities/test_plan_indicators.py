"""Plan indicators counted from the register: values by month, entered figures winning, sources."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from techmarket.stats.actuals import PlanActuals
from techmarket.stats.targets import ActualEntry, PlanError, parse_plan, progress
from tests.entities.builders import firm, recognise, trained_person

pytestmark = pytest.mark.django_db

PLAN = """
[plan]
code = "entities-test"
name = "创新主体指标测试"
region = "440100"

[[indicators]]
code = "high_tech"
name = "高新技术企业数"
unit = "家"
responsible = ["市科技局"]
source = { kind = "entities", entity = "high_tech_enterprise", measure = "organisations" }
targets = { 2021 = "4" }

[[indicators]]
code = "trained"
name = "培养技术转移专业人才"
unit = "人"
responsible = ["市科技局"]
source = { kind = "entities", measure = "trained_people" }
targets = { 2021 = "10" }
"""


def _progress(as_of, entered=()):
    plan = parse_plan(PLAN)
    rows = progress(plan, as_of=as_of, actuals=PlanActuals(None, plan, as_of, entered=entered))
    return {p.indicator.code: p for p in rows}


@pytest.fixture
def register():
    recognise(firm(), date(2018, 3, 15))  # expires 2021-03-15
    recognise(firm(), date(2020, 12, 1))
    recognise(firm(region="440112"), date(2021, 5, 20))
    recognise(firm(region="440300"), date(2021, 1, 5))  # Shenzhen: not Guangzhou's
    trained_person("甲", [("2021-02-01", "junior_broker"), ("2021-06-01", "junior_broker")])
    trained_person("乙", [("2021-04-01", "intermediate_broker")])
    trained_person("丙", [("2020-04-01", "junior_broker")])


def test_a_stock_is_counted_at_each_month_end_and_the_current_month_at_as_of(register):
    plan = parse_plan(PLAN)
    actuals = PlanActuals(None, plan, date(2021, 5, 25), entered=[])
    months = actuals.monthly(plan.indicator("high_tech"), 2021)
    assert months == {1: D(2), 2: D(2), 3: D(1), 4: D(1), 5: D(2)}
    row = _progress(date(2021, 5, 25))["high_tech"]
    assert (row.actual, row.completion_pct, row.source) == (D(2), D("50.00"), "entities")


def test_people_trained_add_up_by_month_to_distinct_persons_of_the_year(register):
    row = _progress(date(2021, 6, 30))["trained"]
    assert row.actual == D(2) and row.source == "entities"  # 甲 once, 乙; 丙 trained in 2020
    assert row.history_years_used == (2020,)  # last year's pattern projects the year


def test_an_entered_month_wins_over_the_count_of_a_stock_and_says_so(register):
    entered = [ActualEntry("high_tech", 2021, 5, D(13000))]
    row = _progress(date(2021, 5, 25), entered)["high_tech"]
    assert (row.actual, row.source) == (D(13000), "entered")
    row = _progress(date(2021, 4, 30), entered)["high_tech"]
    assert (row.actual, row.source) == (D(1), "entities")  # April was not entered


def test_entered_values_for_a_year_replace_the_counted_months_of_a_flow(register):
    entered = [ActualEntry("trained", 2021, 6, D(120), "quarter")]
    row = _progress(date(2021, 6, 30), entered)["trained"]
    assert (row.actual, row.source) == (D(120), "entered")  # not 120 + the counted months


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{ kind = "entities", entity = "unicorn" }', "unknown recognition kind 'unicorn'"),
        ('{ kind = "entities", entity = "tech_sme", measure = "money" }', "source.measure"),
        ('{ kind = "entities", entity = "tech_sme", levels = ["galactic"] }', "source.levels"),
        ('{ kind = "entities", entity = "tech_sme", statuses = ["revoked"] }', "in force"),
        ('{ kind = "entities", entity = "tech_sme", measure = "residents" }', "keeps no resid"),
        ('{ kind = "entities", entity = "tech_sme", region = "4401" }', "6-digit"),
        ('{ kind = "entities", entity = "tech_sme", colour = "red" }', "source.colour"),
    ],
)
def test_a_wrong_entity_source_is_refused_naming_the_field(source, message):
    text = PLAN.replace(
        '{ kind = "entities", entity = "high_tech_enterprise", measure = "organisations" }', source
    )
    with pytest.raises(PlanError, match=message):
        parse_plan(text)


def test_a_count_of_organisations_cannot_be_summed_over_months():
    text = PLAN.replace('unit = "家"\n', 'unit = "家"\naggregation = "sum"\n')
    with pytest.raises(PlanError, match='aggregation must be "latest"'):
        parse_plan(text)


def test_targets_progress_prints_where_each_figure_came_from(register, analyst):
    from typer.testing import CliRunner

    from techmarket.cli.main import app

    args = ["targets", "progress", "gz-sti-2019-2021", "--as-of", "2021-05-31", "--json"]
    result = CliRunner().invoke(app, [*args, "--as", "analyst"])
    assert result.exit_code == 0, result.output
    rows = {row["indicator"]: row for row in json.loads(result.output)["indicators"]}
    assert rows["high_tech_enterprises"]["actual"] == "2.00"
    assert rows["high_tech_enterprises"]["source"] == "entities"
    assert rows["tech_contract_turnover"]["source"] == "registry"
    assert rows["strategic_emerging_value_added"]["source"] == "entered"
    entered = ["targets", "actual", "set", "gz-sti-2019-2021", "high_tech_enterprises"]
    assert CliRunner().invoke(app, [*entered, "2021-05", "12345", "--user", "a"]).exit_code == 0
    result = CliRunner().invoke(app, [*args, "--as", "analyst"])
    rows = {row["indicator"]: row for row in json.loads(result.output)["indicators"]}
    assert (rows["high_tech_enterprises"]["actual"], rows["high_tech_enterprises"]["source"]) == (
        "12345.00",
        "entered",
    )
