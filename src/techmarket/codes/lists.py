"""Code lists of the registration form, shipped as CSV files in ``codes/data/``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

_BASE_COLUMNS = ("code", "name", "name_en")
_ALIASES = "aliases"  # optional extra column: ";"-separated other spellings accepted by resolve()


@dataclass(frozen=True)
class Code:
    """One entry of a code list; ``extra`` holds the list's own columns (all strings)."""

    code: str
    name: str
    name_en: str
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)


class CodeList:
    """An ordered, read-only code list that resolves user input (code or name) to a code."""

    def __init__(self, name: str, codes: Iterable[Code]) -> None:
        self.name = name
        self._codes = tuple(codes)
        self._by_code: dict[str, Code] = {}
        for item in self._codes:
            self._by_code.setdefault(item.code, item)
        self._index = self._build_index()
        widths = {len(c.code) for c in self._codes}
        digits = all(c.code.isdecimal() for c in self._codes)
        # Excel drops leading zeros ("01" -> 1); pad back when every code is digits of one width.
        self._pad_to = widths.pop() if digits and len(widths) == 1 else 0

    def _build_index(self) -> dict[str, str]:
        """Map every accepted spelling to its code; codes win over names, names over aliases."""
        index: dict[str, str] = {}
        for item in self._codes:
            index.setdefault(item.code.casefold(), item.code)
        for item in self._codes:
            index.setdefault(item.name.casefold(), item.code)
        for item in self._codes:
            index.setdefault(item.name_en.casefold(), item.code)
        for item in self._codes:
            for alias in item.extra.get(_ALIASES, "").split(";"):
                if alias.strip():
                    index.setdefault(alias.strip().casefold(), item.code)
        return index

    def get(self, code: str) -> Code | None:
        """The entry with exactly this code, or None."""
        return self._by_code.get(code)

    def resolve(self, value: str) -> str | None:
        """The code for a code, Chinese name or English name (case-insensitive), or None."""
        key = value.strip()
        if self._pad_to and key.isdecimal() and len(key) < self._pad_to:
            key = key.zfill(self._pad_to)
        return self._index.get(key.casefold())

    def name_of(self, code: str) -> str:
        """Chinese name for display; the code itself when unknown so nothing is silently lost."""
        item = self._by_code.get(code)
        return item.name if item else code

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {len(self)} codes)"


def _read_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>.csv``; KeyError when there is no such list."""
    if not name.isidentifier():
        raise KeyError(name)
    path = resources.files("techmarket.codes") / "data" / f"{name}.csv"
    if not path.is_file():
        raise KeyError(name)
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _to_code(row: Mapping[str, str]) -> Code:
    """Build a Code from a CSV row; columns beyond the first three go to ``extra``."""
    extra = {k: v for k, v in row.items() if k not in _BASE_COLUMNS}
    return Code(row["code"], row["name"], row["name_en"], MappingProxyType(extra))


@cache
def code_list(name: str) -> CodeList:
    """The named code list (cached); KeyError for an unknown list name."""
    return CodeList(name, (_to_code(row) for row in _read_rows(name)))


@cache
def subtypes_for(contract_type: str) -> CodeList:
    """Sub-types of one contract type (code or name); empty for consulting, KeyError if unknown."""
    type_code = code_list("contract_types").resolve(contract_type)
    if type_code is None:
        raise KeyError(contract_type)
    rows = (c for c in code_list("subtypes") if c.extra["contract_type"] == type_code)
    return CodeList(f"subtypes.{type_code}", rows)


def nature_group(nature_code: str) -> str | None:
    """Statistical group of an entity-nature code (4-digit sub-codes use their 3-digit parent)."""
    code = nature_code.strip()
    natures = code_list("entity_natures")
    item = natures.get(code) or (natures.get(code[:3]) if len(code) == 4 else None)
    return item.extra["group"] if item else None
