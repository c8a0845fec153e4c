"""A contract's text as lines, normalised once so every reader matches the same spelling.

Readers (DOCX paragraphs and table rows, PDF pages, plain text) hand over lines; NFKC turns
full-width punctuation and digits into ASCII (（ → (, ： → :, １ → 1) while the Chinese
characters, capitals (壹贰叁) and blanks (____, 【 】) stay as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_SPACES = re.compile(r"[ \u3000\xa0]+")
# "名称\t某某公司" (a two-cell table row) reads as "名称:某某公司".
_LABEL_CELL = re.compile(r"^([\u4e00-\u9fff()]{2,12})\t+(?=\S)")


@dataclass(frozen=True)
class ContractText:
    """The lines of one contract document, in reading order, normalised."""

    lines: tuple[str, ...]

    @classmethod
    def from_lines(cls, raw: Iterable[str]) -> ContractText:
        return cls(tuple(line for line in (normalise(text) for text in raw) if line))

    @classmethod
    def from_text(cls, text: str) -> ContractText:
        return cls.from_lines(text.splitlines())

    @property
    def full(self) -> str:
        return "\n".join(self.lines)

    def find(self, pattern: re.Pattern[str]) -> Iterator[tuple[str, re.Match[str]]]:
        """Each line with its first match of `pattern`."""
        for line in self.lines:
            match = pattern.search(line)
            if match:
                yield line, match


def normalise(line: str) -> str:
    text = unicodedata.normalize("NFKC", line).replace("\r", "")
    text = _LABEL_CELL.sub(r"\1:", text.strip())
    text = text.replace("\t", " ")
    return _SPACES.sub(" ", text).strip()


def snippet(line: str, limit: int = 120) -> str:
    """Evidence as shown to people: the line, cut to a readable length."""
    return line if len(line) <= limit else line[: limit - 1] + "…"
