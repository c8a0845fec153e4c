"""Technology-field suggestion: which contract-format field codes (§3) a listing's text is about.

Each field has weighted terms in `data/field_terms.tsv`: terms learnt from real Chinese abstracts
(CSL, their disciplines mapped to fields; `python -m techmarket.matching.field_terms` rebuilds the
file, see docs/matching.md) plus a few hand-picked seed terms per field. A text's score for a field
is the sum of the weights of the distinct terms it contains; the terms that gave the most are the
evidence shown to the seller. A text that meets no weighted term gets no suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from techmarket.matching.tokens import tokenize

FIELD_NAMES = {
    "01": "电子信息",
    "02": "航空航天",
    "03": "先进制造",
    "04": "生物、医药和医疗器械",
    "05": "新材料及其应用",
    "06": "新能源与高效节能",
    "07": "环境保护与资源综合利用",
    "08": "核应用技术",
    "09": "农业",
    "10": "现代交通",
    "11": "城市建设与社会发展",
}


@dataclass(frozen=True)
class FieldSuggestion:
    """A field code, its score and the terms of the text that point to it."""

    code: str
    name: str
    score: float
    terms: tuple[str, ...]


@cache
def field_terms() -> dict[str, dict[str, float]]:
    """term → {field code: weight}, from the packaged table."""
    text = (
        resources.files("techmarket.matching").joinpath("data/field_terms.tsv").read_text("utf-8")
    )
    table: dict[str, dict[str, float]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, term, weight = line.split("\t")
            table.setdefault(term, {})[code] = float(weight)
    return table


def suggest_fields(text: str, top: int = 3) -> list[FieldSuggestion]:
    """Up to `top` fields for the text, best first, each with its evidence."""
    table = field_terms()
    evidence: dict[str, list[tuple[float, str]]] = {}
    for term in dict.fromkeys(tokenize(text)):
        for code, weight in table.get(term, {}).items():
            evidence.setdefault(code, []).append((weight, term))
    ranked = sorted(
        ((sum(w for w, _ in found), code, found) for code, found in evidence.items()),
        key=lambda item: (-item[0], item[1]),
    )
    return [
        FieldSuggestion(
            code=code,
            name=FIELD_NAMES[code],
            score=round(score, 3),
            terms=tuple(term for _, term in sorted(found, key=lambda f: (-f[0], f[1]))[:5]),
        )
        for score, code, found in ranked[:top]
    ]
