"""Whole-file and migration checks of an import, and the clear refusals around it."""

from __future__ import annotations

import json

import pytest

from techmarket.domain.problems import DomainError
from techmarket.registry import numbers
from techmarket.registry.models import Contract
from tests.domain.builders import valid_row
from tests.registry.test_import_cli import _write_csv, invoke

pytestmark = pytest.mark.django_db


def _migrated(external_id: str, registered_on: str, number: str = "") -> dict[str, str]:
    return dict(
        valid_row(external_id=external_id, signed_on="2024-06-01", valid_from="2024-06-01"),
        registered_on=registered_on,
        registration_number=number,
        agency_code="C440100",
    )


def _codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {p["code"] for p in json.loads(result.stdout)["problems"]}


def test_a_migrated_number_of_another_year_is_a_problem_not_a_crash(agencies, tmp_path):
    """A 2025 number registered on 2024-12-31 would not move the 2025 counter: the next
    2025 number issued would collide with it."""
    rows = [
        _migrated("L1", "2024-12-31", "2025440100000001"),
        _migrated("L2", "2025-03-01"),
    ]
    path = _write_csv(tmp_path / "legacy.csv", rows)
    for command in ("validate", "import"):
        result = invoke(
            "contracts", command, path, "--agency", "C440100", "--as-registered", "--json"
        )
        assert result.exit_code == 1, result.output
        assert "registration_number_format" in _codes(result)
    assert Contract.objects.count() == 0


def test_numbers_in_the_agency_year_format_are_kept_across_runs(agencies, tmp_path):
    first = _write_csv(tmp_path / "a.csv", [_migrated("L1", "2025-02-01", "2025440100000003")])
    second = _write_csv(tmp_path / "b.csv", [_migrated("L2", "2025-03-01")])
    for path in (first, second):
        result = invoke("contracts", "import", path, "--agency", "C440100", "--as-registered")
        assert result.exit_code == 0, result.output
    numbers_ = sorted(Contract.objects.values_list("registration_number", flat=True))
    assert numbers_ == ["2025440100000003", "2025440100000004"]


def test_a_registration_date_after_today_is_refused(agencies, tmp_path):
    path = _write_csv(tmp_path / "future.csv", [_migrated("L1", "2099-01-01")])
    result = invoke("contracts", "import", path, "--agency", "C440100", "--as-registered", "--json")
    assert result.exit_code == 1
    assert "registered_on_in_future" in _codes(result)


def test_a_dry_run_without_an_agency_still_finds_repeated_rows(tmp_path):
    path = _write_csv(tmp_path / "dup.csv", [valid_row(), valid_row(), valid_row(external_id="B")])
    result = invoke("contracts", "validate", path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0]["row"] == 2
    assert _codes(result) == {"duplicate_in_file"}


@pytest.mark.parametrize("command", ["validate", "import"])
def test_a_file_with_a_header_and_no_record_is_refused(agencies, tmp_path, command):
    path = tmp_path / "empty.csv"
    path.write_text(",".join(valid_row()) + "\n", encoding="utf-8")
    result = invoke("contracts", command, path, "--agency", "C440100", "--json")
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["rows"] == 0 and body["problems"][0]["code"] == "no_rows"
    assert body["error"]["reason"] == "no_rows"


