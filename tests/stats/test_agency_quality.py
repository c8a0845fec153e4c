"""Agency service quality, read from the audit trail the real services write.

April 2026, under the 2026 rules (limits in working days): Tomb-sweeping Day makes 4–6 April
(Saturday to Monday) days off, and Labour Day 1–5 May. The Guangzhou city agency's limit is set
to 5 working days; the Tianhe district agency keeps the rules' 15.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techmarket.domain.problems import DomainError, PermissionDenied
from techmarket.registry import services
from techmarket.stats.agency_quality import agency_quality
from tests.conftest import SHANGHAI
from tests.domain.builders import valid_record
from tests.registry.flow import submitted

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


def on(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def tianhe_registrar(agencies):
    from techmarket.registry.actors import actor_for
    from techmarket.registry.users import save_user

    save_user("tianhe_registrar", role="registrar", agency_code="D440106")
    return actor_for("tianhe_registrar")


@pytest.fixture
def april(seller, registrar, tianhe_registrar, agencies):
    """Seven applications at the city agency and two at Tianhe, taken through the services."""
    city, tianhe = agencies["city"], agencies["tianhe"]
    city.review_limit_days = 5
    city.save()

    def apply(agency, key: str, when: datetime, **overrides: str):
        return submitted(seller, agency, when, external_id=key, **overrides)

    # A: accepted 2 Apr (deadline 10 Apr), registered 8 Apr: 3 working days (3, 7, 8 Apr).
    a = apply(city, "A", on(4, 2))
    services.accept(a.pk, actor=registrar, now=on(4, 2))
    services.register(a.pk, actor=registrar, now=on(4, 8))
    # B: corrected 7–13 Apr; the new clock ends 20 Apr; registered 21 Apr, late: 12 working days.
    b = apply(city, "B", on(4, 2), total_amount="500000.00", tech_amount="300000.00")
    services.accept(b.pk, actor=registrar, now=on(4, 2))
    services.request_correction(b.pk, actor=registrar, now=on(4, 7), note="补充技术指标")
    services.resubmit(
        b.pk,
        valid_record(external_id="B", total_amount="500000.00", tech_amount="300000.00"),
        actor=seller,
        now=on(4, 13),
    )
    services.register(b.pk, actor=registrar, now=on(4, 21))
    # C: accepted 9 Apr (deadline 16 Apr), refused 15 Apr: 4 working days.
    c = apply(city, "C", on(4, 9))
    services.accept(c.pk, actor=registrar, now=on(4, 9))
    services.refuse(c.pk, actor=registrar, now=on(4, 15), reason="R01", note="不属于技术合同")
    # D: withdrawn by the seller.
    d = apply(city, "D", on(4, 20))
    services.withdraw(d.pk, actor=seller, now=on(4, 22))
    # E: accepted 27 Apr, deadline 7 May: open at the end of April, not overdue.
    e = apply(city, "E", on(4, 27))
    services.accept(e.pk, actor=registrar, now=on(4, 27))
    # F: from March, deadline 9 March, still open on 30 April (overdue), registered in May.
    f = apply(city, "F", on(3, 2))
    services.accept(f.pk, actor=registrar, now=on(3, 2))
    services.register(f.pk, actor=registrar, now=on(5, 6))
    # G: waiting for a correction since 24 April: open, its clock stopped, so not overdue.
    g = apply(city, "G", on(3, 23))
    services.accept(g.pk, actor=registrar, now=on(3, 23))
    services.request_correction(g.pk, actor=registrar, now=on(4, 24), note="补充附件")

    for key, day in (("T1", 1), ("T2", 8)):
        t = apply(tianhe, key, on(4, day))
        services.accept(t.pk, actor=tianhe_registrar, now=on(4, day))
        services.register(t.pk, actor=tianhe_registrar, now=on(4, day + 2))
    return agencies


def by_code(rows):
    return {row.code: row for row in rows}


def test_counts_received_decided_and_withdrawn_applications_of_the_period(april, analyst):
    city = by_code(agency_quality(analyst, "2026-04", today=TODAY))["C440100"]

    assert (city.received, city.registered, city.refused, city.withdrawn) == (5, 2, 1, 1)
    assert city.decided == 3


def test_working_days_skip_weekends_and_the_tomb_sweeping_holiday(april, analyst):
    rows = by_code(agency_quality(analyst, "2026-04", today=TODAY))

    # City decisions took 3, 12 and 4 working days; Tianhe's 2 and 2.
    assert (rows["C440100"].median_working_days, rows["C440100"].p90_working_days) == (4.0, 12)
    assert (rows["D440106"].median_working_days, rows["D440106"].p90_working_days) == (2.0, 2)


def test_a_decision_after_the_deadline_restarted_by_a_correction_is_late(april, analyst):
    city = by_code(agency_quality(analyst, "2026-04", today=TODAY))["C440100"]

    assert city.decided_within_limit == 2
    assert city.within_limit_pct == Decimal("66.67")


def test_correction_and_refusal_rates(april, analyst):
    city = by_code(agency_quality(analyst, "2026-04", today=TODAY))["C440100"]

    assert city.correction_rate_pct == Decimal("20.00")  # B of the five received
    assert city.refusal_rate_pct == Decimal("33.33")  # C of the three decided


def test_backlog_and_overdue_are_read_at_the_end_of_the_period(april, analyst):
    city = by_code(agency_quality(analyst, "2026-04", today=TODAY))["C440100"]

    # E (clock running, in time), F (deadline 9 March passed) and G (waiting for a correction).
    assert (city.backlog, city.overdue) == (3, 1)


def test_backlog_is_read_today_when_the_period_has_not_ended(april, analyst):
    city = by_code(agency_quality(analyst, "2026-05", today=date(2026, 5, 8)))["C440100"]

    # On 8 May F is registered; E's deadline (7 May) has passed; G still waits.
    assert (city.backlog, city.overdue) == (2, 1)


def test_registered_turnover_sums_the_contracts_registered_in_the_period(april, analyst):
    rows = by_code(agency_quality(analyst, "2026-04", today=TODAY))

    assert rows["C440100"].registered_turnover == Decimal("1500000.00")
    assert rows["D440106"].registered_turnover == Decimal("2000000.00")


def test_agencies_rank_by_share_within_the_limit_then_median_and_idle_ones_come_last(
    april, analyst
):
    rows = agency_quality(analyst, "2026-04", today=TODAY)

    assert [(r.code, r.rank) for r in rows] == [
        ("D440106", 1),
        ("C440100", 2),
        ("D440112", None),
        ("P440000", None),
    ]


def test_a_district_registrar_reads_only_their_own_agency(april, other_district_registrar):
    rows = agency_quality(other_district_registrar, "2026-04", today=TODAY)

    assert [r.code for r in rows] == ["D440112"]
    with pytest.raises(PermissionDenied) as refused:
        agency_quality(other_district_registrar, "2026-04", "440100", today=TODAY)
    assert refused.value.code == "region_not_in_jurisdiction"


def test_a_region_narrows_the_agencies_to_those_within_it(april, analyst):
    rows = agency_quality(analyst, "2026-04", "440106", today=TODAY)

    assert [r.code for r in rows] == ["D440106"]


def test_sellers_read_no_agency_figures(april, seller):
    with pytest.raises(PermissionDenied) as refused:
        agency_quality(seller, "2026-04", today=TODAY)
    assert refused.value.code == "statistics_not_for_role"


def test_an_unreadable_period_is_refused_with_its_code(agencies, analyst):
    with pytest.raises(DomainError) as refused:
        agency_quality(analyst, "2026-13", today=TODAY)
    assert refused.value.code == "bad_period"


def test_the_command_line_prints_the_same_document_as_json(april, analyst):
    import json

    from typer.testing import CliRunner

    from techmarket.cli.main import app
    from techmarket.stats.agency_quality import agency_quality_document

    done = CliRunner().invoke(
        app, ["stats", "agencies", "--period", "2026-04", "--as", "analyst", "--json"]
    )
    assert done.exit_code == 0, done.output
    printed = json.loads(done.stdout)
    assert printed["agencies"][0]["code"] == "D440106"
    assert printed["agencies"][1]["within_limit_pct"] == "66.67"
    # The backlog is counted at the period's end, whatever today is.
    assert printed == agency_quality_document(analyst, "2026-04", today=TODAY)
    table = CliRunner().invoke(app, ["stats", "agencies", "--period", "2026-04", "--as", "analyst"])
    assert table.exit_code == 0, table.output
    assert "登记机构服务质量 2026-04（积压截至 2026-04-30）" in table.stdout


def test_todays_backlog_from_the_contracts_equals_the_one_read_from_the_trail(april, analyst):
    """Two ways to the same figures: the contracts' state (used for a period running to
    today) and the audit trail replayed to a day (used for a past period's end)."""
    from techmarket.stats import agency_quality as quality

    today = date(2026, 6, 30)  # after every event of the fixture: "now" is the contracts' state
    ids = {}
    for how in ("now", "trail"):
        rows = {a.pk: quality.AgencyQuality(a.code, a.name, a.region_code) for a in agencies_of()}
        if how == "now":
            quality._backlog_now(rows, list(rows), today)
        else:
            quality._backlog(rows, list(rows), today)
        ids[how] = {r.code: (r.backlog, r.overdue) for r in rows.values()}
    assert ids["now"] == ids["trail"]
    assert any(backlog for backlog, _ in ids["now"].values())


def agencies_of():  # type: ignore[no-untyped-def]
    from techmarket.accounts.models import Agency

    return list(Agency.objects.order_by("code"))


def test_the_figures_are_kept_a_while_and_read_again_after(
    april, analyst, monkeypatch, django_assert_num_queries
):
    from techmarket.stats import agency_quality as module

    first = agency_quality(analyst, "2026-04", today=date(2026, 6, 1))
    with django_assert_num_queries(0):  # an ended period: kept ten minutes
        again = agency_quality(analyst, "2026-04", today=date(2026, 6, 1))
    assert again == first and again[0] is not first[0]  # copies: a caller cannot change them
    later = module.monotonic() + module.KEEP_SECONDS_ENDED + 1
    monkeypatch.setattr(module, "monotonic", lambda: later)
    with CaptureQueriesContext(connection) as read:
        assert agency_quality(analyst, "2026-04", today=date(2026, 6, 1)) == first
    assert len(read) > 0  # ten minutes on: computed again
