"""`techmarket entities import` from the command line: JSON answer, exit codes, --granted-on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.entities.models import Recognition
from tests.entities.builders import firm

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _notice(tmp_path, *names: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "备案公告.csv"
    lines = ["序号,企业名称,证书编号"]
    lines += [f"{i},{name},GR2024440{i:05d}" for i, name in enumerate(names, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_operator_imports_a_notice_with_its_date_and_gets_the_json_answer(tmp_path, agencies):
    firm("广州命令行科技有限公司")
    path = _notice(tmp_path, "广州命令行科技有限公司")
    args = ["entities", "import", "high_tech_enterprise", str(path), "--json"]
    done = runner.invoke(app, [*args, "--granted-on", "2024-11-28", "--batch", "2024年第一批"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "skipped": 0,
        "problems": [],
    }
    assert Recognition.objects.get().batch == "2024年第一批"
    again = runner.invoke(app, [*args, "--granted-on", "2024-11-28", "--batch", "2024年第一批"])
    assert json.loads(again.stdout)["skipped"] == 1


def test_an_unmatched_name_exits_1_and_names_the_row(tmp_path, agencies):
    path = _notice(tmp_path, "广州不存在科技有限公司")
    done = runner.invoke(
        app,
        [
            "entities",
            "import",
            "high_tech_enterprise",
            str(path),
            "--granted-on",
            "2024-11-28",
            "--json",
        ],
    )
    assert done.exit_code == 1
    problem = json.loads(done.stdout)["problems"][0]
    assert (problem["row"], problem["field"], problem["code"]) == (1, "name", "unmatched_name")
    assert not Recognition.objects.exists()


def test_an_agency_admin_is_refused_a_firm_outside_their_district(tmp_path, other_agency_admin):
    firm("广州天河命令行科技有限公司", region="440106")
    path = _notice(tmp_path, "广州天河命令行科技有限公司")
    done = runner.invoke(
        app,
        [
            "entities",
            "import",
            "high_tech_enterprise",
            str(path),
            "--granted-on",
            "2024-11-28",
            "--as",
            "other_agency_admin",
            "--json",
        ],
    )
    assert done.exit_code == 1
    assert json.loads(done.stdout)["problems"][0]["code"] == "region_not_in_jurisdiction"


def test_an_unknown_kind_is_refused(tmp_path, agencies):
    done = runner.invoke(app, ["entities", "import", "unicorn", str(_notice(tmp_path, "x"))])
    assert done.exit_code != 0 and "unknown_entity_kind" in done.output + str(done.stderr)
