"""Shared personas and agencies: a Guangzhou city agency, two district agencies, a province."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 6, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def agencies(db):
    from techmarket.accounts.services import save_agency

    province, _ = save_agency("P440000", name="广东省技术合同认定登记中心", region="440000")
    city, _ = save_agency(
        "C440100", name="广州市技术合同登记处", region="440100", parent_code="P440000"
    )
    tianhe, _ = save_agency(
        "D440106", name="天河区技术合同登记站", region="440106", parent_code="C440100"
    )
    huangpu, _ = save_agency(
        "D440112", name="黄埔区技术合同登记站", region="440112", parent_code="C440100"
    )
    return {"province": province, "city": city, "tianhe": tianhe, "huangpu": huangpu}


def _person(username: str, role: str, *, agency: str | None = None, party: str | None = None):
    from techmarket.registry.actors import actor_for
    from techmarket.registry.users import save_user

    save_user(username, role=role, agency_code=agency, party_identifier=party)
    return actor_for(username)


@pytest.fixture
def seller_party(agencies):
    from techmarket.registry.models import Party
    from tests.domain.builders import SELLER_ID, SELLER_REGION

    return Party.objects.create(
        identifier=SELLER_ID, name="广州新锂科技有限公司", nature="150", region_code=SELLER_REGION
    )


@pytest.fixture
def seller(seller_party):
    return _person("seller", "seller", party=seller_party.identifier)


@pytest.fixture
def outsider(agencies):
    from techmarket.registry.models import Party
    from tests.domain.builders import make_uscc

    other = Party.objects.create(
        identifier=make_uscc("440112", "MA9X8Y7W"),
        name="黄埔某公司",
        nature="170",
        region_code="440112",
    )
    return _person("outsider", "seller", party=other.identifier)


@pytest.fixture
def registrar(agencies):
    return _person("registrar", "registrar", agency="C440100")


@pytest.fixture
def second_registrar(agencies):
    return _person("second_registrar", "registrar", agency="C440100")


@pytest.fixture
def other_district_registrar(agencies):
    return _person("other_district_registrar", "registrar", agency="D440112")


@pytest.fixture
def agency_admin(agencies):
    """The Guangzhou city agency's administrator (its agency has a parent: the province)."""
    return _person("agency_admin", "agency_admin", agency="C440100")


@pytest.fixture
def other_agency_admin(agencies):
    return _person("other_agency_admin", "agency_admin", agency="D440112")


@pytest.fixture
def province_admin(agencies):
    """The administrator of the top-level agency, who alone may correct the shared calendar."""
    return _person("province_admin", "agency_admin", agency="P440000")


@pytest.fixture
def analyst(agencies):
    return _person("analyst", "analyst", agency="P440000")


def _broker(username: str, name: str, now: datetime, **profile):
    from techmarket.market.broker_services import save_broker
    from techmarket.registry.actors import system_actor

    actor = _person(username, "broker")
    save_broker(actor=system_actor(), now=now, username=username, name=name, **profile)
    return actor


@pytest.fixture
def broker(agencies, now):
    """A technology broker (技术经纪人) of Guangzhou, covering new energy and materials."""
    return _broker(
        "broker",
        "陈经纪",
        now,
        fields=["05", "06"],
        regions=["440100"],
        certificate_number="JJR-2024-0001",
        trainings=[("2024-05-10", "技术经理人初级培训", "32", "广东省技术市场协会")],
    )


@pytest.fixture
def other_broker(agencies, now):
    return _broker("other_broker", "林经纪", now, fields=["01"], regions=["440300"])


@pytest.fixture
def attachment_dir(settings, tmp_path):
    """Attachments stored under the test's own folder, never under var/."""
    settings.ATTACHMENT_DIR = tmp_path / "attachments"
    return settings.ATTACHMENT_DIR


@pytest.fixture(autouse=True)
def _nothing_remembered_from_another_test():
    """What one test computed (tables, the calendar pages show) never answers another's reads."""
    from techmarket.entities.counts import fetched
    from techmarket.registry.services import forget_recent_calendar
    from techmarket.registry.worklist import forget_kept_worklists
    from techmarket.stats.agency_quality import forget_kept_figures
    from techmarket.stats.table_cache import computed

    computed.clear()
    fetched.clear()
    forget_recent_calendar()
    forget_kept_figures()
    forget_kept_worklists()


@pytest.fixture(autouse=True)
def _match_indexes_of_this_test(settings, tmp_path):
    """Each test's match indexes in its own folder, none kept in memory from another test."""
    from techmarket.market.match_index import forget

    settings.MATCH_INDEX_DIR = tmp_path / "match"
    forget()
    yield
    forget()