def test_a_file_problem_in_json_says_what_and_where(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("名称,颜色\n甲,红\n", encoding="utf-8")
    result = invoke("contracts", "validate", path, "--json")
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body["error"]["reason"] == "unknown_headers"
    assert body["error"]["headers"] == ["名称", "颜色"]
    assert [p["code"] for p in body["problems"]] == ["unknown_headers"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["contracts", "export", "-o", "{tmp}/e.xls"], "output_format"),
        (["contracts", "export", "-o", "{tmp}/e.csv", "--format", "xml"], "output_format"),
        (["contracts", "export", "-o", "{tmp}/no/such/e.csv"], "output_folder"),
        (["contracts", "template", "-o", "{tmp}/no/such/t.xlsx"], "output_folder"),
        (["contracts", "template", "-o", "{tmp}/t.csv"], "output_format"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_with_a_message(
    agencies, tmp_path, args, reason
):
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_a_report_that_cannot_be_written_is_refused_before_anything_is_imported(agencies, tmp_path):
    path = _write_csv(tmp_path / "good.csv", [valid_row()])
    result = invoke(
        "contracts", "import", path, "--agency", "C440100", "--report", tmp_path / "r.txt"
    )
    assert result.exit_code == 2
    assert Contract.objects.count() == 0


def test_a_serial_wider_than_the_format_is_refused(agencies):
    agency = agencies["city"]
    agency.number_format = "{year:04d}{region}{serial:02d}"
    agency.save()
    assert numbers.issue_many(agency, 2025, 99)[-1] == "202544010099"
    with pytest.raises(DomainError, match="用尽"):
        numbers.issue(agency, 2025)


def test_a_registered_row_imported_without_migration_is_refused_not_stripped(agencies, tmp_path):
    path = _write_csv(tmp_path / "export.csv", [_migrated("L1", "2025-02-01", "2025440100000003")])
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 1
    assert "registered_without_migration" in _codes(result)
    assert Contract.objects.count() == 0


@pytest.mark.parametrize("as_registered", [False, True])
def test_a_row_whose_status_an_import_would_change_is_refused(agencies, tmp_path, as_registered):
    row = dict(_migrated("L1", "2025-02-01") if as_registered else valid_row(), status="refused")
    path = _write_csv(tmp_path / "export.csv", [row])
    flags = ["--as-registered"] if as_registered else []
    result = invoke("contracts", "import", path, "--agency", "C440100", *flags, "--json")
    assert result.exit_code == 1
    assert "status_not_importable" in _codes(result)


@pytest.mark.parametrize(("as_registered", "status"), [(False, "submitted"), (True, "已登记")])
def test_the_status_an_import_gives_may_be_written(agencies, tmp_path, as_registered, status):
    row = dict(_migrated("L1", "2025-02-01") if as_registered else valid_row(), status=status)
    path = _write_csv(tmp_path / "export.csv", [row])
    flags = ["--as-registered"] if as_registered else []
    result = invoke("contracts", "import", path, "--agency", "C440100", *flags)
    assert result.exit_code == 0, result.output


def test_a_migrated_number_this_import_already_gave_out_is_explained(
    agencies, tmp_path, monkeypatch
):
    from techmarket.registry import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    rows = [_migrated(f"L{i}", "2025-02-01") for i in range(3)]
    rows.append(_migrated("N", "2025-02-01", "2025440100000002"))
    path = _write_csv(tmp_path / "order.csv", rows)
    result = invoke("contracts", "import", path, "--agency", "C440100", "--as-registered", "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["row"], problem["code"]) == (4, "registration_number_taken")
    assert "earlier row" in problem["message_en"]
    assert Contract.objects.count() == 0


def test_a_contract_registered_before_the_first_rules_is_refused(agencies, tmp_path):
    row = dict(
        valid_row(external_id="OLD", signed_on="1999-06-01", valid_from="1999-06-01"),
        valid_to="2001-12-31",
        registered_on="1999-12-31",
        agency_code="C440100",
    )
    path = _write_csv(tmp_path / "old.csv", [row])
    result = invoke("contracts", "import", path, "--agency", "C440100", "--as-registered", "--json")
    assert result.exit_code == 1, result.output
    assert "registered_before_rules" in _codes(result)


def test_an_export_with_an_unknown_status_is_refused_and_json_reports_the_count(agencies, tmp_path):
    path = _write_csv(tmp_path / "good.csv", [valid_row()])
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    bogus = invoke("contracts", "export", "-o", tmp_path / "e.csv", "--status", "bogus")
    assert bogus.exit_code == 1 and "submitted" in bogus.output
    done = invoke("contracts", "export", "-o", tmp_path / "e.csv", "--json")
    assert json.loads(done.stdout) == {"rows": 1, "path": str(tmp_path / "e.csv"), "format": "csv"}
