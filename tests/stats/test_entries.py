"""Plans and entered actuals stored in the database, with their history kept."""

from __future__ import annotations

import builtins
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from techmarket.domain.problems import DomainError, FileProblem, NotFound
from techmarket.stats.actuals import PlanActuals
from techmarket.stats.entries import actual_rows, entered_entries, remove_actual, set_actual
from techmarket.stats.models import EnteredActual, StoredPlan
from techmarket.stats.plan_store import find_plan, list_plans, read_plan, store_plan
from techmarket.stats.targets import progress

pytestmark = pytest.mark.django_db
D = Decimal
GZ = "gz-sti-2019-2021"
TRAINED = "tech_transfer_professionals_trained"

PLAN = """[plan]
code = "hz-demo"
name = "示例计划"
region = "330100"

[[indicators]]
code = "people"
name = "培养人才"
unit = "人"
source = { kind = "entered" }
targets = { 2020 = "500" }

[[indicators]]
code = "turnover"
name = "技术合同成交额"
unit = "亿元"
source = { kind = "registry", measure = "total_amount" }
targets = { 2020 = "100" }

[[actuals]]
indicator = "people"
year = 2020
quarter = 1
value = "90"

[[actuals]]
indicator = "people"
year = 2020
quarter = 2
value = "130"
"""


@pytest.fixture
def plan(tmp_path, now):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return store_plan(path, user="analyst", now=now)


def entered(plan_code: str, indicator: str, year: int) -> dict[int, Decimal]:
    """What progress would read: the file's actuals with the entered ones on top."""
    found = find_plan(plan_code)
    actuals = PlanActuals(None, found, date(year, 12, 31))  # type: ignore[arg-type]
    return dict(actuals.monthly(found.indicator(indicator), year))


# -- plans ---------------------------------------------------------------------------------


def test_an_imported_plan_is_stored_in_the_database_and_found_by_code(plan, now):
    row = StoredPlan.objects.get()
    assert (row.code, row.name, row.imported_by, row.imported_at) == (
        "hz-demo",
        "示例计划",
        "analyst",
        now,
    )
    assert "[[actuals]]" in row.source_toml
    assert find_plan("hz-demo") == plan


def test_reimporting_a_plan_replaces_it(plan, tmp_path, now):
    path = tmp_path / "again.toml"
    path.write_text(PLAN.replace("示例计划", "示例计划（修订）"), encoding="utf-8")
    store_plan(path, user="registrar", now=now + timedelta(days=1))
    assert StoredPlan.objects.get().name == "示例计划（修订）"


def test_the_shipped_example_plans_are_listed_and_found_without_an_import(agencies):
    assert [(i.plan.code, i.origin) for i in list_plans()] == [(GZ, "example")]
    assert find_plan(GZ).region == "440100"


def test_imported_plans_are_listed_before_the_examples(plan):
    assert [(i.plan.code, i.origin) for i in list_plans()] == [
        ("hz-demo", "imported"),
        (GZ, "example"),
    ]


def test_an_unknown_plan_is_not_found_naming_the_known_ones(plan):
    with pytest.raises(NotFound) as raised:
        find_plan("no-such-plan")
    assert "hz-demo" in raised.value.message and GZ in raised.value.message


def test_an_uploaded_plan_file_object_is_checked_and_stored(now, agencies):
    upload = io.BytesIO(PLAN.encode("utf-8-sig"))
    plan = store_plan(upload, user="analyst", now=now, name="hz.toml")
    assert (plan.code, StoredPlan.objects.get().source_toml) == ("hz-demo", PLAN)
    assert not upload.closed


def test_a_plan_is_read_from_a_named_file_or_upload_without_being_stored(tmp_path, agencies):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    assert read_plan(path) == read_plan(io.BytesIO(PLAN.encode())) == read_plan(str(path))
    assert not StoredPlan.objects.exists()


def test_a_broken_uploaded_plan_is_refused_with_a_code_and_separate_messages(now, agencies):
    with pytest.raises(DomainError) as raised:
        store_plan(io.BytesIO(b"[plan\ncode = 1\n"), user="analyst", now=now)
    assert raised.value.code == "plan_not_toml"
    assert "TOML" in raised.value.message and "not valid TOML" in raised.value.message_en
    assert "plan file is not" not in raised.value.message
    with pytest.raises(FileProblem) as raised:
        store_plan(io.BytesIO("[plan]".encode("gbk") + "名".encode("gbk")), user="a", now=now)
    assert raised.value.code == "plan_file_encoding"
    assert not StoredPlan.objects.exists()


@pytest.fixture
def reads(monkeypatch):
    """Every path the code under test opens."""
    opened: list[str] = []
    real_open = io.open

    def recording_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(builtins, "open", recording_open)
    return opened


def test_a_plan_code_that_looks_like_a_path_is_unknown_and_nothing_is_read(plan, tmp_path, reads):
    other = tmp_path / "other.toml"
    other.write_text(PLAN.replace("hz-demo", "other-plan"), encoding="utf-8")
    reads.clear()
    for code in ("../../etc/passwd", "/etc/passwd", str(other), "other.toml"):
        with pytest.raises(NotFound) as raised:
            find_plan(code)
        assert (raised.value.code, raised.value.details["plan"]) == ("plan_not_found", code)
        assert "import" not in raised.value.message_en, "no front end's command in a service"
    assert not [path for path in reads if "passwd" in path or path.endswith("other.toml")]
    assert find_plan("hz-demo") == plan


def test_a_broken_or_missing_plan_file_is_refused_and_nothing_is_stored(tmp_path, now, agencies):
    broken = tmp_path / "broken.toml"
    broken.write_text('[plan]\ncode = "x"\nname = "x"\nregion = "440100"\n', encoding="utf-8")
    with pytest.raises(DomainError, match="indicators"):
        store_plan(broken, user="analyst", now=now)
    with pytest.raises(FileProblem):
        store_plan(tmp_path / "missing.toml", user="analyst", now=now)
    assert not StoredPlan.objects.exists()


