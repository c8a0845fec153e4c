"""POST /imports: a file checked or imported as the caller, all or nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techmarket.registry.models import Contract
from tests.api.conftest import record_body

pytestmark = pytest.mark.django_db


def _csv(*rows: dict[str, str]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("contracts.csv", out.getvalue().encode("utf-8"), "text/csv")


def _upload(client, upload, **form):  # type: ignore[no-untyped-def]
    return client.client.post(
        "/api/v1/imports", data={"file": upload, **form}, headers=client.headers
    )


def test_a_registrar_imports_a_file_into_their_agency(api_as, registrar):
    answer = _upload(api_as(registrar), _csv(record_body(), record_body(external_id="GZ-2")))
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["created"], answer.json()["committed"]) == (2, True)
    assert set(Contract.objects.values_list("agency__code", flat=True)) == {"C440100"}


def test_a_file_with_a_bad_row_is_refused_whole_with_every_problem(api_as, registrar):
    bad = record_body(external_id="GZ-2", tech_amount="9000000.00")
    answer = _upload(api_as(registrar), _csv(record_body(), bad))
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["row"] == 2
    assert Contract.objects.count() == 0


def test_a_dry_run_reports_and_writes_nothing(api_as, registrar):
    answer = _upload(api_as(registrar), _csv(record_body()), dry_run="true")
    assert answer.status_code == 200
    assert answer.json()["committed"] is False
    assert Contract.objects.count() == 0


def test_a_registrar_cannot_import_into_another_agency(api_as, other_district_registrar):
    answer = _upload(api_as(other_district_registrar), _csv(record_body()), agency_code="C440100")
    assert (answer.status_code, answer.json()["code"]) == (403, "import_not_own_agency")


def test_a_seller_cannot_import(api_as, seller):
    answer = _upload(api_as(seller), _csv(record_body()), agency_code="C440100")
    assert (answer.status_code, answer.json()["code"]) == (403, "import_not_allowed")


def test_an_unreadable_file_is_a_problem_not_a_crash(api_as, registrar):
    junk = SimpleUploadedFile("contracts.csv", b"\xff\xfe\x00garbage\x00", "text/csv")
    answer = _upload(api_as(registrar), junk)
    assert answer.status_code == 422
    assert answer.json()["code"]
