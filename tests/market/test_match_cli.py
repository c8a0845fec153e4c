"""`techmarket match …` and the embedding of `market import` / `market embed`, from the shell."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from techmarket.cli.main import app
from techmarket.market.models import Achievement
from techmarket.market.vectors import pending, vector_of
from tests.market.builders import achievement_row, write_csv
from tests.market.leads import achievement, demand

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def listings(agencies, now):
    separator = achievement(now, transfer_modes="转让;合作开发", price="500000")
    water = achievement(
        now,
        external_id="CG-002",
        title="城镇污水高效脱氮工艺",
        summary="短程硝化反硝化脱氮，能耗低",
        tech_field="07",
    )
    need = demand(now)
    return separator, water, need


def test_match_demand_by_external_id_prints_the_ranked_results_as_json(listings):
    result = invoke("match", "demand", "XQ-001", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["external_id"] == "XQ-001" and body["dense"] is False
    assert [r["external_id"] for r in body["results"]] == ["CG-001"]
    assert "隔膜" in body["results"][0]["explanation"]["terms"]


def test_match_achievement_by_id_shows_a_table_with_the_shared_terms(listings):
    result = invoke("match", "achievement", listings[0].pk)
    assert result.exit_code == 0, result.output
    assert "XQ-001" in result.stdout and "隔膜" in result.stdout and "领域相同" in result.stdout


def test_an_unknown_listing_exits_4(listings):
    result = invoke("match", "demand", "XQ-404", "--json")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["error"]["code"] == "listing_not_found"


def test_query_searches_one_kind_with_filters(listings):
    result = invoke("match", "query", "脱氮工艺", "--kind", "achievements", "--top", "1", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [r["external_id"] for r in body["results"]] == ["CG-002"]
    refused = invoke("match", "query", "脱氮", "--kind", "things", "--json")
    assert refused.exit_code == 1


def test_batch_prints_one_json_line_per_query(listings, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "q1", "text": "锂电池隔膜"}\n\n{"id": 2, "text": "污水脱氮"}\n', "utf-8"
    )
    result = invoke("match", "batch", path, "--kind", "achievements", "--top", "1")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [
        {"id": "q1", "results": [{"id": "CG-001", "score": lines[0]["results"][0]["score"]}]},
        {"id": 2, "results": [{"id": "CG-002", "score": lines[1]["results"][0]["score"]}]},
    ]


def test_a_bad_batch_line_is_a_file_problem(listings, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"text": "没有编号"}\n', "utf-8")
    assert invoke("match", "batch", path, "--kind", "achievements").exit_code == 2


def test_evaluate_reports_recall_and_mrr_of_the_three_modes(listings, tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"id": "D1", "text": "污水脱氮", "relevant": ["CG-002"]}\n', "utf-8")
    result = invoke("match", "evaluate", path, "--json")
    assert result.exit_code == 0, result.output
    scores = {s["mode"]: s for s in json.loads(result.stdout)["scores"]}
    assert scores["lexical"]["recall_at_10"] == 1.0 and scores["fused"]["mrr_at_10"] == 1.0
    assert invoke("match", "evaluate", tmp_path / "missing.jsonl").exit_code == 2


def test_import_embeds_what_it_wrote_and_no_embed_leaves_it_to_the_worker(agencies, tmp_path):
    path = write_csv(tmp_path / "a.csv", [achievement_row()])
    result = invoke("market", "import", "achievements", path, "--no-embed", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["embedded"] == 0
    assert list(pending("achievement")) == list(Achievement.objects.all())
    worker = invoke("market", "embed", "--json")
    assert worker.exit_code == 0, worker.output
    assert json.loads(worker.stdout)["embedded"] == {"achievement": 1, "demand": 0}
    assert vector_of(Achievement.objects.get()) is not None
    second = write_csv(tmp_path / "b.csv", [achievement_row(external_id="CG-002")])
    imported = json.loads(invoke("market", "import", "achievements", second, "--json").stdout)
    assert imported["embedded"] == 1
    found = json.loads(invoke("match", "query", "隔膜", "--kind", "achievements", "--json").stdout)
    assert {r["external_id"]: r["dense_rank"] is not None for r in found["results"]} == {
        "CG-001": True,
        "CG-002": True,
    }
