"""Who may import into which agency: an import always runs as someone, and the audit trail
names them."""

from __future__ import annotations

import io
import json

import pytest

from techmarket.domain.problems import FileProblem, PermissionDenied
from techmarket.registry.actors import system_actor
from techmarket.registry.importer import import_records
from techmarket.registry.models import AuditEvent, Contract
from tests.domain.builders import valid_row
from tests.registry.test_import_cli import _rows, _write_csv, invoke

pytestmark = pytest.mark.django_db


def _migrated(external_id: str, agency_code: str = "") -> dict[str, str]:
    return dict(
        valid_row(external_id=external_id),
        registered_on="2025-04-01",
        registration_number="",
        agency_code=agency_code,
    )


def _numbered(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    return list(enumerate(rows, start=1))


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    header = ",".join(rows[0])
    lines = [",".join(row.values()) for row in rows]
    return ("\n".join([header, *lines]) + "\n").encode()


def _actors() -> set[str]:
    return set(AuditEvent.objects.values_list("actor", flat=True))


def test_a_registrar_imports_into_their_own_agency_and_is_named_in_the_audit_trail(registrar, now):
    result = import_records(_numbered(_rows(2)), actor=registrar, now=now)
    assert result.committed and result.created == 2
    assert set(Contract.objects.values_list("agency__code", flat=True)) == {"C440100"}
    assert _actors() == {"registrar"}


def test_a_registrar_cannot_import_into_another_districts_agency(
    other_district_registrar, agencies, now
):
    with pytest.raises(PermissionDenied) as refused:
        import_records(
            _numbered(_rows(1)), agency=agencies["tianhe"], actor=other_district_registrar, now=now
        )
    assert refused.value.code == "import_not_own_agency"
    assert Contract.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_city_registrar_migrates_contracts_of_a_district_in_the_city(registrar, now):
    rows = [_migrated("L1"), _migrated("L2", agency_code="D440106")]
    result = import_records(_numbered(rows), actor=registrar, now=now, as_registered=True)
    assert result.committed, result.problems
    assert sorted(Contract.objects.values_list("agency__code", flat=True)) == [
        "C440100",
        "D440106",
    ]


def test_a_migrated_row_of_another_citys_agency_is_refused_and_nothing_is_written(registrar, now):
    from techmarket.accounts.services import save_agency

    save_agency("C440300", name="深圳市技术合同登记处", region="440300", parent_code="P440000")
    rows = [_migrated("L1"), _migrated("L2", agency_code="C440300"), _migrated("L3")]
    result = import_records(_numbered(rows), actor=registrar, now=now, as_registered=True)
    assert not result.ok and not result.committed
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (2, "agency_code", "agency_not_in_jurisdiction")
    ]
    assert Contract.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_district_registrar_cannot_migrate_the_city_agencys_contracts(
    other_district_registrar, now
):
    rows = [_migrated("L1", agency_code="C440100")]
    result = import_records(
        _numbered(rows), actor=other_district_registrar, now=now, as_registered=True
    )
    assert {p.code for p in result.problems} == {"agency_not_in_jurisdiction"}
    assert Contract.objects.count() == 0


@pytest.mark.parametrize("persona", ["seller", "analyst"])
def test_sellers_and_analysts_may_not_import(persona, request, agencies, now):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied) as refused:
        import_records(_numbered(_rows(1)), agency=agencies["city"], actor=actor, now=now)
    assert refused.value.code == "import_not_allowed"
    assert Contract.objects.count() == 0


def test_the_operator_imports_into_any_agency_as_the_named_system_actor(agencies, now):
    from techmarket.accounts.services import save_agency

    shenzhen, _ = save_agency(
        "C440300", name="深圳市技术合同登记处", region="440300", parent_code="P440000"
    )
    rows = [_migrated("L1", agency_code="C440300"), _migrated("L2", agency_code="D440106")]
    result = import_records(
        _numbered(rows),
        agency=agencies["city"],
        actor=system_actor(agencies["city"], login="alice"),
        now=now,
        as_registered=True,
    )
    # The seller is in Guangzhou: a Shenzhen agency may not register its contract, whoever
    # imports it (a recognition rule, not an access rule).
    assert {p.code for p in result.problems} == {"seller_outside_jurisdiction"}
    result = import_records(
        _numbered(rows[1:]),
        agency=agencies["city"],
        actor=system_actor(agencies["city"], login="alice"),
        now=now,
        as_registered=True,
    )
    assert result.committed and _actors() == {"system:alice"}
    assert shenzhen.contracts.count() == 0


def test_an_uploaded_file_object_is_imported_like_a_file(registrar, now):
    upload = io.BytesIO(_csv_bytes(_rows(2)))
    result = import_records(upload, name="合同.csv", actor=registrar, now=now)
    assert result.committed and result.created == 2


def test_an_upload_in_an_unknown_format_is_a_file_problem(registrar, now):
    with pytest.raises(FileProblem) as refused:
        import_records(io.BytesIO(b"x"), name="合同.pdf", actor=registrar, now=now)
    assert ".pdf" in refused.value.message_en and "techmarket-upload" not in str(
        refused.value.message_en
    )


# -- the command line ------------------------------------------------------------------------


def test_the_command_line_imports_as_a_registrar_into_their_agency(registrar, tmp_path):
    path = _write_csv(tmp_path / "good.csv", _rows(2))
    result = invoke("contracts", "import", path, "--as", "registrar", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 2
    assert _actors() == {"registrar"}


def test_the_command_line_without_as_is_the_operator_at_the_terminal(agencies, tmp_path):
    from techmarket.cli.output import default_user

    path = _write_csv(tmp_path / "good.csv", _rows(1))
    assert invoke("contracts", "import", path, "--agency", "C440100").exit_code == 0
    assert _actors() == {f"system:{default_user()}"}


def test_the_command_line_refuses_a_seller_import(seller, tmp_path):
    path = _write_csv(tmp_path / "good.csv", _rows(1))
    result = invoke("contracts", "import", path, "--as", "seller", "--agency", "C440100")
    assert result.exit_code == 3
    assert Contract.objects.count() == 0


def test_validate_as_a_registrar_checks_their_jurisdiction(other_district_registrar, tmp_path):
    path = _write_csv(tmp_path / "legacy.csv", [_migrated("L1", agency_code="C440100")])
    result = invoke(
        "contracts",
        "validate",
        path,
        "--as",
        "other_district_registrar",
        "--as-registered",
        "--json",
    )
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {p["code"] for p in problems} == {"agency_not_in_jurisdiction"}


def test_an_import_without_agency_or_user_says_what_is_missing(agencies, tmp_path):
    path = _write_csv(tmp_path / "good.csv", _rows(1))
    result = invoke("contracts", "import", path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "import_agency_required"
