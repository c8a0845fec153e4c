"""Hard filters: the candidates a search may return, decided before anything is ranked.

The rule for missing values: a filter excludes a listing only when the listing *states* a value
that contradicts it. A listing that leaves its field, region, modes, price or maturity blank (or
says 面议 / 其他) passes, and its explanation says "unknown" for that fact, so the broker sees what
was not checked instead of the listing silently vanishing. Filters left as None check nothing.

* field — the listing's field code is one of `fields`.
* region — one region contains the other (GB/T 2260 codes by prefix: 440000 holds 440100, which
  holds 440106). A listing for the whole province passes a search in one of its cities; a listing
  in another province does not.
* modes — the listing offers at least one of the wanted cooperation modes (synonyms folded:
  技术转让 = 转让, 联合开发 = 合作开发 …).
* amount — `max_amount_fen`: the searcher's budget; listings asking more are out.
  `min_amount_fen`: the searcher's price; demands whose budget is lower are out.
* maturity — `min_maturity`: the stage the searcher needs; achievements less mature are out.
  `max_maturity`: the searcher's own stage; demands that need a later stage are out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Achievement maturity (成熟度), least to most mature; 其他 and blanks are unknown (0).
MATURITY = ("正在研发", "已有样品", "通过小试", "通过中试", "可以量产")

# Cooperation modes as listings and demands write them, folded to one spelling.
MODE_SYNONYMS = {
    "技术转让": "转让",
    "专利转让": "转让",
    "技术许可": "许可",
    "专利许可": "许可",
    "联合开发": "合作开发",
    "技术入股": "作价入股",
    "委托开发": "委托开发",
    "技术咨询": "技术服务",
}


def maturity_level(maturity: str | None) -> int:
    """1 … 5 along `MATURITY`; 0 when blank or not on the ladder (其他)."""
    return MATURITY.index(maturity) + 1 if maturity in MATURITY else 0


def fold_mode(mode: str) -> str:
    """One spelling for a cooperation mode."""
    mode = mode.strip()
    return MODE_SYNONYMS.get(mode, mode)


def region_prefix(code: str | None) -> str:
    """The significant prefix of a GB/T 2260 code: 440000 → 44, 440100 → 4401; "" for none/national."""
    code = (code or "").strip()
    if not code.isdecimal() or code == "000000":
        return ""
    for width in (2, 4):
        if code[width:].strip("0") == "":
            return code[:width]
    return code


def region_fit(wanted: str | None, listed: str | None) -> str:
    """same | within (listing inside the wanted area) | broader (listing covers it) | outside | unknown."""
    want, have = region_prefix(wanted), region_prefix(listed)
    if not want or not have:
        return "unknown"
    if want == have:
        return "same"
    if have.startswith(want):
        return "within"
    if want.startswith(have):
        return "broader"
    return "outside"


@dataclass(frozen=True)
class Filters:
    """What the searcher requires; every None checks nothing."""

    fields: frozenset[str] | None = None
    region: str | None = None
    modes: frozenset[str] | None = None
    max_amount_fen: int | None = None
    min_amount_fen: int | None = None
    min_maturity: str | None = None
    max_maturity: str | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in self.__dict__.values())


@dataclass
class FilterColumns:
    """The filtered facts of every indexed listing, as arrays (one row per listing)."""

    field: np.ndarray  # str, "" when unknown
    region: np.ndarray  # str prefix, "" when unknown
    modes: np.ndarray  # int bit set over `mode_names`, 0 when unknown
    mode_names: list[str]
    amount: np.ndarray  # int64 fen, -1 when 面议
    maturity: np.ndarray  # int8 level, 0 when unknown

    @classmethod
    def from_listings(cls, docs) -> FilterColumns:
        names = sorted({fold_mode(m) for doc in docs for m in doc.modes})
        bit = {name: 1 << i for i, name in enumerate(names)}
        return cls(
            field=np.array([doc.field or "" for doc in docs], dtype=str),
            region=np.array([region_prefix(doc.region) for doc in docs], dtype=str),
            modes=np.array(
                [sum(bit[fold_mode(m)] for m in set(doc.modes)) for doc in docs], dtype=np.int64
            ),
            mode_names=names,
            amount=np.array(
                [-1 if doc.amount_fen is None else doc.amount_fen for doc in docs], dtype=np.int64
            ),
            maturity=np.array([maturity_level(doc.maturity) for doc in docs], dtype=np.int8),
        )

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask of the listings that pass, or None when nothing is filtered."""
        if filters is None or filters.is_empty():
            return None
        keep = np.ones(len(self.field), dtype=bool)
        if filters.fields is not None:
            keep &= np.isin(self.field, [*filters.fields, ""])
        if filters.region is not None and (want := region_prefix(filters.region)):
            values, codes = self._regions
            # The listing lies inside the wanted area, or its area covers the wanted one.
            passes = np.array([have.startswith(want) or want.startswith(have) for have in values])
            keep &= passes[codes]
        if filters.modes is not None:
            wanted = sum(
                1 << self.mode_names.index(m)
                for m in {fold_mode(m) for m in filters.modes}
                if m in self.mode_names
            )
            keep &= (self.modes == 0) | ((self.modes & wanted) != 0)
        if filters.max_amount_fen is not None:
            keep &= (self.amount < 0) | (self.amount <= filters.max_amount_fen)
        if filters.min_amount_fen is not None:
            keep &= (self.amount < 0) | (self.amount >= filters.min_amount_fen)
        if filters.min_maturity is not None and (level := maturity_level(filters.min_maturity)):
            keep &= (self.maturity == 0) | (self.maturity >= level)
        if filters.max_maturity is not None and (level := maturity_level(filters.max_maturity)):
            keep &= (self.maturity == 0) | (self.maturity <= level)
        return keep

    @cached_property
    def _regions(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct region prefixes, and each listing's position among them (computed once)."""
        values, codes = np.unique(self.region, return_inverse=True)
        return values, codes
