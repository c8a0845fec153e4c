"""Risk signals over a small hand-built registry: each rule raises its signal on the contracts
that show the pattern and stays quiet on a near miss; readers see related contracts only as far
as their jurisdiction reaches; the queue raises a signalled contract; a scan replaces the last."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from techmarket.domain.problems import PermissionDenied
from techmarket.registry import contract_list, risk, services
from techmarket.registry.actors import system_actor
from techmarket.registry.importer import import_records
from techmarket.registry.models import Contract, RiskScan, RiskSignal
from techmarket.registry.selectors import contract_detail, find_contract
from techmarket.stats.risk_scan import scan
from tests.domain.builders import make_resident_id, make_uscc, valid_row
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db

# A second Guangzhou company, so that deals can run both ways within the city agency's reach.
YUNFAN = {
    "name": "广州云帆数据科技有限公司",
    "id": make_uscc("440106", "MA5D0K3Q"),
    "nature": "150",
    "region": "440106",
}
HAIKE = {
    "name": "广州海科智能装备有限公司",
    "id": make_uscc("440106", "MA5D0K4R"),
    "nature": "150",
    "region": "440106",
}
XINLI = {
    "name": "广州新锂科技有限公司",
    "id": valid_row()["seller_id"],
    "nature": "150",
    "region": "440106",
}


def party(side: str, who: dict[str, str]) -> dict[str, str]:
    return {f"{side}_{key}": value for key, value in who.items()}


_counter = iter(range(1, 10_000))


def imported(agency, *records: dict[str, str]) -> list[Contract]:
    """Contracts through the real importer (submitted applications at `agency`)."""
    rows = [valid_row(**{"external_id": f"R-{next(_counter)}", **r}) for r in records]
    result = import_records(
        list(enumerate(rows, start=2)),
        agency=agency,
        actor=system_actor(agency),
        now=timezone.now(),
    )
    assert result.ok, result.problems[:3]
    return list(Contract.objects.filter(external_id__in=[r["external_id"] for r in rows]))


def signals(contract: Contract, kind: str | None = None) -> list[RiskSignal]:
    found = RiskSignal.objects.filter(contract=contract)
    return list(found.filter(signal=kind) if kind else found)


def deal(name: str, total: str, signed: str, **more: str) -> dict[str, str]:
    """A contract without non-technical costs: 技术交易额 = 成交额."""
    return {
        "name": name,
        "total_amount": total,
        "tech_amount": total,
        "non_tech_equipment": "",
        "non_tech_materials": "",
        "signed_on": signed,
        **more,
    }


# --- (a) duplicates -------------------------------------------------------------------------


def test_the_same_contract_entered_twice_raises_a_duplicate_signal_naming_the_other(agencies):
    first, second = imported(
        agencies["city"],
        deal("锂电池正极材料制备工艺技术开发合同", "1000000.00", "2025-03-10"),
        deal("锂电池正极材料制备工艺（补充）技术开发合同", "1020000.00", "2025-04-09"),
    )
    scan()
    (found,) = signals(first, "duplicate")
    assert found.related == [second.pk]
    assert "相似" in found.explanation and "similar name" in found.explanation_en
    assert signals(second, "duplicate")[0].related == [first.pk]


def test_two_different_subjects_between_the_same_parties_are_not_duplicates(agencies):
    first, _ = imported(
        agencies["city"],
        deal("锂电池正极材料制备工艺技术开发合同", "1000000.00", "2025-03-10"),
        deal("储能电站热管理系统技术开发合同", "1000000.00", "2025-03-20"),
    )
    scan()
    assert not signals(first, "duplicate")


# --- (b) split below the second-review threshold ------------------------------------------------


def test_three_parts_just_under_the_threshold_within_weeks_raise_a_split_signal(agencies):
    parts = imported(
        agencies["city"],
        deal("正极材料一期技术开发合同", "1900000.00", "2025-03-01"),
        deal("电解液配方二期技术开发合同", "1800000.00", "2025-03-20"),
        deal("隔膜涂层三期技术开发合同", "1700000.00", "2025-04-15"),
    )
    scan()
    (found,) = signals(parts[0], "split_below_threshold")
    assert sorted(found.related) == sorted(p.pk for p in parts[1:])
    assert found.facts["sum"] == "5400000.00"
    assert "5,000,000.00" in found.explanation


def test_two_parts_that_stay_under_the_threshold_together_raise_nothing(agencies):
    parts = imported(
        agencies["city"],
        deal("正极材料一期技术开发合同", "1900000.00", "2025-03-01"),
        deal("电解液配方二期技术开发合同", "1800000.00", "2025-03-20"),
    )
    scan()
    assert not signals(parts[0], "split_below_threshold")


# --- (c) circular deals ------------------------------------------------------------------------


def test_a_sells_to_b_and_b_back_to_a_within_the_window_is_circular(agencies):
    there, back = imported(
        agencies["city"],
        deal("数据平台技术服务合同", "300000.00", "2025-03-01", **party("buyer", YUNFAN)),
        deal(
            "材料检测技术服务合同",
            "280000.00",
            "2025-06-01",
            **party("seller", YUNFAN),
            **party("buyer", XINLI),
        ),
    )
    scan()
    assert signals(there, "circular_deal")[0].related == [back.pk]
    assert signals(back, "circular_deal")[0].related == [there.pk]


def test_a_deal_back_two_years_later_is_not_circular(agencies):
    there, _ = imported(
        agencies["city"],
        deal("数据平台技术服务合同", "300000.00", "2023-03-01", **party("buyer", YUNFAN)),
        deal(
            "材料检测技术服务合同",
            "280000.00",
            "2025-06-01",
            **party("seller", YUNFAN),
            **party("buyer", XINLI),
        ),
    )
    scan()
    assert not signals(there, "circular_deal")


def test_three_parties_selling_round_a_ring_are_circular(agencies):
    ab, bc, ca = imported(
        agencies["city"],
        deal("数据平台技术服务合同", "300000.00", "2025-03-01", **party("buyer", YUNFAN)),
        deal(
            "视觉检测算法技术服务合同",
            "310000.00",
            "2025-04-01",
            **party("seller", YUNFAN),
            **party("buyer", HAIKE),
        ),
        deal(
            "装备运维技术咨询合同",
            "290000.00",
            "2025-05-01",
            **party("seller", HAIKE),
            **party("buyer", XINLI),
        ),
    )
    scan()
    (found,) = signals(ab, "circular_deal")
    assert sorted(found.related) == sorted([bc.pk, ca.pk])
    assert found.facts["parties"] == 3 and "C to A" in found.explanation_en


# --- (d) amounts outside the seller's history or kind -------------------------------------------


HISTORY = [
    deal(f"第{i}批样品检测技术服务合同", amount, f"2025-0{i}-05")
    for i, amount in enumerate(("90000.00", "100000.00", "110000.00", "95000.00", "105000.00"), 1)
]


def test_an_amount_fifty_times_the_sellers_median_is_an_outlier(agencies):
    imported(
        agencies["city"],
        *HISTORY,
        deal("固态电池中试线技术开发合同", "5000000.00", "2025-07-01"),
        deal("正极浆料分散工艺技术服务合同", "98000.00", "2025-08-01"),
    )
    scan()
    outliers = RiskSignal.objects.filter(signal="amount_outlier_seller")
    assert [s.contract_id for s in outliers] == [
        Contract.objects.get(name="固态电池中试线技术开发合同").pk
    ]
    assert "中位数" in outliers[0].explanation


def test_five_times_the_median_is_no_outlier(agencies):
    imported(
        agencies["city"],
        *HISTORY,
        deal("固态电池中试线技术开发合同", "500000.00", "2025-07-01"),
        deal("正极浆料分散工艺技术服务合同", "98000.00", "2025-08-01"),
    )
    scan()
    assert not RiskSignal.objects.filter(signal="amount_outlier_seller").exists()


def _person_selling(total: str) -> dict[str, str]:
    return deal(
        "智能温控算法技术开发合同",
        total,
        "2025-03-10",
        seller_name="李明",
        seller_id=make_resident_id("440106"),
        seller_nature="400",
    )


def test_a_natural_person_selling_for_a_million_and_a_half_is_flagged_by_kind(agencies):
    (contract,) = imported(agencies["city"], _person_selling("1500000.00"))
    scan()
    (found,) = signals(contract, "amount_outlier_kind")
    assert "自然人" in found.explanation


def test_a_natural_person_selling_for_less_than_a_million_is_not(agencies):
    (contract,) = imported(agencies["city"], _person_selling("800000.00"))
    scan()
    assert not signals(contract, "amount_outlier_kind")


# --- (e) period-end spike -------------------------------------------------------------------


def _applications(seller, agency, days: list[str]) -> list[Contract]:
    from datetime import date, datetime

    from tests.conftest import SHANGHAI

    contracts = []
    for i, day in enumerate(days):
        at = datetime.combine(date.fromisoformat(day), datetime.min.time(), SHANGHAI)
        contracts.append(
            submitted(
                seller, agency, at + timedelta(hours=10), external_id=f"END-{i}", name=f"第{i}号"
            )
        )
    return contracts


def test_five_applications_in_the_last_days_of_the_year_are_a_spike(agencies, seller):
    contracts = _applications(
        seller,
        agencies["city"],
        ["2025-05-06", "2025-12-23", "2025-12-24", "2025-12-26", "2025-12-29", "2025-12-30"],
    )
    scan()
    (found,) = signals(contracts[-1], "period_end_spike")
    assert found.facts["count"] == 5 and found.facts["period_end"] == "2025-12-31"
    assert not signals(contracts[0], "period_end_spike")


def test_four_applications_at_a_quarter_end_are_not(agencies, seller):
    contracts = _applications(
        seller, agencies["city"], ["2025-12-23", "2025-12-24", "2025-12-26", "2025-12-29"]
    )
    scan()
    assert not signals(contracts[0], "period_end_spike")


# --- (f) related parties ----------------------------------------------------------------------


def test_buyer_and_seller_sharing_an_uncommon_name_core_look_related(agencies):
    (contract,) = imported(
        agencies["city"],
        deal(
            "正极材料技术服务合同",
            "300000.00",
            "2025-03-01",
            buyer_name="深圳新锂材料有限公司",
            buyer_id=make_uscc("440300", "MA5D0K5T"),
            buyer_nature="150",
            buyer_region="440300",
        ),
    )
    scan()
    (found,) = signals(contract, "related_parties")
    assert found.facts["core"] == "新锂" and "新锂" in found.explanation


def test_a_branch_named_after_the_seller_looks_related(agencies):
    (contract,) = imported(
        agencies["city"],
        deal(
            "正极材料技术服务合同",
            "300000.00",
            "2025-03-01",
            buyer_name="广州新锂科技有限公司北京分公司",
            buyer_id=make_uscc("110108", "MA5D0K6W"),
            buyer_nature="150",
        ),
    )
    scan()
    assert signals(contract, "related_parties")[0].facts["how"] == "prefix"


def test_different_names_do_not_look_related(agencies):
    (contract,) = imported(
        agencies["city"],
        deal(
            "正极材料技术服务合同",
            "300000.00",
            "2025-03-01",
            buyer_name="深圳恒瑞材料有限公司",
            buyer_id=make_uscc("440300", "MA5D0K5T"),
            buyer_nature="150",
            buyer_region="440300",
        ),
    )
    scan()
    assert not signals(contract, "related_parties")


# --- who sees what, the queue, the scan ------------------------------------------------------


HUANGPU_SELLER = {
    "seller_name": "广州黄埔芯测半导体有限公司",
    "seller_id": make_uscc("440112", "MA5D0K7X"),
    "seller_region": "440112",
}


def test_a_related_contract_outside_the_readers_jurisdiction_is_named_only_as_such(
    agencies, registrar, other_district_registrar
):
    (at_huangpu,) = imported(
        agencies["huangpu"],
        deal("晶圆检测技术服务合同", "600000.00", "2025-03-01", **HUANGPU_SELLER),
    )
    (at_city,) = imported(
        agencies["city"], deal("晶圆检测技术服务合同", "600000.00", "2025-03-05", **HUANGPU_SELLER)
    )
    scan()
    (seen_locally,) = risk.signals_of(at_huangpu, other_district_registrar)
    assert seen_locally["related"] == [
        {
            "id": None,
            "registration_number": None,
            "name": "另一份您辖区外的合同",
            "name_en": "another contract outside your jurisdiction",
            "status": None,
            "visible": False,
        }
    ]
    (seen_by_city,) = risk.signals_of(find_contract(at_huangpu.pk, registrar), registrar)
    assert seen_by_city["related"][0]["id"] == at_city.pk
    assert seen_by_city["related"][0]["name"] == "晶圆检测技术服务合同"


def test_the_seller_does_not_see_the_signals_its_contract_raised(agencies, seller):
    first = submitted(seller, agencies["city"], timezone.now(), external_id="S-1")
    submitted(seller, agencies["city"], timezone.now(), external_id="S-2")
    scan()
    assert signals(first, "duplicate")
    with pytest.raises(PermissionDenied) as refused:
        risk.signals_of(first, seller)
    assert refused.value.code == "signals_for_agency_staff"
    assert contract_detail(first.pk, seller)["signals"] is None


def test_the_queue_raises_a_signalled_contract_first_and_the_flagged_filter_finds_it(
    agencies, seller, registrar
):
    now = timezone.now()
    plain = submitted(
        seller, agencies["city"], now, external_id="Q-1", name="储能热管理技术开发合同"
    )
    twin_a = submitted(seller, agencies["city"], now, external_id="Q-2")
    twin_b = submitted(seller, agencies["city"], now, external_id="Q-3")
    assert not twin_a.risk_flags and not plain.risk_flags
    scan()
    page = contract_list.list_contracts(registrar, sort="-risk_score")
    assert [r.id for r in page.items][:2] == sorted([twin_a.pk, twin_b.pk], reverse=True)
    assert page.items[-1].id == plain.pk and page.items[-1].risk_score is None
    flagged = contract_list.list_contracts(registrar, contract_list.ContractFilter(flagged=True))
    assert {r.id for r in flagged.items} == {twin_a.pk, twin_b.pk}
    signalled = contract_list.ContractFilter(signalled=True)
    assert len(contract_list.list_contracts(registrar, signalled).items) == 2
    # the seller's own list carries no score, and its signalled filter is ignored
    own = contract_list.list_contracts(seller, signalled)
    assert len(own.items) == 3 and {r.risk_score for r in own.items} == {None}


def test_the_risk_sort_pages_by_keyset_without_losing_a_row(agencies, seller, registrar):
    now = timezone.now()
    for i in range(4):
        submitted(seller, agencies["city"], now, external_id=f"K-{i}")
    submitted(seller, agencies["city"], now, external_id="K-9", name="储能热管理技术开发合同")
    scan()
    first = contract_list.list_contracts(registrar, sort="-risk_score", limit=3)
    rest = contract_list.list_contracts(
        registrar, sort="-risk_score", limit=3, cursor=first.next_cursor
    )
    ids = [r.id for r in first.items + rest.items]
    assert len(ids) == len(set(ids)) == 5


def test_a_scan_replaces_the_signals_of_the_last(agencies, seller, registrar):
    now = timezone.now()
    first = submitted(seller, agencies["city"], now, external_id="D-1")
    second = submitted(seller, agencies["city"], now, external_id="D-2")
    scan()
    assert signals(first, "duplicate")
    services.withdraw(second.pk, actor=seller, now=now)
    report = scan()
    assert not signals(first, "duplicate")
    assert RiskScan.objects.count() == 2 and report.by_signal.get("duplicate") is None


def test_a_registered_contract_and_an_open_one_alike_are_both_scanned(agencies, seller, registrar):
    now = timezone.now()
    done = registered(seller, registrar, agencies["city"], now, external_id="G-1")
    waiting = submitted(seller, agencies["city"], now + timedelta(days=3), external_id="G-2")
    scan()
    assert signals(waiting, "duplicate")[0].related == [done.pk]
