"""Risk signals on the pages: the registrar reads each signal and its related contracts on the
contract page and sees a tag in the queue; the seller sees neither."""

from __future__ import annotations

import pytest

from techmarket.stats.risk_scan import scan
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(seller, agencies, now):  # type: ignore[no-untyped-def]
    first = submitted(seller, agencies["city"], now, external_id="TW-1")
    second = submitted(seller, agencies["city"], now, external_id="TW-2")
    scan()
    return first, second


def test_the_registrar_reads_the_signal_and_follows_the_link_to_its_twin(
    browser_as, registrar, twins
):
    first, second = twins
    page = browser_as(registrar).get(f"/contracts/{first.pk}/").content.decode()
    assert "风险信号" in page and "疑似重复登记" in page
    assert f'href="/contracts/{second.pk}/"' in page


def test_the_queue_tags_the_signalled_contracts_and_sorts_them_first(browser_as, registrar, twins):
    page = browser_as(registrar).get("/contracts/?queue=1&sort=-risk_score&signalled=1")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="tag signal') == 2


def test_the_seller_sees_no_signal_on_its_contract_or_its_list(browser_as, seller, twins):
    first, _ = twins
    client = browser_as(seller)
    assert "风险信号" not in client.get(f"/contracts/{first.pk}/").content.decode()
    listing = client.get("/contracts/").content.decode()
    assert 'class="tag signal' not in listing and "有风险信号" not in listing
