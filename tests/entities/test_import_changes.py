"""Revocation and move notices as import lists: idempotent, all or nothing, audited, counted."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from techmarket.entities import counts, services
from techmarket.entities.importer import import_entities
from techmarket.entities.models import PartyRegion, Recognition
from techmarket.registry.models import AuditEvent
from tests.entities.builders import firm, high_tech_number, recognise

pytestmark = pytest.mark.django_db

GZ, TIANHE, HUANGPU, SHENZHEN = "440100", "440106", "440112", "440300"
_REVOKE = ["序号", "企业名称", "证书编号", "撤销日期", "原因"]
_MOVE = ["序号", "企业名称", "统一社会信用代码", "迁入地区", "迁入日期"]


def _csv(header: list[str], *rows: list[str]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _import(kind, file, actor, now, **kw):  # type: ignore[no-untyped-def]
    file.seek(0)
    return import_entities(kind, file, name="list.csv", actor=actor, now=now, **kw)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=f"entity_{action}").order_by("seq"))


# -- revocations --------------------------------------------------------------------------------


def test_a_revocation_notice_revokes_from_its_date_and_a_second_run_skips(agency_admin, now):
    party = firm("广州撤销科技有限公司")
    number = high_tech_number(2021, 31)
    recognise(party, date(2021, 12, 20), number=number)
    file = _csv(_REVOKE, ["1", "广州撤销科技有限公司", number, "2023-01-01", "未按期年报"])
    result = _import("revocation", file, agency_admin, now)
    assert result.ok and (result.updated, result.skipped) == (1, 0), result.problems
    row = Recognition.objects.get(number=number)
    assert (row.status, row.revoked_on, row.version) == ("revoked", date(2023, 1, 1), 2)
    [audit] = _events("revoke")
    assert (audit.from_status, audit.to_status) == ("recognised", "revoked")
    assert audit.payload["effective_on"] == "2023-01-01"
    assert audit.payload["reason"] == "未按期年报"
    assert counts.count("high_tech_enterprise", on=date(2022, 12, 31), region=GZ) == 1
    assert counts.count("high_tech_enterprise", on=date(2023, 1, 1), region=GZ) == 0
    again = _import("revocation", file, agency_admin, now)
    assert again.ok and (again.updated, again.skipped) == (0, 1)
    assert len(_events("revoke")) == 1


def test_the_notice_date_and_default_reason_serve_rows_that_give_none(agency_admin, now):
    party = firm("广州公告科技有限公司")
    number = high_tech_number(2022, 32)
    recognise(party, date(2022, 12, 1), number=number)
    file = _csv(["序号", "企业名称", "证书编号"], ["1", "广州公告科技有限公司", number])
    result = _import("revocation", file, agency_admin, now, granted_on=date(2024, 5, 6))
    assert result.ok, result.problems
    assert Recognition.objects.get(number=number).revoked_on == date(2024, 5, 6)
    assert _events("revoke")[0].payload["reason"] == "公告撤销"


def test_a_notice_without_a_date_is_refused_row_by_row(agency_admin, now):
    number = high_tech_number(2022, 33)
    recognise(firm("广州无日期科技有限公司"), date(2022, 12, 1), number=number)
    file = _csv(["企业名称", "证书编号"], ["广州无日期科技有限公司", number])
    result = _import("revocation", file, agency_admin, now)
    assert [(p.field, p.code) for p in result.problems] == [("revoked_on", "required")]


def test_an_unknown_certificate_or_another_holders_name_writes_nothing(agency_admin, now):
    kept = firm("广州保留科技有限公司")
    other = firm("广州别家科技有限公司")
    good, theirs = high_tech_number(2021, 34), high_tech_number(2021, 35)
    recognise(kept, date(2021, 12, 20), number=good)
    recognise(other, date(2021, 12, 20), number=theirs)
    file = _csv(
        _REVOKE,
        ["1", "广州保留科技有限公司", good, "2023-01-01", ""],
        ["2", "广州保留科技有限公司", theirs, "2023-01-01", ""],
        ["3", "广州保留科技有限公司", "GR202144999999", "2023-01-01", ""],
    )
    result = _import("revocation", file, agency_admin, now)
    assert [(p.row, p.code) for p in result.problems] == [
        (2, "name_mismatch"),
        (3, "unknown_certificate"),
    ]
    assert not result.committed
    assert not Recognition.objects.filter(status="revoked").exists()
    assert _events("revoke") == []


def test_a_former_name_on_the_notice_still_identifies_the_holder(agency_admin, now):
    party = firm("广州旧称科技有限公司")
    number = high_tech_number(2021, 36)
    recognise(party, date(2021, 12, 20), number=number)
    services.rename(party, "广州新称科技有限公司", on=date(2022, 3, 1), actor=agency_admin, now=now)
    file = _csv(_REVOKE, ["1", "广州旧称科技有限公司", number, "2023-01-01", ""])
    assert _import("revocation", file, agency_admin, now).updated == 1


def test_revoking_again_from_another_date_is_a_problem(agency_admin, now):
    number = high_tech_number(2021, 37)
    row = recognise(firm("广州两次科技有限公司"), date(2021, 12, 20), number=number)
    services.revoke(row, effective_on=date(2022, 6, 1), reason="抽查", actor=agency_admin, now=now)
    file = _csv(_REVOKE, ["1", "广州两次科技有限公司", number, "2023-01-01", ""])
    assert [p.code for p in _import("revocation", file, agency_admin, now).problems] == [
        "already_revoked"
    ]


def test_a_district_admin_cannot_revoke_a_certificate_of_another_district(other_agency_admin, now):
    number = high_tech_number(2021, 38)
    recognise(firm("广州天河撤销科技有限公司", region=TIANHE), date(2021, 12, 20), number=number)
    file = _csv(_REVOKE, ["1", "广州天河撤销科技有限公司", number, "2023-01-01", ""])
    result = _import("revocation", file, other_agency_admin, now)
    assert [p.code for p in result.problems] == ["region_not_in_jurisdiction"]


# -- moves -------------------------------------------------------------------------------------


def test_a_move_list_moves_the_count_on_its_date_and_a_second_run_skips(agency_admin, now):
    party = firm("广州搬迁科技有限公司", region=TIANHE)
    recognise(party, date(2021, 12, 20))
    file = _csv(_MOVE, ["1", "广州搬迁科技有限公司", "", "黄埔区", "2023-03-01"])
    result = _import("move", file, agency_admin, now)
    assert result.ok and result.updated == 1, result.problems
    party.refresh_from_db()
    assert party.region_code == HUANGPU
    history = list(
        PartyRegion.objects.filter(party=party)
        .order_by("valid_from")
        .values_list("valid_from", "region_code")
    )
    assert history == [(date.min, TIANHE), (date(2023, 3, 1), HUANGPU)]
    days = [date(2023, 2, 28), date(2023, 3, 1)]
    assert counts.organisations("high_tech_enterprise", days, TIANHE) == [1, 0]
    assert counts.organisations("high_tech_enterprise", days, HUANGPU) == [0, 1]
    [audit] = _events("move")
    assert (audit.payload["region"], audit.payload["on"]) == (HUANGPU, "2023-03-01")
    again = _import("move", file, agency_admin, now)
    assert (again.updated, again.skipped) == (0, 1)
    assert len(_events("move")) == 1 and PartyRegion.objects.filter(party=party).count() == 2


def test_a_move_list_matches_the_service(agency_admin, now):
    by_list = firm(region=TIANHE)
    by_service = firm(region=TIANHE)
    file = _csv(_MOVE, ["1", "", by_list.identifier, HUANGPU, "2023-03-01"])
    assert _import("move", file, agency_admin, now).ok
    services.move(by_service, HUANGPU, on=date(2023, 3, 1), actor=agency_admin, now=now)

    def history(party):  # type: ignore[no-untyped-def]
        return list(
            PartyRegion.objects.filter(party=party)
            .order_by("valid_from")
            .values_list("valid_from", "region_code")
        )

    assert history(by_list) == history(by_service)


def test_an_admin_records_moves_into_and_out_of_their_district_only(other_agency_admin, now):
    coming = firm("广州迁入科技有限公司", region=TIANHE)
    leaving = firm("广州迁出科技有限公司", region=HUANGPU)
    elsewhere = firm("广州无关科技有限公司", region=TIANHE)
    file = _csv(
        _MOVE,
        ["1", "", coming.identifier, HUANGPU, "2023-03-01"],
        ["2", "", leaving.identifier, TIANHE, "2023-03-01"],
        ["3", "", elsewhere.identifier, "440104", "2023-03-01"],
    )
    result = _import("move", file, other_agency_admin, now)
    assert [(p.row, p.code) for p in result.problems] == [(3, "region_not_in_jurisdiction")]
    assert not PartyRegion.objects.exists()
    file = _csv(
        _MOVE,
        ["1", "", coming.identifier, HUANGPU, "2023-03-01"],
        ["2", "", leaving.identifier, SHENZHEN, "2023-03-01"],
    )
    assert _import("move", file, other_agency_admin, now).updated == 2


def test_a_move_row_needs_a_known_firm_and_a_date(agency_admin, now):
    file = _csv(_MOVE, ["1", "广州不存在科技有限公司", "", HUANGPU, ""])
    result = _import("move", file, agency_admin, now)
    assert [p.code for p in result.problems] == ["required"]
    result = _import("move", file, agency_admin, now, granted_on=date(2023, 3, 1))
    assert [p.code for p in result.problems] == ["unmatched_name"]