# -- entered actuals -----------------------------------------------------------------------


def test_an_entered_value_is_kept_with_who_when_and_why(plan, now):
    row, changed = set_actual(
        plan, "people", "2020-q3", "140", user="analyst", now=now, note="市人社局季报"
    )
    assert changed
    assert (row.period, row.value, row.entered_by, row.entered_at, row.note) == (
        "2020-Q3",
        D(140),
        "analyst",
        now,
        "市人社局季报",
    )
    assert entered("hz-demo", "people", 2020) == {3: D(90), 6: D(130), 9: D(140)}


def test_entering_a_period_again_supersedes_the_value_and_keeps_it(plan, now):
    later = now + timedelta(hours=1)
    first, _ = set_actual(plan, "people", "2020-Q3", "140", user="analyst", now=now)
    second, _ = set_actual(plan, "people", "2020-Q3", "145", user="registrar", now=later)
    first.refresh_from_db()
    assert (first.superseded_at, first.superseded_by_id) == (later, second.pk)
    assert [r.value for r in actual_rows("hz-demo")] == [D(145)]
    assert [(r.value, r.in_force) for r in actual_rows("hz-demo", include_history=True)] == [
        (D(140), False),
        (D(145), True),
    ]


def test_entering_the_value_in_force_again_adds_no_history(plan, now):
    set_actual(plan, "people", "2020-Q3", "140", user="analyst", now=now)
    _, changed = set_actual(plan, "people", "2020-Q3", "140.00", user="analyst", now=now)
    assert not changed
    assert EnteredActual.objects.count() == 1


def test_entered_values_take_precedence_over_the_plan_files_for_the_same_period(plan, now):
    set_actual(plan, "people", "2020-Q2", "150", user="analyst", now=now)
    assert entered("hz-demo", "people", 2020) == {3: D(90), 6: D(150)}
    people_only = replace(plan, indicators=(plan.indicator("people"),))
    [people] = progress(
        people_only,
        as_of=date(2020, 6, 30),
        actuals=PlanActuals(None, people_only, date(2020, 6, 30)),  # type: ignore[arg-type]
    )
    assert people.actual == D(240)


def test_a_withdrawn_value_stops_counting_but_stays_in_the_history(plan, now):
    set_actual(plan, "people", "2020-Q3", "140", user="analyst", now=now)
    row = remove_actual(plan, "people", "2020-q3", user="registrar", now=now)
    assert (row.in_force, row.withdrawn_by) == (False, "registrar")
    assert entered("hz-demo", "people", 2020) == {3: D(90), 6: D(130)}
    assert len(actual_rows("hz-demo", include_history=True)) == 1
    with pytest.raises(NotFound):
        remove_actual(plan, "people", "2020-Q3", user="registrar", now=now)


def test_a_year_value_is_booked_in_december(agencies, now):
    gz = find_plan(GZ)
    set_actual(gz, TRAINED, "2019", "420", user="analyst", now=now)
    assert entered_entries(GZ)[0].month == 12
    assert entered(GZ, TRAINED, 2019) == {12: D(420)}


def test_one_granularity_per_indicator_and_year(plan, now):
    with pytest.raises(DomainError) as raised:  # the file gives 2020 by quarter
        set_actual(plan, "people", "2020-07", "40", user="analyst", now=now)
    assert "2020-Q1" in raised.value.message and "按月" in raised.value.message
    set_actual(plan, "people", "2021-07", "40", user="analyst", now=now)
    with pytest.raises(DomainError, match="其他粒度") as raised:
        set_actual(plan, "people", "2021-Q3", "120", user="analyst", now=now)
    assert raised.value.code == "mixed_granularity"
    assert "targets" not in raised.value.message, "the command's hint belongs to the CLI"
    assert [r.period for r in actual_rows("hz-demo")] == ["2021-07"]


@pytest.mark.parametrize(
    ("indicator", "period", "value", "error", "message"),
    [
        ("nobody", "2020-06", "1", NotFound, "indicators to enter: people"),
        ("turnover", "2020-06", "1", DomainError, "computed from the registry"),
        ("people", "2020-13", "1", DomainError, "YYYY-Qn"),
        ("people", "2020/06", "1", DomainError, "YYYY-MM"),
        ("people", "2020-Q3", "-1", DomainError, "cannot be negative"),
        ("people", "2020-Q3", "1e400x", DomainError, "not a number"),
        ("people", "2020-Q3", "0.00001", DomainError, "more than 4 decimal places"),
    ],
)
def test_bad_entries_are_refused_naming_what_is_wrong(
    plan, now, indicator, period, value, error, message
):
    with pytest.raises(error) as raised:
        set_actual(plan, indicator, period, value, user="analyst", now=now)
    assert message in raised.value.message_en or message in raised.value.message
    assert not EnteredActual.objects.exists()


def test_zero_is_a_value_like_any_other(plan, now):
    set_actual(plan, "people", "2020-Q3", "0", user="analyst", now=now)
    assert entered("hz-demo", "people", 2020)[9] == 0


def test_the_database_allows_one_value_in_force_per_period(plan, now):
    fields = dict(plan_code="hz-demo", indicator="people", period="2020-Q3", entered_at=now)
    EnteredActual.objects.create(value=D(1), entered_by="a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnteredActual.objects.create(value=D(2), entered_by="b", **fields)
    EnteredActual.objects.create(value=D(3), entered_by="c", superseded_at=now, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnteredActual.objects.create(value=D(-1), entered_by="d", superseded_at=now, **fields)
