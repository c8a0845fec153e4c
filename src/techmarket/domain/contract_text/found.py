"""One value found in a contract's text, with the text it came from."""

from __future__ import annotations

from dataclasses import dataclass

from techmarket.domain.contract_text.text import snippet


@dataclass(frozen=True)
class Found:
    """`value` is in the contract record's canonical form (codes, YYYY-MM-DD, yuan in fen)."""

    key: str
    value: str
    evidence: str

    @classmethod
    def of(cls, key: str, value: str, line: str) -> Found:
        return cls(key, value, snippet(line))

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "evidence": self.evidence, "extracted": True}
