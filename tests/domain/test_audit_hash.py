"""The audit hash's fast canonical form must be exactly the general encoder's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from techmarket.domain.audit import canonical_payload, event_hash, reference_event_hash

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
