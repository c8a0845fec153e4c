"""What the engine knows of a listing: its text and the facts the hard filters look at.

The market app turns an achievement (科技成果) or a demand (技术需求) into a `ListingText`; the
engine never sees a model instance. `amount_fen` is the achievement's asking price or the demand's
budget (its upper end for a range), in fen; None means 面议 (to be negotiated). `maturity` is the
achievement's stage, or for a demand the stage it needs (see `filters.MATURITY`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class ListingText:
    """One listing as the matching engine indexes it."""

    id: str
    title: str = ""
    summary: str = ""
    field: str | None = None  # technology field code, contract-format §3 ("01" … "11")
    region: str | None = None  # GB/T 2260 code, six digits
    modes: frozenset[str] = dataclasses.field(default_factory=frozenset)
    amount_fen: int | None = None
    maturity: str | None = None

    @property
    def text(self) -> str:
        """Title and summary, the text both retrievers read."""
        return "。".join(part for part in (self.title.strip(), self.summary.strip()) if part)
