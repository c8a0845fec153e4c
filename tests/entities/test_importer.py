"""Importing the lists a bureau receives: all or nothing, idempotent, names matched exactly."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from techmarket.entities.importer import import_entities
from techmarket.entities.models import Candidate, PartyName, Recognition, Residency
from techmarket.market.models import BrokerProfile, Training
from techmarket.registry.actors import system_actor
from techmarket.registry.models import AuditEvent, Party
from tests.domain.builders import make_uscc
from tests.entities.builders import firm, high_tech_number, recognise

pytestmark = pytest.mark.django_db


def _csv(header: list[str], *rows: list[str]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _import(kind, file, actor, now, **kw):  # type: ignore[no-untyped-def]
    file.seek(0)
    return import_entities(kind, file, name="list.csv", actor=actor, now=now, **kw)


def _events() -> int:
    return AuditEvent.objects.filter(action__startswith="entity_").count()


_LIST = ["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所在地区", "批次"]


def test_a_published_list_creates_firms_and_certificates_and_a_second_run_changes_nothing(
    agency_admin, now
):
    known = firm("广州已知科技有限公司")
    new_code = make_uscc("440106", "MA1NEW01")
    file = _csv(
        _LIST,
        ["1", "广州已知科技有限公司", "", high_tech_number(2023, 1), "2023-12-28", "天河区", ""],
        ["2", "广州新来科技有限公司", new_code, high_tech_number(2023, 2), "2023-12-28", "", ""],
    )
    first = _import("high_tech_enterprise", file, agency_admin, now, batch="2023年第一批")
    assert first.ok and (first.created, first.updated, first.skipped) == (2, 0, 0), first.problems
    assert Recognition.objects.get(number=high_tech_number(2023, 1)).party == known
    created = Party.objects.get(identifier=new_code)
    assert (created.nature, created.region_code) == ("100", "440106")
    assert Recognition.objects.get(party=created).valid_to == date(2026, 12, 28)
    events = _events()
    assert events == 2
    again = _import("high_tech_enterprise", file, agency_admin, now, batch="2023年第一批")
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)
    assert _events() == events and Recognition.objects.count() == 2


def test_a_changed_row_updates_the_certificate_with_one_event(agency_admin, now):
    party = firm("广州改期科技有限公司")
    number = high_tech_number(2023, 7)
    recognise(party, date(2023, 12, 1), number=number)
    before = _events()
    file = _csv(_LIST, ["1", party.name, "", number, "2023-12-28", "", ""])
    result = _import("high_tech_enterprise", file, agency_admin, now)
    assert (result.created, result.updated, result.skipped) == (0, 1, 0)
    row = Recognition.objects.get(number=number)
    assert (row.granted_on, row.valid_to, row.version) == (
        date(2023, 12, 28),
        date(2026, 12, 28),
        2,
    )
    assert _events() == before + 1


def test_a_notice_without_dates_takes_the_date_given_for_the_whole_file(agency_admin, now):
    firm("广州公告科技有限公司")
    file = _csv(["序号", "企业名称", "证书编号"], ["1", "广州公告科技有限公司", "GR202444000001"])
    refused = _import("high_tech_enterprise", file, agency_admin, now)
    assert [p.code for p in refused.problems] == ["granted_on_required"]
    result = _import("high_tech_enterprise", file, agency_admin, now, granted_on=date(2024, 11, 28))
    assert result.created == 1
    assert Recognition.objects.get().granted_on == date(2024, 11, 28)


def test_names_match_across_full_width_brackets_and_spaces(agency_admin, now):
    party = firm("广州（黄埔）智造科技有限公司")
    file = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州(黄埔) 智造科技有限公司", "GR202344000009", "2023-12-28"],
    )
    assert _import("high_tech_enterprise", file, agency_admin, now).created == 1
    assert Recognition.objects.get().party == party


def test_unmatched_and_ambiguous_names_are_listed_and_nothing_is_written(agency_admin, now):
    firm("广州双名科技有限公司")
    firm("广州双名科技有限公司", region="440112")
    firm("广州唯一科技有限公司")
    file = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州唯一科技有限公司", "GR202344000001", "2023-12-28"],
        ["广州无此科技有限公司", "GR202344000002", "2023-12-28"],
        ["广州双名科技有限公司", "GR202344000003", "2023-12-28"],
    )
    result = _import("high_tech_enterprise", file, agency_admin, now)
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (2, "name", "unmatched_name"),
        (3, "name", "ambiguous_name"),
    ]
    assert result.unmatched == ["广州无此科技有限公司"]
    assert not Recognition.objects.exists() and _events() == 0


def test_near_identical_names_are_different_firms(agency_admin, now):
    firm("广州某某科技有限公司")
    file = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州某某技术有限公司", "GR202344000001", "2023-12-28"],
    )
    assert _import("high_tech_enterprise", file, agency_admin, now).problems[0].code == (
        "unmatched_name"
    )


def test_every_problem_is_reported_at_once_with_its_row_and_field(agency_admin, now):
    firm("广州好行科技有限公司")
    file = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州好行科技有限公司", "GR202344000001", "2023-12-28"],
        ["广州好行科技有限公司", "GR2023", "2023-12-28"],
        ["", "GR202344000003", "2023-13-45"],
    )
    result = _import("high_tech_enterprise", file, agency_admin, now)
    assert {(p.row, p.field) for p in result.problems} >= {
        (2, "certificate_number"),
        (3, "granted_on"),
        (3, "name"),
    }
    assert result.created == 0 and not Recognition.objects.exists()


def test_the_same_certificate_twice_in_a_file_is_a_problem(agency_admin, now):
    firm("广州重复科技有限公司")
    row = ["广州重复科技有限公司", "GR202344000001", "2023-12-28"]
    result = _import(
        "high_tech_enterprise",
        _csv(["企业名称", "证书编号", "发证日期"], row, row),
        agency_admin,
        now,
    )
    assert [(p.row, p.code) for p in result.problems] == [(2, "duplicate_in_file")]


def test_a_rename_notice_lets_an_old_list_match_the_firm(agency_admin, now):
    party = firm("广州旧名科技有限公司")
    number = high_tech_number(2022, 11)
    recognise(party, date(2022, 12, 19), number=number)
    renames = _csv(
        ["原名称", "现名称", "证书编号", "发证日期"],
        ["广州旧名科技有限公司", "广州新名科技股份有限公司", number, "2022-12-19"],
    )
    result = _import("rename", renames, agency_admin, now, granted_on=date(2024, 3, 1))
    assert (result.updated, result.ok) == (1, True)
    party.refresh_from_db()
    assert party.name == "广州新名科技股份有限公司"
    assert PartyName.objects.get(party=party).until == date(2024, 3, 1)
    assert _import("rename", renames, agency_admin, now).skipped == 1
    old_list = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州旧名科技有限公司", "GR202344000001", "2023-12-28"],
    )
    assert _import("high_tech_enterprise", old_list, agency_admin, now).created == 1
    assert Recognition.objects.get(number="GR202344000001").party == party


def test_a_district_admin_cannot_import_a_firm_of_another_district(other_agency_admin, now):
    firm("广州天河某科技有限公司", region="440106")
    file = _csv(
        ["企业名称", "证书编号", "发证日期"],
        ["广州天河某科技有限公司", "GR202344000001", "2023-12-28"],
    )
    result = _import("high_tech_enterprise", file, other_agency_admin, now)
    assert [p.code for p in result.problems] == ["region_not_in_jurisdiction"]
    assert not Recognition.objects.exists()


def test_a_registrar_cannot_import(registrar, now):
    from techmarket.domain.problems import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import("high_tech_enterprise", _csv(["企业名称"], ["x"]), registrar, now)


def test_the_operator_imports_anywhere(now):
    code = make_uscc("310115", "MA1XH001")
    file = _csv(
        ["企业名称", "统一社会信用代码", "证书编号", "发证日期"],
        ["上海某科技有限公司", code, "GR202331000001", "2023-12-28"],
    )
    result = _import("high_tech_enterprise", file, system_actor(), now)
    assert result.created == 1
    assert Party.objects.get(identifier=code).region_code == "310115"


def test_tech_sme_numbers_run_to_the_end_of_their_year(agency_admin, now):
    firm("广州科小科技有限公司")
    file = _csv(
        ["企业名称", "入库登记编号", "入库日期"],
        ["广州科小科技有限公司", "2025440111A0032458", "2025-05-20"],
    )
    assert _import("tech_sme", file, agency_admin, now).created == 1
    assert Recognition.objects.get().valid_to == date(2025, 12, 31)


def test_an_unnumbered_recognition_is_idempotent_by_firm_and_batch(agency_admin, now):
    firm("广州某孵化器有限公司")
    file = _csv(["机构名称", "认定日期", "级别"], ["广州某孵化器有限公司", "2022-10-01", "国家级"])
    first = _import("incubator", file, agency_admin, now, batch="2022年国家级孵化器")
    assert first.created == 1 and Recognition.objects.get().level == "national"
    assert _import("incubator", file, agency_admin, now, batch="2022年国家级孵化器").skipped == 1


def test_candidates_are_listed_then_moved_on_by_a_later_list(agency_admin, now):
    party = firm("广州培育科技有限公司")
    header = ["企业名称", "所属区", "培育批次", "阶段"]
    first = _import(
        "candidate", _csv(header, [party.name, "天河区", "2025年第一批", ""]), agency_admin, now
    )
    assert first.created == 1
    cand = Candidate.objects.get()
    assert (cand.district, cand.year, cand.stage) == ("440106", 2025, "candidate")
    moved = _import(
        "candidate",
        _csv(header, [party.name, "天河区", "2025年第一批", "已申报"]),
        agency_admin,
        now,
    )
    assert moved.updated == 1 and Candidate.objects.get().stage == "applied"
    back = _import(
        "candidate",
        _csv(header, [party.name, "天河区", "2025年第一批", "培育入库"]),
        agency_admin,
        now,
    )
    assert back.skipped == 1
    assert AuditEvent.objects.filter(action="entity_stage").count() == 1


def test_residents_enter_and_a_later_list_records_their_graduation(agency_admin, now):
    carrier = firm("广州某孵化器有限公司")
    resident_code = make_uscc("440106", "MA1REX01")
    header = ["孵化载体", "企业名称", "统一社会信用代码", "入孵日期", "离孵日期", "离孵原因"]
    row = [carrier.name, "广州入孵科技有限公司", resident_code, "2023-03-01", "", ""]
    assert _import("incubator_resident", _csv(header, row), agency_admin, now).created == 1
    left = [carrier.name, "", resident_code, "2023-03-01", "2025-02-28", "毕业"]
    result = _import("incubator_resident", _csv(header, left), agency_admin, now)
    assert result.updated == 1
    stay = Residency.objects.get()
    assert (stay.left_on, stay.exit_reason) == (date(2025, 2, 28), "graduated")
    assert _import("incubator_resident", _csv(header, left), agency_admin, now).skipped == 1


def test_a_resident_list_naming_an_unknown_carrier_is_refused(agency_admin, now):
    header = ["孵化载体", "企业名称", "统一社会信用代码", "入孵日期"]
    row = ["不存在的孵化器", "广州入孵科技有限公司", make_uscc("440106", "MA1REX02"), "2023-03-01"]
    result = _import("incubator_resident", _csv(header, row), agency_admin, now)
    assert [(p.field, p.code) for p in result.problems] == [("carrier", "unmatched_name")]
    assert not Party.objects.filter(name="广州入孵科技有限公司").exists()


def test_trained_people_become_broker_profiles_with_their_training(agency_admin, now):
    header = ["姓名", "培训等级", "培训基地", "结业日期", "证书编号", "所在地区", "工作单位"]
    rows = [
        [
            "张三",
            "中级技术经纪人",
            "华南理工大学国家技术转移人才培养基地",
            "2024-06-30",
            "JJR2024001",
            "440106",
            "某大学",
        ],
        ["李四", "初级", "华南理工大学国家技术转移人才培养基地", "2024-06-30", "", "天河区", ""],
    ]
    result = _import("trained_person", _csv(header, *rows), agency_admin, now)
    assert result.created == 2, result.problems
    zhang = BrokerProfile.objects.get(name="张三")
    assert zhang.user is None and zhang.certificate_number == "JJR2024001"
    training = Training.objects.get(person=zhang)
    assert (training.level, training.region_code) == ("intermediate_broker", "440106")
    again = _import("trained_person", _csv(header, *rows), agency_admin, now)
    assert (again.created, again.skipped) == (0, 2) and BrokerProfile.objects.count() == 2


def test_a_trained_person_matches_an_existing_broker_by_certificate(agency_admin, broker, now):
    profile = BrokerProfile.objects.get(user__username=broker.username)
    profile.certificate_number = "JJR2020009"
    profile.save()
    header = ["姓名", "培训等级", "结业日期", "证书编号", "所在地区"]
    result = _import(
        "trained_person",
        _csv(header, [profile.name, "高级技术经理人", "2024-09-01", "JJR2020009", "440106"]),
        agency_admin,
        now,
    )
    assert result.created == 1 and BrokerProfile.objects.count() == 1
    assert Training.objects.filter(person=profile, level="senior_manager").exists()


def test_the_answer_has_exactly_the_documented_shape(agency_admin, now):
    result = _import(
        "high_tech_enterprise",
        _csv(["企业名称", "证书编号"], ["无名", "GR2023"]),
        agency_admin,
        now,
    )
    answer = result.as_dict()
    assert list(answer) == ["rows", "created", "updated", "skipped", "problems"]
    assert set(answer["problems"][0]) == {
        "row",
        "field",
        "code",
        "severity",
        "message",
        "message_en",
    }


def test_an_xlsx_list_with_chinese_headers_and_a_jsonl_one_with_english_keys(agency_admin, now):
    import json

    from openpyxl import Workbook

    firm("广州表格科技有限公司")
    firm("广州行式科技有限公司")
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "企业名称", "证书编号", "发证日期", "所在地区"])
    sheet.append([1, "广州表格科技有限公司", "GR202344000001", date(2023, 12, 28), "广州市天河区"])
    xlsx = io.BytesIO()
    book.save(xlsx)
    result = import_entities(
        "high_tech_enterprise", xlsx, name="名单.xlsx", actor=agency_admin, now=now
    )
    assert result.created == 1, result.problems
    assert Recognition.objects.get().region_code == "440106"
    line = {"name": "广州行式科技有限公司", "certificate_number": "GR202344000002"}
    jsonl = io.BytesIO((json.dumps(line, ensure_ascii=False) + "\n").encode())
    result = import_entities(
        "high_tech_enterprise",
        jsonl,
        name="list.jsonl",
        actor=agency_admin,
        now=now,
        granted_on=date(2023, 12, 28),
    )
    assert result.created == 1, result.problems
