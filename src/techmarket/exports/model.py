"""What a statistics table is, once computed: columns and rows that every renderer takes.

Rows once, many renderers (STYLE.md 11): the engine returns a `TableResult`; JSON, xlsx, the
terminal and PDF render it without computing anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# number: a figure in its own unit (a plan indicator's 亿元, 项, 家), two decimals.
ColumnKind = Literal["text", "count", "amount", "pct", "rank", "number"]


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    label_en: str
    kind: ColumnKind


@dataclass
class TableResult:
    """One computed table. Amounts are Decimal yuan (exact); percentages Decimal or None."""

    name: str
    title_zh: str
    title_en: str
    period: str  # the period label, e.g. "2024H1"
    region: str  # GB/T 2260 code the table is about ("000000" = all)
    view: str  # registered | output | absorbed
    columns: list[Column]
    rows: list[dict[str, object]]
    notes: list[str] = field(default_factory=list)
    level: str | None = None  # by_region ranked at one level across the region (None: children)
