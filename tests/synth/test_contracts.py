"""The synthetic contract generator: reproducible, valid, and shaped like the published figures."""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from techmarket.codes.regions import is_within
from techmarket.domain.fields import RECORD_FIELDS, REGISTRATION_FIELDS
from techmarket.domain.record import parse_record
from techmarket.synth.contracts import generate

YEARS = (2022, 2023, 2024, 2025)
TODAY = date(2026, 11, 22)
RECORD_KEYS = [f.key for f in RECORD_FIELDS]
HAS_RECOGNITION = importlib.util.find_spec("techmarket.domain.recognition") is not None


def sample(count: int, **options: object) -> list[dict[str, str]]:
    options = {"years": YEARS, "today": TODAY, **options}
    return list(generate(count, **options))  # type: ignore[arg-type]


def test_the_same_seed_gives_the_same_records() -> None:
    assert sample(300, seed=7) == sample(300, seed=7)


def test_another_seed_gives_other_records() -> None:
    assert sample(50, seed=7) != sample(50, seed=8)


def test_records_have_exactly_the_contract_format_keys() -> None:
    assert all(list(r) == RECORD_KEYS for r in sample(50))
    registered = sample(50, as_registered=True, agency_code="440106")
    extra = [f.key for f in REGISTRATION_FIELDS]
    assert all(list(r) == RECORD_KEYS + extra for r in registered)
    assert {r["registration_number"] for r in registered} == {""}
    assert {r["agency_code"] for r in registered} == {"440106"}


def test_external_ids_are_unique_per_seller() -> None:
    records = sample(2000, seed=3)
    pairs = [(r["seller_id"], r["external_id"]) for r in records]
    assert len(set(pairs)) == len(pairs)


def test_it_streams_instead_of_building_a_list() -> None:
    records = generate(10**9, years=YEARS, today=TODAY)
    assert next(records)["external_id"] == "S0-1"


@pytest.mark.parametrize("as_registered", [False, True])
@pytest.mark.parametrize("region", ["440100", "440000", "440106"])
def test_every_record_is_valid_and_in_force(as_registered: bool, region: str) -> None:
    count = 2000 if region == "440100" else 300
    records = sample(count, region=region, as_registered=as_registered, seed=11)
    for row, raw in enumerate(records, start=1):
        record, problems = parse_record(raw, row, as_registered=as_registered)
        assert record is not None, problems
        assert problems == [], problems
        assert is_within(record.seller_region or "", region)
        assert record.signed_on <= record.valid_to
        if as_registered:
            assert record.registered_on is not None
            assert record.registered_on.year in YEARS
            assert record.signed_on <= record.registered_on <= record.valid_to
        else:
            assert (record.valid_to - TODAY).days >= 30


@pytest.mark.skipif(not HAS_RECOGNITION, reason="techmarket.domain.recognition not written yet")
@pytest.mark.parametrize("as_registered", [False, True])
def test_every_record_passes_recognition(as_registered: bool) -> None:
    from techmarket.domain.recognition import recognise

    for row, raw in enumerate(sample(2000, as_registered=as_registered, seed=5), start=1):
        record, _ = parse_record(raw, row, as_registered=as_registered)
        assert record is not None
        applied_on = record.registered_on or TODAY
        found = recognise(record, agency_region="440100", applied_on=applied_on)
        assert not found.has_errors, found.problems


def test_amounts_add_up_to_the_fen() -> None:
    for raw in sample(3000, seed=2):
        total, tech = Decimal(raw["total_amount"]), Decimal(raw["tech_amount"])
        items = [raw[k] for k in ("non_tech_equipment", "non_tech_materials", "non_tech_other")]
        assert 0 < tech <= total
        if tech < total:
            assert total - sum(Decimal(x) for x in items if x) == tech
        else:
            assert items == ["", "", ""]


