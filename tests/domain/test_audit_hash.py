"""The audit hash's fast canonical form must be exactly the general encoder's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.audit import (
    canonical_payload,
    chain,
    event_hash,
    import_payload,
    reference_event_hash,
)

_PAYLOADS = st.dictionaries(
    st.text(max_size=12),
    st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.text(max_size=5))),
    max_size=4,
)


@given(_PAYLOADS)
def test_canonical_payload_is_the_encoders_text(payload: dict[str, object]) -> None:
    expected = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical_payload(payload) == expected


@given(
    seq=st.integers(min_value=1, max_value=10**12),
    contract_id=st.one_of(st.none(), st.integers(min_value=1, max_value=10**12)),
    actor=st.text(max_size=20),
    payload=_PAYLOADS,
    microsecond=st.integers(min_value=0, max_value=999_999),
)
def test_event_hash_matches_its_definition(
    seq: int, contract_id: int | None, actor: str, payload: dict[str, object], microsecond: int
) -> None:
    fields = {
        "seq": seq,
        "contract_id": contract_id,
        "actor": actor,
        "action": "import",
        "from_status": "",
        "to_status": "registered",
        "at": datetime(2026, 11, 22, 3, 4, 5, microsecond, tzinfo=UTC),
        "payload": payload,
        "prev_hash": "a" * 64,
    }
    assert event_hash(**fields) == reference_event_hash(**fields)  # type: ignore[arg-type]
    text_given = {**fields, "payload": canonical_payload(payload)}
    assert event_hash(**text_given) == reference_event_hash(**fields)  # type: ignore[arg-type]


def test_a_quote_in_a_value_takes_the_escaping_path() -> None:
    assert canonical_payload({"note": 'say "hi"\n'}) == '{"note":"say \\"hi\\"\\n"}'


@given(
    row=st.integers(min_value=1, max_value=10**7),
    number=st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"\d{16}", fullmatch=True)),
)
def test_import_payload_is_the_canonical_payload(row: int, number: str | None) -> None:
    payload = (
        {"row": str(row)} if number is None else {"row": str(row), "registration_number": number}
    )
    assert import_payload(row, number) == canonical_payload(payload)


@given(
    start=st.integers(min_value=0, max_value=10**9),
    ids=st.lists(st.integers(min_value=1, max_value=10**12), max_size=5),
    actor=st.text(max_size=10),
)
def test_chain_gives_event_hash_one_by_one(start: int, ids: list[int], actor: str) -> None:
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    events = [(pk, import_payload(pk, None)) for pk in ids]
    prev = "a" * 64
    chained = list(
        chain(
            start, prev, events, actor=actor, action="import", from_status="", to_status="x", at=at
        )
    )
    for offset, ((pk, payload), got) in enumerate(zip(events, chained, strict=True), start=1):
        expected = event_hash(
            seq=start + offset,
            contract_id=pk,
            actor=actor,
            action="import",
            from_status="",
            to_status="x",
            at=at,
            payload=payload,
            prev_hash=prev,
        )
        assert got == (start + offset, pk, payload, prev, expected)
        prev = expected
