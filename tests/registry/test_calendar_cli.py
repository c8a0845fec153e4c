"""Entering each year's holiday arrangement (放假安排, 调休) from the command line and the admin.

chinesecalendar knows holidays only up to 2026; these tests enter 2027 as the bureau would
when the State Council's notice comes out, and watch review deadlines follow it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from techmarket.codes.workdays import covers
from techmarket.domain.problems import DomainError, FileProblem, ValidationFailed
from techmarket.registry import calendar, services
from techmarket.registry.models import CalendarOverride
from tests.conftest import SHANGHAI
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db
runner = CliRunner()

NOTICE = "国办发明电〔2026〕X号"
LATE_DECEMBER = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)  # a Monday, 2026 rules in force


def invoke(*args):
    from techmarket.cli.main import app

    return runner.invoke(app, [str(a) for a in args])


def _accepted(seller, registrar, agency, external_id):
    contract = submitted(
        seller, agency, LATE_DECEMBER, external_id=external_id, valid_to="2027-12-31"
    )
    return services.accept(contract.pk, actor=registrar, now=LATE_DECEMBER)


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_2027_is_beyond_the_installed_package_so_the_tests_below_mean_something():
    assert covers(2026) and not covers(2027)


def test_a_2027_new_year_holiday_moves_a_deadline_counted_across_it(seller, registrar, agencies):
    # 15 working days from Mon 2026-12-28 under Monday–Friday: 12-29…12-31, 1-1, 1-4…1-8,
    # 1-11…1-15, 1-18.
    before = _accepted(seller, registrar, agencies["city"], "A1")
    assert (before.rule_set, before.deadline) == ("2026", date(2027, 1, 18))

    result = invoke("calendar", "set", "2027-01-01", "--holiday", "--note", NOTICE, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["day"], body["is_working_day"], body["created"]) == ("2027-01-01", False, True)
    assert (body["rule"], body["same_as_rule"]) == ("weekday", False)
    assert body["deadlines_spanning"] == 1  # the contract accepted before is named, not recounted

    after = _accepted(seller, registrar, agencies["city"], "A2")
    assert after.deadline == date(2027, 1, 19)
    before.refresh_from_db()
    assert before.deadline == date(2027, 1, 18)


def test_a_make_up_saturday_counts_as_a_working_day(seller, registrar, agencies):
    result = invoke("calendar", "set", "2027-01-02", "--workday", "--note", NOTICE)
    assert result.exit_code == 0, result.output
    assert "2027-01-02（星期六）为工作日（调休）" in result.output

    assert services.working_calendar().is_working_day(date(2027, 1, 2))
    # 12-29…12-31, 1-1, 1-2 (make-up Saturday), 1-4…1-8, 1-11…1-15
    assert _accepted(seller, registrar, agencies["city"], "A1").deadline == date(2027, 1, 15)


def test_entering_a_day_again_replaces_it_and_says_what_it_was():
    invoke("calendar", "set", "2027-01-04", "--holiday", "--note", "初稿")
    result = invoke("calendar", "set", "2027-01-04", "--workday", "--note", NOTICE, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["created"] is False
    assert body["previous"] == {"is_working_day": False, "note": "初稿"}
    assert list(CalendarOverride.objects.values_list("day", "is_working_day", "note")) == [
        (date(2027, 1, 4), True, NOTICE)
    ]


def test_a_day_the_rule_already_says_is_stored_and_the_output_says_so():
    result = invoke("calendar", "set", "2027-01-03", "--holiday", "--note", NOTICE)
    assert result.exit_code == 0, result.output
    assert "与规则一致" in result.output and "周一至周五" in result.output
    assert CalendarOverride.objects.filter(day=date(2027, 1, 3), is_working_day=False).exists()


@pytest.mark.parametrize("note", [None, "", "   "])
def test_a_day_without_the_notice_it_comes_from_is_refused(note):
    args = ["calendar", "set", "2027-01-01", "--holiday", "--json"]
    result = invoke(*args, *(["--note", note] if note is not None else []))
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert "依据" in error["message"] and "note" in error["message_en"]
    assert error["code"] == "note_required"
    assert not CalendarOverride.objects.exists()
    with pytest.raises(DomainError) as raised:
        calendar.set_day(date(2027, 1, 1), working=False, note=" ")
    assert raised.value.code == "note_required"
    with pytest.raises(DomainError) as raised:
        calendar.set_day(date(2027, 1, 1), working=False, note="x" * 1000)
    assert raised.value.code == "note_too_long"


def test_a_day_must_be_either_a_holiday_or_a_working_day():
    for flags in ([], ["--holiday", "--workday"]):
        result = invoke("calendar", "set", "2027-01-01", *flags, "--note", NOTICE)
        assert result.exit_code == 1
        assert "--holiday" in result.output and "--workday" in result.output
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2027-02-30", "no_such_date"),
        ("2027-13-01", "no_such_date"),
        ("27-1-1", "invalid_date"),
        ("明年元旦", "invalid_date"),
    ],
)
def test_a_bad_date_is_refused_with_a_message_naming_it(text, code):
    result = invoke("calendar", "set", text, "--holiday", "--note", NOTICE)
    assert result.exit_code == 1
    assert text in result.output and "日期" in result.output
    assert "Traceback" not in result.output
    assert f"({code})" in result.output
    assert not CalendarOverride.objects.exists()


def test_dates_are_read_as_notices_and_spreadsheets_write_them():
    assert calendar.parse_day("2027-1-1") == date(2027, 1, 1)
    assert calendar.parse_day("2027/2/20") == date(2027, 2, 20)
    assert calendar.parse_day("2027年10月8日") == date(2027, 10, 8)


def test_a_file_with_one_bad_line_writes_nothing_and_names_the_line(tmp_path):
    calendar.set_day(date(2027, 2, 20), working=False, note="初稿")
    path = _write_csv(
        tmp_path / "2027.csv",
        ["日期", "是否工作日", "说明"],
        [
            ["2027-02-06", "否", NOTICE],
            ["2027-02-20", "是", NOTICE],
            ["2027-02-31", "否", NOTICE],
            ["2027-02-07", "否", NOTICE],
        ],
    )
    result = invoke("calendar", "import", path, "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(4, "day", "invalid_date")]
    assert "2027-02-31" in problems[0]["message"] and "第 4 行" in problems[0]["message"]
    assert list(CalendarOverride.objects.values_list("day", "is_working_day", "note")) == [
        (date(2027, 2, 20), False, "初稿")
    ]


def test_every_bad_line_is_reported_with_its_field_and_reason(tmp_path):
    path = _write_csv(
        tmp_path / "bad.csv",
        ["day", "is_working_day", "note"],
        [
            ["2027-02-06", "maybe", NOTICE],
            ["2027-02-07", "0", ""],
            ["2027-02-06", "0", NOTICE],
            ["2027-02-08", "0", NOTICE],
            ["2027-02-08", "1", NOTICE],
        ],
    )
    result = invoke("calendar", "import", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    with pytest.raises(ValidationFailed) as raised:
        calendar.import_file(path)
    found = [(p.row, p.field, p.code) for p in raised.value.problems]
    assert found == [
        (2, "is_working_day", "invalid_flag"),
        (3, "note", "note_required"),
        (4, "day", "duplicate_day"),
        (6, "day", "duplicate_day"),
    ]
    assert "第 2 行" in raised.value.problems[2].message
    assert not CalendarOverride.objects.exists()


def test_a_good_file_is_entered_in_full_and_a_second_run_updates(tmp_path):
    rows = [
        ["2027-01-01", "0", NOTICE],
        ["2027/2/5", "false", NOTICE],
        ["2027-02-07", "否", NOTICE],  # a Sunday: already a rest day
        ["2027-02-20", "是", NOTICE],
        ["2027-02-21", "true", NOTICE],
        ["2027-02-22", "1", NOTICE],  # a Monday: already a working day
    ]
    path = _write_csv(tmp_path / "2027.csv", ["day", "is_working_day", "note"], rows)
    result = invoke("calendar", "import", path, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["created"], body["updated"]) == (6, 0)
    assert body["same_as_rule"] == ["2027-02-07", "2027-02-22"]
    working = services.working_calendar()
    assert [working.is_working_day(calendar.parse_day(r[0])) for r in rows] == [
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    again = json.loads(invoke("calendar", "import", path, "--json").stdout)
    assert (again["created"], again["updated"]) == (0, 6)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_an_uploaded_calendar_file_object_is_entered_like_a_file(encoding):
    text = f"日期,是否工作日,说明\r\n2027-01-01,否,{NOTICE}\r\n2027-02-20,是,{NOTICE}\r\n"
    upload = io.BytesIO(text.encode(encoding))
    result = calendar.import_file(upload, name="2027.csv")
    assert (result.created, result.updated) == ([date(2027, 1, 1), date(2027, 2, 20)], [])
    assert list(CalendarOverride.objects.values_list("day", "is_working_day", "note")) == [
        (date(2027, 1, 1), False, NOTICE),
        (date(2027, 2, 20), True, NOTICE),
    ]
    assert not upload.closed


def test_a_bad_uploaded_calendar_file_names_its_code():
    with pytest.raises(FileProblem) as raised:
        calendar.import_file(io.BytesIO(b""), name="empty.csv")
    assert (raised.value.code, raised.value.message_en) == ("empty", "the file is empty: empty.csv")
    with pytest.raises(FileProblem) as raised:
        calendar.import_file(io.BytesIO("日期,上班,说明\n".encode()))
    assert (raised.value.code, raised.value.details["unknown"]) == ("bad_header", ["上班"])
    assert not CalendarOverride.objects.exists()


def test_a_file_with_unknown_columns_is_refused_as_a_whole(tmp_path):
    path = _write_csv(tmp_path / "odd.csv", ["日期", "上班", "说明"], [["2027-01-01", "0", "x"]])
    result = invoke("calendar", "import", path)
    assert result.exit_code == 2
    assert "上班" in result.output and "是否工作日" in result.output
    assert not CalendarOverride.objects.exists()


def test_list_shows_entries_package_coverage_and_years_counted_monday_to_friday(monkeypatch):
    from django.utils import timezone

    calendar.set_day(date(2027, 1, 1), working=False, note=NOTICE)
    calendar.set_day(date(2027, 2, 20), working=True, note=NOTICE)
    calendar.set_day(date(2028, 1, 1), working=False, note=NOTICE)
    monkeypatch.setattr(timezone, "localdate", lambda: date(2040, 11, 20))

    result = invoke("calendar", "list", "--year", "2027", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"overrides", "coverage", "warnings"}
    assert body["overrides"] == [
        {
            "day": "2027-01-01",
            "weekday": "星期五",
            "is_working_day": False,
            "note": NOTICE,
            "same_as_rule": False,
        },
        {
            "day": "2027-02-20",
            "weekday": "星期六",
            "is_working_day": True,
            "note": NOTICE,
            "same_as_rule": False,
        },
    ]
    coverage = body["coverage"]
    assert coverage["package"] == "chinesecalendar" and coverage["package_version"]
    assert coverage["package_years"] == [2004, 2026]
    assert coverage["override_years"] == [
        {"year": 2027, "holidays": 1, "workdays": 1},
        {"year": 2028, "holidays": 1, "workdays": 0},
    ]
    assert coverage["weekday_only_years"] == [2040, 2041]
    assert [w["year"] for w in body["warnings"]] == [2040, 2041]

    calendar.set_day(date(2041, 1, 1), working=False, note=NOTICE)
    shown = invoke("calendar", "list")
    assert shown.exit_code == 0, shown.output
    assert "警告：2040 年" in shown.output and "2041 年既不在" not in shown.output
    assert "2004–2026" in shown.output


def test_this_year_and_next_are_warned_about_only_when_nothing_decides_them():
    november = date(2026, 11, 20)
    assert calendar.coverage(november)["weekday_only_years"] == [2027]
    calendar.set_day(date(2027, 1, 1), working=False, note=NOTICE)
    assert calendar.coverage(november)["weekday_only_years"] == []


def test_removing_a_day_gives_it_back_to_the_rule():
    calendar.set_day(date(2027, 1, 1), working=False, note=NOTICE)
    assert not services.working_calendar().is_working_day(date(2027, 1, 1))

    result = invoke("calendar", "remove", "2027-01-01", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "day": "2027-01-01",
        "removed": True,
        "is_working_day": True,
        "rule": "weekday",
        "deadlines_spanning": 0,
    }
    assert not CalendarOverride.objects.exists()
    assert services.working_calendar().is_working_day(date(2027, 1, 1))

    again = invoke("calendar", "remove", "2027-01-01")
    assert again.exit_code == 4
    assert "2027-01-01" in again.output


def test_the_admin_page_lists_days_and_saves_through_the_service(admin_client):
    calendar.set_day(date(2027, 2, 20), working=True, note=NOTICE)
    listing = admin_client.get("/admin/registry/calendaroverride/")
    assert listing.status_code == 200
    assert "2027" in listing.content.decode() and NOTICE in listing.content.decode()

    add = "/admin/registry/calendaroverride/add/"
    refused = admin_client.post(add, {"day": "2027-01-01", "note": " "})
    assert refused.status_code == 200 and "依据" in refused.content.decode()
    assert not CalendarOverride.objects.filter(day=date(2027, 1, 1)).exists()

    saved = admin_client.post(add, {"day": "2027-01-01", "note": f"  {NOTICE} "})
    assert saved.status_code == 302
    assert CalendarOverride.objects.get(day=date(2027, 1, 1)).note == NOTICE  # stripped
    assert not services.working_calendar().is_working_day(date(2027, 1, 1))


def test_a_whole_years_days_are_counted_in_one_query(agencies):
    from datetime import date, timedelta

    from techmarket.registry.calendar import deadlines_spanning

    days = [date(2027, 1, 1) + timedelta(days=i) for i in range(400)]
    assert deadlines_spanning(days) == 0  # SQLite refuses an OR of hundreds of ranges
