"""Importing, validating and exporting files from the command line, as an operator would."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.registry.models import AuditEvent, Contract
from tests.domain.builders import valid_row

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _write_csv(path, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(n, **overrides):
    return [valid_row(external_id=f"GZ-{i}", **overrides) for i in range(1, n + 1)]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_good_file_is_imported_as_submitted_applications(agencies, tmp_path):
    path = _write_csv(tmp_path / "good.csv", _rows(3))
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 3
    assert set(Contract.objects.values_list("status", flat=True)) == {"submitted"}
    assert AuditEvent.objects.filter(action="import").count() == 3


def test_a_bad_file_reports_every_problem_and_writes_nothing(agencies, tmp_path):
    rows = _rows(3)
    rows[1]["seller_id"] = rows[1]["seller_id"][:-1] + "0"
    rows[1]["tech_amount"] = "2000000.00"
    rows[2]["signed_on"] = "2025-02-30"
    path = _write_csv(tmp_path / "bad.csv", rows)
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    found = {(p["row"], p["field"]) for p in problems if p["severity"] == "error"}
    assert {(2, "seller_id"), (2, "tech_amount"), (3, "signed_on")} <= found
    assert all(p["message"] and p["message_en"] for p in problems)
    assert Contract.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_validate_prints_rows_and_problems_as_json_and_exits_1_on_error(tmp_path):
    rows = _rows(2)
    rows[0]["contract_type"] = "sale"
    path = _write_csv(tmp_path / "bad.csv", rows)
    result = invoke("contracts", "validate", path, "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["rows"] == 2
    assert {p["field"] for p in body["problems"]} >= {"contract_type"}


def test_reimporting_the_same_file_adds_nothing(agencies, tmp_path):
    rows = [*_rows(2), valid_row(external_id="", name="无编号的技术开发合同")]
    path = _write_csv(tmp_path / "good.csv", rows)
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    again = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["created"] == 0
    assert json.loads(again.stdout)["skipped"] == 3
    assert Contract.objects.count() == 3


def test_a_gb18030_file_imports_like_utf8(agencies, tmp_path):
    path = _write_csv(tmp_path / "gbk.csv", _rows(1), encoding="gb18030")
    result = invoke("contracts", "import", path, "--agency", "C440100", "--json")
    assert result.exit_code == 0, result.output
    assert Contract.objects.get().seller_name == "广州新锂科技有限公司"


def test_migrating_registered_contracts_keeps_given_numbers_and_fills_the_rest(agencies, tmp_path):
    rows = _rows(3)
    for row in rows:
        row.update(registered_on="2025-04-01", agency_code="C440100")
    rows[0]["registration_number"] = "2025440100000007"
    path = _write_csv(tmp_path / "legacy.csv", rows)
    result = invoke("contracts", "import", path, "--agency", "C440100", "--as-registered", "--json")
    assert result.exit_code == 0, result.output
    numbers = sorted(Contract.objects.values_list("registration_number", flat=True))
    assert numbers == ["2025440100000007", "2025440100000008", "2025440100000009"]
    assert set(Contract.objects.values_list("status", flat=True)) == {"registered"}


def test_a_migrated_number_already_in_use_is_a_problem(agencies, tmp_path):
    first = [
        dict(
            valid_row(external_id="L1"),
            registered_on="2025-04-01",
            registration_number="2025440100000001",
        )
    ]
    invoke(
        "contracts",
        "import",
        _write_csv(tmp_path / "a.csv", first),
        "--agency",
        "C440100",
        "--as-registered",
    )
    second = [
        dict(
            valid_row(external_id="L2"),
            registered_on="2025-04-01",
            registration_number="2025440100000001",
        )
    ]
    result = invoke(
        "contracts",
        "import",
        _write_csv(tmp_path / "b.csv", second),
        "--agency",
        "C440100",
        "--as-registered",
        "--json",
    )
    assert result.exit_code == 1
    assert "registration_number_taken" in {p["code"] for p in json.loads(result.stdout)["problems"]}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_export_then_import_round_trips_exactly(agencies, tmp_path, fmt):
    rows = [
        *_rows(2),
        valid_row(
            external_id="P1",
            buyer_country="USA",
            buyer_id="",
            buyer_region="",
            buyer_name="=Acme Corp",
        ),
    ]
    for row in rows:
        row.update(registered_on="2025-04-01")
    source = _write_csv(tmp_path / "in.csv", rows)
    assert (
        invoke("contracts", "import", source, "--agency", "C440100", "--as-registered").exit_code
        == 0
    )
    exported = tmp_path / f"out.{fmt}"
    assert invoke("contracts", "export", "-o", exported).exit_code == 0
    before = sorted(
        Contract.objects.values_list("registration_number", "fingerprint", "buyer_name")
    )
    # Re-importing the export finds every contract already there: each exported row reads
    # back to the same seller, external id and content fingerprint.
    again = invoke(
        "contracts", "import", exported, "--agency", "C440100", "--as-registered", "--json"
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["skipped"] == 3
    after = sorted(Contract.objects.values_list("registration_number", "fingerprint", "buyer_name"))
    assert before == after


def test_agencies_can_be_added_and_listed(db):
    assert (
        invoke(
            "agencies", "add", "P440000", "--name", "广东省登记中心", "--region", "440000"
        ).exit_code
        == 0
    )
    assert (
        invoke(
            "agencies",
            "add",
            "C440100",
            "--name",
            "广州市登记处",
            "--region",
            "440100",
            "--parent",
            "P440000",
        ).exit_code
        == 0
    )
    listed = json.loads(invoke("agencies", "list", "--json").stdout)["agencies"]
    assert [(a["code"], a["level"], a["parent"]) for a in listed] == [
        ("C440100", "city", "P440000"),
        ("P440000", "province", None),
    ]


def test_an_agency_outside_its_parents_region_is_refused(db):
    invoke("agencies", "add", "P440000", "--name", "广东", "--region", "440000")
    result = invoke(
        "agencies", "add", "C320100", "--name", "南京", "--region", "320100", "--parent", "P440000"
    )
    assert result.exit_code != 0
    assert "不在上级机构辖区" in result.output


def test_workflow_commands_act_as_the_named_user(agencies, tmp_path):
    from techmarket.registry.users import save_user

    path = _write_csv(tmp_path / "one.csv", _rows(1))
    invoke("contracts", "import", path, "--agency", "C440100")
    save_user("registrar", role="registrar", agency_code="C440100")
    contract = Contract.objects.get()
    assert invoke("contracts", "accept", contract.pk, "--as", "registrar").exit_code == 0
    result = invoke("contracts", "register", contract.pk, "--as", "registrar", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["registration_number"].endswith("000001")
    shown = json.loads(
        invoke(
            "contracts", "show", json.loads(result.stdout)["registration_number"], "--json"
        ).stdout
    )
    assert [e["action"] for e in shown["events"]] == ["import", "accept", "register"]


def test_an_unknown_user_gets_a_readable_error(agencies):
    result = invoke("contracts", "accept", "1", "--as", "nobody")
    assert result.exit_code == 4
    assert "nobody" in result.output


def test_a_resident_id_is_masked_when_shown(agencies, tmp_path):
    from tests.domain.builders import make_resident_id

    person = make_resident_id("440106")
    row = valid_row(seller_nature="400", seller_id=person, seller_name="张三")
    path = _write_csv(tmp_path / "one.csv", [row])
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    shown = json.loads(invoke("contracts", "show", str(Contract.objects.get().pk), "--json").stdout)
    assert shown["record"]["seller_id"] == person[:6] + "********" + person[-4:]


def test_parsing_in_a_second_process_gives_the_same_result(agencies, tmp_path):
    from django.utils import timezone

    from techmarket.interchange.readers import open_records
    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records

    rows = _rows(5)
    rows[3]["tech_amount"] = "9999999.00"
    path = _write_csv(tmp_path / "five.csv", rows)
    results = [
        import_records(
            open_records(path),
            agency=agencies["city"],
            actor=system_actor(agencies["city"]),
            now=timezone.now(),
            parallel=parallel,
        )
        for parallel in (False, True)
    ]
    assert results[0].as_dict() == results[1].as_dict()
    assert not results[1].ok and results[1].rows == 5
    assert Contract.objects.count() == 0


def test_a_file_problem_in_the_second_process_reaches_the_caller(agencies, tmp_path):
    from django.utils import timezone

    from techmarket.domain.problems import FileProblem
    from techmarket.interchange.readers import open_records
    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records

    path = tmp_path / "late.csv"
    path.write_bytes(_write_csv(tmp_path / "ok.csv", _rows(1)).read_bytes() + b"a,b\xff\xfe,c\n")
    with pytest.raises(FileProblem):
        import_records(
            open_records(path),
            agency=agencies["city"],
            actor=system_actor(agencies["city"]),
            now=timezone.now(),
            parallel=True,
        )


def test_an_unknown_column_is_a_file_level_message_not_a_traceback(agencies, tmp_path):
    rows = [dict(valid_row(), 颜色="红")]
    path = _write_csv(tmp_path / "odd.csv", rows)
    result = invoke("contracts", "import", path, "--agency", "C440100")
    assert result.exit_code == 2
    assert "颜色" in result.output and "Traceback" not in result.output
    assert Contract.objects.count() == 0


def test_an_empty_file_is_reported_as_empty(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = invoke("contracts", "validate", path, "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["reason"]) == ("empty", "empty")


def test_the_template_can_be_filled_in_and_imported(agencies, tmp_path):
    import openpyxl

    template = tmp_path / "template.xlsx"
    assert invoke("contracts", "template", "-o", template).exit_code == 0
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["合同"]
    headers = [cell.value for cell in sheet[1]]
    from techmarket.domain.fields import FIELDS_BY_KEY, KEY_BY_LABEL

    row = valid_row()
    sheet.append([row.get(KEY_BY_LABEL.get(str(h), ""), "") for h in headers])
    workbook.save(template)
    result = invoke("contracts", "import", template, "--agency", "C440100", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 1
    assert FIELDS_BY_KEY["name"].label_zh in headers
