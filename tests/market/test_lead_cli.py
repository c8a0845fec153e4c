"""`techmarket broker …`, `techmarket lead …` and `techmarket market funnel` in process, with
--json for scripts and the exit codes of refusals."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from tests.conftest import _person
from tests.market.leads import achievement, demand
from tests.registry.flow import registered

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def as_json(*args):
    result = invoke(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_broker_add_show_and_list(agencies):
    _person("chen", "broker")
    code, added = as_json(
        "broker",
        "add",
        "chen",
        "--name",
        "陈经纪",
        "--field",
        "05,06",
        "--region",
        "440100",
        "--certificate",
        "JJR-1",
        "--training",
        "2024-05-10|技术经理人初级培训|32|省技术市场协会",
    )
    assert code == 0 and added["created"] is True and added["fields"] == ["05", "06"]
    code, shown = as_json("broker", "show", "chen")
    assert code == 0 and shown["trainings"][0]["hours"] == "32.0"
    assert shown["track_record"]["leads"] == 0
    code, listed = as_json("broker", "list", "--region", "440106")
    assert [item["name"] for item in listed["items"]] == ["陈经纪"]


def test_broker_add_reports_every_problem_and_exits_1(agencies):
    _person("chen", "broker")
    code, body = as_json("broker", "add", "chen", "--name", "陈", "--field", "99", "--region", "1")
    assert code == 1
    assert [p["code"] for p in body["problems"]] == ["tech_field_unknown", "region_unknown"]


def test_broker_add_for_a_user_without_the_role_hints_at_users_add(seller):
    code, body = as_json("broker", "add", "seller", "--name", "卖方")
    assert code == 1 and body["error"]["code"] == "user_not_broker"
    assert "--role broker" in body["error"]["hint"]


def test_a_lead_from_proposal_to_registration_from_the_command_line(
    broker, seller, registrar, agencies, now
):
    contract = registered(seller, registrar, agencies["city"], now)
    achievement(now)
    demand(now)
    code, lead = as_json(
        "lead", "propose", "CG-001", "XQ-001", "--as", "broker", "--score", "0.9", "--rank", "1"
    )
    assert code == 0 and lead["status"] == "proposed" and lead["broker"]["name"] == "陈经纪"
    for stage in ("contacted", "negotiating", "signed"):
        code, moved = as_json("lead", "advance", lead["id"], "--as", "broker")
        assert (code, moved["status"]) == (0, stage)
    code, refused = as_json("lead", "advance", lead["id"], "--as", "broker")
    assert code == 1 and refused["error"]["code"] == "registration_number_required"
    code, done = as_json(
        "lead",
        "advance",
        lead["id"],
        "--as",
        "broker",
        "--to",
        "registered",
        "--contract",
        contract.registration_number,
        "--expected-version",
        4,
    )
    assert code == 0 and done["contract"]["total_amount"] == "1000000.00"
    code, shown = as_json("lead", "show", lead["id"], "--as", "broker")
    assert [e["action"] for e in shown["events"]][-1] == "lead_register"
    code, listed = as_json("lead", "list", "--as", "registrar", "--status", "registered")
    assert listed["total"] == 1 and listed["items"][0]["id"] == lead["id"]


def test_a_stale_version_exits_6_with_a_hint_for_leads(broker, agencies, now):
    achievement(now)
    demand(now)
    _, lead = as_json("lead", "propose", "CG-001", "XQ-001", "--as", "broker")
    invoke("lead", "advance", lead["id"], "--as", "broker")
    code, body = as_json("lead", "advance", lead["id"], "--as", "broker", "--expected-version", 1)
    assert code == 6 and "techmarket lead show" in body["error"]["hint"]


def test_an_outsider_gets_not_found_exit_4(broker, outsider, agencies, now):
    achievement(now)
    demand(now)
    _, lead = as_json("lead", "propose", "CG-001", "XQ-001", "--as", "broker")
    code, body = as_json("lead", "drop", lead["id"], "--as", "outsider", "--reason", "无")
    assert code == 4 and body["error"]["code"] == "lead_not_found"
    code, body = as_json("lead", "show", lead["id"], "--as", "outsider")
    assert code == 4


def test_drop_with_a_reason(broker, agencies, now):
    achievement(now)
    demand(now)
    _, lead = as_json("lead", "propose", "CG-001", "XQ-001", "--as", "broker")
    code, dropped = as_json("lead", "drop", lead["id"], "--as", "broker", "--reason", "联系不上")
    assert code == 0 and dropped["status"] == "dropped" and dropped["drop_reason"] == "联系不上"


def test_market_funnel_prints_rows_and_a_total(broker, agencies, now):
    from django.utils import timezone

    achievement(now)
    demand(now)
    as_json("lead", "propose", "CG-001", "XQ-001", "--as", "broker")  # proposed today
    this_year = str(timezone.localdate().year)
    code, report = as_json("market", "funnel", "--period", this_year, "--by", "broker")
    assert code == 0 and report["by"] == "broker"
    assert [(r["name"], r["proposed"]) for r in report["rows"]] == [("陈经纪", 1)]
    assert report["total"]["contact_rate"] == "0.00"
    plain = invoke("market", "funnel", "--period", this_year, "--by", "region", "--level", "county")
    assert plain.exit_code == 0 and "合计" in plain.stdout


def test_market_funnel_refuses_a_bad_period(agencies):
    code, body = as_json("market", "funnel", "--period", "2025Q9")
    assert code == 1 and body["error"]["code"] == "bad_period"
