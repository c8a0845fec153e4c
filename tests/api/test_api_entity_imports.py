"""POST /entities/import/{kind}: a list uploaded and imported as the caller, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techmarket.entities.models import Recognition
from tests.entities.builders import firm

pytestmark = pytest.mark.django_db

NOTICE = "序号,企业名称,证书编号\n1,广州接口科技有限公司,GR202444000001\n"


def _upload(client, kind, text, **form):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("notice.csv", text.encode("utf-8"), "text/csv")
    return client.client.post(
        f"/api/v1/entities/import/{kind}", data={"file": upload, **form}, headers=client.headers
    )


def test_an_agency_admin_imports_a_notice_and_a_second_upload_changes_nothing(api_as, agency_admin):
    firm("广州接口科技有限公司")
    client = api_as(agency_admin)
    answer = _upload(client, "high_tech_enterprise", NOTICE, granted_on="2024-11-28")
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"rows": 1, "created": 1, "updated": 0, "skipped": 0, "problems": []}
    assert Recognition.objects.get().granted_on.isoformat() == "2024-11-28"
    again = _upload(client, "high_tech_enterprise", NOTICE, granted_on="2024-11-28")
    assert again.json()["skipped"] == 1 and Recognition.objects.count() == 1


def test_an_unmatched_name_is_refused_with_its_row(api_as, agency_admin):
    answer = _upload(api_as(agency_admin), "high_tech_enterprise", NOTICE, granted_on="2024-11-28")
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert (problem["row"], problem["code"]) == (1, "unmatched_name")
    assert not Recognition.objects.exists()


def test_a_registrar_may_not_import_entities(api_as, registrar):
    answer = _upload(api_as(registrar), "high_tech_enterprise", NOTICE)
    assert (answer.status_code, answer.json()["code"]) == (403, "entities_write_not_for_role")


def test_an_unknown_kind_is_a_problem(api_as, agency_admin):
    answer = _upload(api_as(agency_admin), "unicorn", NOTICE)
    assert (answer.status_code, answer.json()["code"]) == (422, "unknown_entity_kind")


def test_anonymous_callers_are_refused(api_as):
    assert _upload(api_as(None), "high_tech_enterprise", NOTICE).status_code == 401
