"""Counts as of a date and region: moves, expiry, revocation, roll-up, levels, residents, training."""

from datetime import date

import pytest

from techmarket.entities import counts, services
from tests.entities.builders import firm, recognise, trained_person

pytestmark = pytest.mark.django_db

GZ, TIANHE, HUANGPU, SHENZHEN = "440100", "440106", "440112", "440300"


def test_an_organisation_that_moved_counts_where_it_was_on_each_date(agency_admin, now):
    moved = firm(region=TIANHE)
    recognise(moved, date(2020, 1, 10))
    services.move(moved, HUANGPU, on=date(2021, 7, 1), actor=agency_admin, now=now)
    days = [date(2021, 6, 30), date(2021, 7, 1)]
    assert counts.organisations("high_tech_enterprise", days, TIANHE) == [1, 0]
    assert counts.organisations("high_tech_enterprise", days, HUANGPU) == [0, 1]
    assert counts.organisations("high_tech_enterprise", days, GZ) == [1, 1]


def test_a_certificate_counts_on_its_last_day_and_not_the_day_after():
    recognise(firm(), date(2018, 11, 28))  # anniversary convention: last day 2021-11-28
    on_last, after = date(2021, 11, 28), date(2021, 11, 29)
    assert counts.organisations("high_tech_enterprise", [on_last, after], GZ) == [1, 0]
    assert counts.count("high_tech_enterprise", on=date(2018, 11, 27), region=GZ) == 0


def test_the_day_before_setting_ends_a_certificate_a_day_earlier(settings):
    settings.HIGH_TECH_LAST_DAY = "day_before"
    recognise(firm(), date(2018, 11, 28))
    days = [date(2021, 11, 27), date(2021, 11, 28)]
    assert counts.organisations("high_tech_enterprise", days, GZ) == [1, 0]


def test_a_retroactive_revocation_removes_it_from_that_day_and_keeps_earlier_days(
    agency_admin, now
):
    row = recognise(firm(), date(2020, 12, 1))
    days = [date(2021, 3, 31), date(2021, 4, 1), date(2022, 1, 1)]
    assert counts.organisations("high_tech_enterprise", days, GZ) == [1, 1, 1]
    services.revoke(
        row, effective_on=date(2021, 4, 1), reason="年报未报", actor=agency_admin, now=now
    )
    assert counts.organisations("high_tech_enterprise", days, GZ) == [1, 0, 0]


def test_a_district_counts_in_its_city_province_and_the_country_but_not_elsewhere():
    recognise(firm(region=TIANHE), date(2021, 1, 5))
    recognise(firm(region=SHENZHEN), date(2021, 1, 5))
    day = date(2021, 6, 30)
    figures = {
        r: counts.count("high_tech_enterprise", on=day, region=r)
        for r in (TIANHE, GZ, "440000", "000000", HUANGPU, SHENZHEN)
    }
    assert figures == {TIANHE: 1, GZ: 1, "440000": 2, "000000": 2, HUANGPU: 0, SHENZHEN: 1}


def test_an_abolished_district_code_rolls_up_through_its_successor():
    # 萝岗区 440116 was merged into 黄埔区 440112 in 2014: statistics count it in Huangpu.
    recognise(firm(region="440116"), date(2021, 1, 5))
    day = date(2021, 6, 30)
    assert counts.count("high_tech_enterprise", on=day, region=HUANGPU) == 1
    assert counts.count("high_tech_enterprise", on=day, region=GZ) == 1


def test_levels_select_recognitions_and_an_organisation_counts_once():
    both = firm()
    recognise(both, date(2020, 3, 1), kind="enterprise_tech_centre", batch="国家第27批")
    recognise(
        both, date(2019, 3, 1), kind="enterprise_tech_centre", batch="省2019", level="provincial"
    )
    recognise(
        firm(), date(2019, 3, 1), kind="enterprise_tech_centre", batch="省2019", level="provincial"
    )
    day = date(2021, 1, 1)
    kind = "enterprise_tech_centre"
    assert counts.count(kind, on=day, region=GZ, levels=["national"]) == 1
    assert counts.count(kind, on=day, region=GZ, levels=["provincial"]) == 2
    assert counts.count(kind, on=day, region=GZ) == 2  # any level: distinct organisations


def test_residents_count_while_in_a_recognised_incubator_of_the_region(agency_admin, now):
    incubator = firm(region=TIANHE)
    recognise(incubator, date(2019, 1, 1), kind="incubator", batch="市级2019", level="municipal")
    stay = services.admit_resident(
        incubator, firm(), entered_on=date(2020, 3, 1), actor=agency_admin, now=now
    )[0]
    services.admit_resident(
        incubator, firm(), entered_on=date(2020, 5, 1), actor=agency_admin, now=now
    )
    services.end_residency(
        stay, left_on=date(2020, 9, 30), reason="graduated", actor=agency_admin, now=now
    )
    unrecognised = firm(region=TIANHE)
    services.admit_resident(
        unrecognised, firm(), entered_on=date(2020, 3, 1), actor=agency_admin, now=now
    )
    days = [date(2020, 2, 29), date(2020, 3, 1), date(2020, 6, 30), date(2020, 9, 30)]
    assert counts.residents("incubator", days, GZ) == [0, 1, 2, 1]
    assert counts.residents("incubator", days, HUANGPU) == [0, 0, 0, 0]
    assert counts.residents("incubator", days, GZ, levels=["national"]) == [0, 0, 0, 0]


def test_trained_people_are_distinct_persons_and_completions_are_rows():
    trained_person("甲", [("2020-03-02", "junior_broker"), ("2020-09-01", "intermediate_broker")])
    trained_person("乙", [("2020-04-10", "junior_broker")])
    trained_person("丙", [("2020-04-10", "junior_broker")], region=SHENZHEN)
    year = (date(2020, 1, 1), date(2020, 12, 31))
    assert counts.trained(*year, region=GZ) == 2
    assert counts.trained(*year, region=GZ, distinct=False) == 3
    assert counts.trained(*year, region=GZ, levels=["intermediate_broker"]) == 1
    by_month = counts.trained_by_month(2020, GZ)
    assert by_month[3] == 1 and by_month[4] == 1 and by_month[9] == 0  # 甲 counted in March
    assert counts.trained_by_month(2020, GZ, distinct=False)[9] == 1
    assert sorted(counts.trained_by_month(2020, GZ, through=date(2020, 4, 5))) == [1, 2, 3, 4]


def test_an_unknown_kind_or_a_kind_without_residents_is_refused():
    from techmarket.domain.problems import DomainError

    with pytest.raises(DomainError) as caught:
        counts.count("unicorn", on=date(2021, 1, 1))
    assert caught.value.code == "unknown_entity_kind"
    with pytest.raises(DomainError) as caught:
        counts.count("high_tech_enterprise", on=date(2021, 1, 1), measure="residents")
    assert caught.value.code == "kind_keeps_no_residents"


def test_a_change_to_the_register_is_seen_by_the_next_count(agency_admin, now):
    row = recognise(firm(), date(2020, 12, 1))
    day = date(2021, 6, 1)
    assert counts.count("high_tech_enterprise", on=day, region=GZ) == 1
    services.revoke(row, effective_on=date(2021, 1, 1), reason="撤销", actor=agency_admin, now=now)
    assert counts.count("high_tech_enterprise", on=day, region=GZ) == 0
