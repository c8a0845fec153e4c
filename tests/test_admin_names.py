"""The back office (/admin/) names apps, models and columns in Chinese, not "Agencys"."""

from __future__ import annotations

import pytest

from techmarket.stats.plan_store import store_plan
from techmarket.stats.targets import example_plans
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db

ENGLISH_PLURALS = ("Agencys", "Partys", "Contracts", "Audit events", "Stored plans")


@pytest.fixture
def back_office(client, django_user_model):
    """The system administrator, signed in; the browser asks for no particular language."""
    superuser = django_user_model.objects.create_superuser("sysadmin", password="x" * 16)
    client.force_login(superuser)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_index_names_each_app_and_model_in_chinese(back_office):
    html = page(back_office, "/admin/")

    for name in ("账户与登记机构", "技术合同登记", "统计与计划"):
        assert name in html
    for name in ("登记机构", "用户角色", "当事人单位", "技术合同", "审计事件", "登记证明"):
        assert name in html
    for name in ("异议", "工作日调整", "行动计划", "计划指标实际值", "地区指标值"):
        assert name in html
    for english in ENGLISH_PLURALS:
        assert english not in html


def test_the_agency_list_heads_its_columns_in_chinese(back_office, agencies):
    html = page(back_office, "/admin/accounts/agency/")

    assert "广州市技术合同登记处" in html
    for column in ("机构代码", "机构名称", "级别", "行政区划代码", "上级机构", "登记编号格式"):
        assert column in html
    assert "Agencys" not in html
    assert "Region code" not in html


def test_the_contract_list_uses_the_record_files_chinese_headers(
    back_office, seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)

    html = page(back_office, "/admin/registry/contract/")

    assert contract.registration_number in html
    for column in ("登记编号", "合同名称", "合同类型", "卖方名称", "合同成交额(元)"):
        assert column in html
    assert "技术交易额(元)" in html
    assert "Total amount" not in html
    assert "Partys" not in html


def test_the_party_list_heads_the_masked_identifier_in_chinese(back_office, seller_party):
    html = page(back_office, "/admin/registry/party/")

    assert seller_party.name in html
    assert "证件号" in html
    assert "Masked identifier" not in html


def test_the_plan_list_heads_its_columns_in_chinese(back_office, now):
    store_plan(example_plans()[0], user="analyst", now=now)

    html = page(back_office, "/admin/stats/storedplan/")

    for column in ("计划代码", "计划名称", "导入时间", "导入人"):
        assert column in html
    assert "Imported at" not in html


def test_contracts_and_audit_events_stay_read_only_in_the_back_office(
    back_office, seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)
    event = contract.events.order_by("seq").last()

    assert back_office.get("/admin/registry/contract/add/").status_code == 403
    assert back_office.get("/admin/registry/auditevent/add/").status_code == 403
    assert back_office.post(f"/admin/registry/contract/{contract.pk}/delete/").status_code == 403
    assert back_office.post(f"/admin/registry/auditevent/{event.pk}/delete/").status_code == 403
    changed = back_office.post(f"/admin/registry/contract/{contract.pk}/change/", {"name": "改名"})
    assert changed.status_code == 403
    contract.refresh_from_db()
    assert contract.name != "改名"