@pytest.fixture(scope="module")
def many() -> list[dict[str, str]]:
    return sample(20_000, seed=42, as_registered=True)


def value_shares(records: list[dict[str, str]], key: str) -> dict[str, float]:
    values: Counter[str] = Counter()
    for r in records:
        values[r[key]] += float(r["total_amount"])
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


def test_type_value_shares_are_roughly_as_published(many: list[dict[str, str]]) -> None:
    shares = value_shares(many, "contract_type")
    assert 0.45 <= shares["service"] <= 0.70
    assert 0.15 <= shares["development"] <= 0.37
    for small in ("transfer", "license", "consulting"):
        assert 0.01 <= shares[small] <= 0.12, (small, shares[small])


def test_technical_share_by_type_follows_hunan_2017(many: list[dict[str, str]]) -> None:
    expected = {"development": 0.87, "transfer": 0.97, "service": 0.51, "consulting": 0.55}
    for contract_type, ratio in expected.items():
        rows = [r for r in many if r["contract_type"] == contract_type]
        total = sum(float(r["total_amount"]) for r in rows)
        tech = sum(float(r["tech_amount"]) for r in rows)
        assert abs(tech / total - ratio) < 0.12, (contract_type, tech / total)


def test_enterprises_sell_most_of_the_value(many: list[dict[str, str]]) -> None:
    enterprise = sum(
        float(r["total_amount"]) for r in many if r["seller_nature"][0] in "123"
    ) / sum(float(r["total_amount"]) for r in many)
    assert 0.8 <= enterprise <= 0.96
    assert any(r["seller_nature"] == "400" for r in many)


def test_amounts_are_heavy_tailed(many: list[dict[str, str]]) -> None:
    totals = sorted(float(r["total_amount"]) for r in many)
    mean, median = sum(totals) / len(totals), totals[len(totals) // 2]
    assert 5_000_000 <= mean <= 16_000_000  # Guangzhou 2020: ≈ 988 万元 per contract
    assert 100_000 <= median <= 1_000_000  # tens of 万元
    assert sum(float(r["tech_amount"]) >= 5_000_000 for r in many) > 200


def test_buyers_come_from_the_province_the_country_and_abroad(
    many: list[dict[str, str]],
) -> None:
    origin = Counter(
        "hmt"
        if r["buyer_country"] in ("HKG", "MAC", "TWN")
        else "abroad"
        if r["buyer_country"] != "CHN"
        else "same"
        if r["buyer_region"][:2] == "44"
        else "other"
        for r in many
    )
    assert 0.38 <= origin["same"] / len(many) <= 0.52
    assert 0.38 <= origin["other"] / len(many) <= 0.52
    assert 0.02 <= origin["hmt"] / len(many) <= 0.08
    assert 0.02 <= origin["abroad"] / len(many) <= 0.08


def test_december_is_the_busiest_month_and_counts_grow(many: list[dict[str, str]]) -> None:
    months = Counter(int(r["registered_on"][5:7]) for r in many)
    assert months.most_common(1)[0][0] == 12
    assert months[12] > 1.6 * len(many) / 12
    years = Counter(int(r["registered_on"][:4]) for r in many)
    assert years[2022] < years[2023] < years[2024] < years[2025]


def test_patent_subtypes_carry_patents_and_software_subtypes_software(
    many: list[dict[str, str]],
) -> None:
    for r in many:
        if r["subtype"].startswith("patent"):
            assert r["ip_type"] in ("01", "02", "04") and r["patent_numbers"]
        if r["subtype"] in ("software", "software_copyright"):
            assert r["ip_type"] == "06"


def test_names_use_the_statutory_type_word(many: list[dict[str, str]]) -> None:
    words = {
        "development": "开发",
        "transfer": "转让",
        "license": "许可",
        "consulting": "咨询",
    }
    for r in many:
        word = words.get(r["contract_type"])
        assert r["name"].endswith("合同")
        if word:
            assert word in r["name"]
