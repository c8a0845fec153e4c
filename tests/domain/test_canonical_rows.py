"""The canonical-row fast path against the full parser it stands in for.

Whatever `CanonicalRows.accept` accepts, `parse_record` must accept without a single problem
and build the very same record; and after learning a clean canonical row, the fast path must
take that row (or the fast path silently stops working and imports slow down).
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techmarket.domain.canonical_rows import CanonicalRows
from techmarket.domain.record import ROW_KEYS, CleanRow, ContractRecord, parse_record
from techmarket.synth.contracts import generate

TODAY = date(2026, 11, 22)


def _rows(count: int, *, as_registered: bool, seed: int = 7) -> list[CleanRow]:
    return [
        CleanRow(record)
        for record in generate(
            count,
            years=[2023, 2024],
            region="440100",
            seed=seed,
            as_registered=as_registered,
            agency_code="C440100" if as_registered else None,
            today=TODAY,
        )
    ]


def _fields(record: ContractRecord) -> dict[str, object]:
    """Every field value and the canonical row (not the caches a record fills lazily)."""
    values = {key: value for key, value in record.__dict__.items() if not key.startswith("_")}
    return {**values, "_row": record.to_row()}


def _learned(rows: list[CleanRow], *, as_registered: bool) -> CanonicalRows:
    known = CanonicalRows(as_registered=as_registered)
    for number, raw in enumerate(rows, start=2):
        record, problems = parse_record(raw, number, as_registered=as_registered)
        if record is not None and not problems:
            known.learn(raw, record)
    return known


def _assert_same_as_parser(known: CanonicalRows, raw: CleanRow, *, as_registered: bool) -> bool:
    fast = known.accept(raw)
    if fast is None:
        return False
    record, problems = parse_record(raw, 2, as_registered=as_registered)
    assert problems == [], f"the fast path accepted a row the parser faults: {problems}"
    assert record is not None
    assert _fields(fast) == _fields(record)
    assert fast.fingerprint() == record.fingerprint()
    assert fast == record
    return True


@pytest.fixture(scope="module", params=[True, False], ids=["as_registered", "submitted"])
def learned(request: pytest.FixtureRequest) -> tuple[bool, list[CleanRow], CanonicalRows]:
    as_registered = request.param
    rows = _rows(600, as_registered=as_registered)
    return as_registered, rows, _learned(rows, as_registered=as_registered)


def test_learned_rows_take_the_fast_path_and_match_the_parser(learned) -> None:  # type: ignore[no-untyped-def]
    as_registered, rows, known = learned
    taken = sum(_assert_same_as_parser(known, raw, as_registered=as_registered) for raw in rows)
    clean = sum(
        1
        for n, raw in enumerate(rows)
        if parse_record(raw, n, as_registered=as_registered)[1] == []
    )
    # every clean row of a generated file is canonical, so every one takes the fast path
    assert taken == clean > len(rows) * 0.8


def test_nothing_is_accepted_before_anything_is_learned() -> None:
    known = CanonicalRows(as_registered=True)
    assert all(known.accept(raw) is None for raw in _rows(50, as_registered=True))


# Texts that are wrong, or right but not canonical, for some field or other.
ODD_TEXTS = [
    "",
    " ",
    "0",
    "0.00",
    "-1.00",
    "1",
    "1.5",
    "01.00",
    "1,000.00",
    "１２３.００",
    "1０00000.00",  # one full-width digit among ASCII ones
    "0.٠٠",  # Arabic-Indic digits
    "1.000,00",
    "-0",
    ";",
    "٤٤٠١٠٦",
    "1e3",
    "99999999999999999.00",
    "2023/11/1",
    "2023-02-30",
    "20231101",
    "45000",
    "2099-01-01",
    "1990-01-01",
    "development",
    "技术开发",
    "consulting",
    "service",
    "patent_transfer",
    "01",
    "99",
    "CHN",
    "USA",
    "HKG",
    "440106",
    "440100",
    "440000",
    "110105",
    "442000",
    "999999",
    "91440101MA5CXXXX1X",
    "914401015548217845",
    "110101199003070011",
    "202110921116.9",
    "ZL 2021 1 0921116.9",
    "202110921116.9;202110921116.9",
    "202110921116.9；ZL202110921116.9",
    ";",
    " ；",
    "x" * 201,
    "测试",
    "技术服务合同",
    '含"引号"的名称技术开发合同',
]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_broken_or_recombined_rows_are_never_accepted_wrongly(learned, data) -> None:  # type: ignore[no-untyped-def]
    as_registered, rows, known = learned
    raw = dict(data.draw(st.sampled_from(rows)))
    for _ in range(data.draw(st.integers(1, 4))):
        key = data.draw(st.sampled_from(ROW_KEYS))
        if data.draw(st.booleans()):
            # the same field of another row: each part known good, the whole maybe not
            raw[key] = data.draw(st.sampled_from(rows))[key] if key in rows[0] else ""
        else:
            raw[key] = data.draw(st.sampled_from(ODD_TEXTS))
    _assert_same_as_parser(known, CleanRow(raw), as_registered=as_registered)


def test_recombined_rows_mostly_take_the_fast_path_and_all_match(learned) -> None:  # type: ignore[no-untyped-def]
    """Swap whole parties and dates between rows: cross-field rules decide, exactly as parsed."""
    as_registered, rows, known = learned
    rnd = random.Random(3)
    taken = 0
    for _ in range(400):
        raw = dict(rnd.choice(rows))
        other = rnd.choice(rows)
        for group in (
            ("seller_name", "seller_id", "seller_nature", "seller_region", "seller_country"),
            ("buyer_name", "buyer_id", "buyer_nature", "buyer_region", "buyer_country"),
            ("signed_on",),
            ("valid_to",),
            ("tech_amount",),
            ("ip_type", "patent_numbers"),
        ):
            if rnd.random() < 0.3:
                raw.update({key: other.get(key, "") for key in group})
        taken += _assert_same_as_parser(known, CleanRow(raw), as_registered=as_registered)
    assert taken > 0


def test_parties_are_learned_per_signing_year() -> None:
    """A region valid in one year may not be in another: the year is part of what is known."""
    rows = _rows(200, as_registered=True)
    known = _learned(rows, as_registered=True)
    raw = dict(next(r for r in rows if known.accept(r) is not None))
    raw.update(signed_on="2019-06-01", valid_from="2019-06-01")
    assert known.accept(CleanRow(raw)) is None


SELLER = ("seller_name", "seller_id", "seller_nature", "seller_region", "seller_country")
BUYER = ("buyer_name", "buyer_id", "buyer_nature", "buyer_region", "buyer_country")


def _fast_row(rows: list[CleanRow], known: CanonicalRows) -> dict[str, str]:
    return dict(next(r for r in rows if known.accept(r) is not None))


def test_a_row_signed_after_its_term_is_left_to_the_parser() -> None:
    rows = _rows(300, as_registered=True)
    known = _learned(rows, as_registered=True)
    raw = _fast_row(rows, known)
    later = max((r["signed_on"] for r in rows), key=str)
    raw.update(valid_from=raw["signed_on"], valid_to=raw["signed_on"], registered_on=later)
    raw["signed_on"] = next(r["signed_on"] for r in rows if r["signed_on"] > raw["valid_to"])
    assert known.accept(CleanRow(raw)) is None
    assert "signed_after_valid_to" in {p.code for p in parse_record(raw, 2)[1]}


def test_a_party_on_both_sides_is_left_to_the_parser() -> None:
    rows = _rows(300, as_registered=True)
    known = _learned(rows, as_registered=True)
    first = _fast_row(rows, known)
    # learn the first row's seller as a buyer too, through a clean row that has it as buyer
    other = dict(next(r for r in rows if r["seller_id"] != first["seller_id"]))
    as_buyer = {b: first[s] for s, b in zip(SELLER, BUYER, strict=True)}
    as_buyer["buyer_name"] = first["seller_name"] + "（分公司）"  # same id, another name
    other.update(as_buyer)
    other.update({key: first[key] for key in ("signed_on", "valid_from", "valid_to")})
    other["registered_on"] = first["registered_on"]
    record, problems = parse_record(other, 2, as_registered=True)
    assert record is not None and problems == [], problems
    known.learn(CleanRow(other), record)
    assert known.accept(CleanRow(other)) is not None
    same = {**first, **as_buyer}
    assert known.accept(CleanRow(same)) is None
    assert "same_party" in {p.code for p in parse_record(same, 2, as_registered=True)[1]}


def test_every_odd_text_in_every_field_of_clean_rows(learned) -> None:  # type: ignore[no-untyped-def]
    as_registered, rows, known = learned
    fast = [dict(r) for r in rows if known.accept(r) is not None]
    # one row without non-technical items, one with, one with patents
    samples = [
        next(r for r in fast if not r["non_tech_other"]),
        next(r for r in fast if r["non_tech_other"]),
        next(r for r in fast if r["patent_numbers"]),
    ]
    for row in samples:
        for key in ROW_KEYS:
            for text in ODD_TEXTS:
                raw = CleanRow({**row, key: text})
                _assert_same_as_parser(known, raw, as_registered=as_registered)


def test_an_exported_row_with_a_status_column_and_a_missing_key_matches_the_parser() -> None:
    rows = _rows(200, as_registered=True)
    known = _learned(rows, as_registered=True)
    fast = next(dict(r) for r in rows if known.accept(r) is not None)
    raw = {key: value for key, value in fast.items() if key != "agency_code"}
    raw["status"] = "registered"
    assert len(raw) == len(ROW_KEYS)  # as many keys as a record has, but not the same ones
    assert _assert_same_as_parser(known, CleanRow(raw), as_registered=True)


def test_a_person_born_in_the_signing_year_is_left_to_the_parser() -> None:
    """Parties are known per signing year, but a birth date within it needs the full date."""
    from tests.domain.builders import make_resident_id, valid_row

    def signed(born: str, on: str) -> CleanRow:
        row = valid_row(seller_nature="400", seller_name="张三")
        row.update(seller_id=make_resident_id(born=born), signed_on=on, valid_from=on)
        return CleanRow(row)

    known = CanonicalRows(as_registered=False)
    for born, on in (("20240301", "2024-03-10"), ("19800229", "2024-02-10")):
        after_birth = signed(born, on)
        record, problems = parse_record(after_birth, 2)
        assert record is not None and problems == [], problems
        known.learn(after_birth, record)
    assert known.accept(signed("19800229", "2024-02-10")) is not None
    before_birth = signed("20240301", "2024-02-10")
    assert known.accept(before_birth) is None
    codes = {p.code for p in parse_record(before_birth, 2)[1]}
    assert codes == {"resident_id_born_after_signing"}
