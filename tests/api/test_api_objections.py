"""异议 and 复核 over the API: the same `actions/{action}` endpoint, no paths of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from techmarket.registry.audit import verify
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
REASON = {"reason": "合同实为设备买卖，技术交易额认定过高"}


@pytest.fixture
def contract(seller, registrar, agencies, now):
    """Registered at the city agency by `registrar`."""
    return registered(seller, registrar, agencies["city"], now - timedelta(days=2))


@pytest.fixture
def province_registrar(agencies):
    from techmarket.registry.actors import actor_for
    from techmarket.registry.users import save_user

    save_user("province_registrar", role="registrar", agency_code="P440000")
    return actor_for("province_registrar")


def path(contract, action: str) -> str:
    return f"/contracts/{contract.pk}/actions/{action}"


def test_a_seller_objects_and_an_uninvolved_registrar_upholds(
    api_as, seller, second_registrar, contract
):
    offered = api_as(seller).get(f"/contracts/{contract.pk}").json()["actions"]
    assert "object" in [a["action"] for a in offered]

    objected = api_as(seller).post(path(contract, "object"), REASON)
    assert objected.status_code == 200, objected.json()
    assert objected.json()["status"] == "registered"
    upheld = api_as(second_registrar).post(
        path(contract, "uphold_objection"), {"note": "经复核，认定无误"}
    )
    assert upheld.status_code == 200, upheld.json()

    history = api_as(seller).get(f"/contracts/{contract.pk}/history").json()
    assert [e["action"] for e in history][-2:] == ["object", "uphold_objection"]
    assert history[-1]["payload"]["objection_outcome"] == "upheld"
    assert verify().ok


def test_the_province_objects_and_an_unrelated_district_is_told_nothing(
    api_as, province_registrar, other_district_registrar, contract
):
    hidden = api_as(other_district_registrar).post(path(contract, "object"), REASON)
    assert hidden.status_code == 404
    assert contract.name not in hidden.content.decode()
    assert api_as(province_registrar).post(path(contract, "object"), REASON).status_code == 200


def test_the_registering_registrar_may_not_re_check(api_as, seller, registrar, contract):
    api_as(seller).post(path(contract, "object"), REASON)
    refused = api_as(registrar).post(path(contract, "uphold_objection"), {"note": "无误"})
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "rechecker_took_part"
    assert body["message"] and body["message_en"]


def test_a_second_objection_and_a_stale_version_are_refused(
    api_as, seller, province_registrar, contract
):
    read = api_as(seller).get(f"/contracts/{contract.pk}")
    api_as(seller).post(path(contract, "object"), REASON, **{"If-Match": read["ETag"]})
    again = api_as(province_registrar).post(path(contract, "object"), REASON)
    assert (again.status_code, again.json()["code"]) == (409, "objection_already_open")
    stale = api_as(seller).post(path(contract, "object"), REASON, **{"If-Match": read["ETag"]})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")


def test_an_objection_gives_its_grounds_as_the_reason(api_as, seller, contract):
    blank = api_as(seller).post(path(contract, "object"))
    assert (blank.status_code, blank.json()["code"]) == (422, "reason_required")
    as_note = api_as(seller).post(path(contract, "object"), {"note": "认定有误"})
    assert (as_note.status_code, as_note.json()["code"]) == (422, "unexpected_input")
