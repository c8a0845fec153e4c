"""The pre-check rules: their ids, severities and messages are data (codes/data/
precheck_rules.toml); each id has one small check here that returns the text it found.

A check answers "where in the contract is the problem": evidence is the line (or the
numbers) a person can look up. Checks never raise; an unreadable part is simply not found.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from techmarket.domain.contract_text.amounts import TECH_AMOUNT, figure_of, stated_total
from techmarket.domain.contract_text.clauses import patent_mentions
from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.parties import id_problems
from techmarket.domain.contract_text.suggest import Suggestion
from techmarket.domain.contract_text.text import ContractText, snippet
from techmarket.domain.identifiers import check_patent_number
from techmarket.domain.money import format_yuan


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # "block" | "warn"
    message: str
    message_en: str
    applies_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    message_en: str
    evidence: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "evidence": self.evidence,
        }


@dataclass
class Context:
    """What the checks read: the text, what was extracted, and the caller's facts."""

    text: ContractText
    fields: dict[str, Found]
    sections: dict[str, str]
    suggestion: Suggestion
    today: date
    seller: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


Hit = tuple[str, str, str]  # evidence, detail (zh), detail (en)


@cache
def _data() -> dict[str, object]:
    path = resources.files("techmarket.codes") / "data" / "precheck_rules.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def rules() -> tuple[Rule, ...]:
    items = _data()["rule"]
    assert isinstance(items, list)
    return tuple(
        Rule(r["id"], r["severity"], r["message"], r["message_en"], tuple(r.get("applies_to", ())))
        for r in items
    )


@cache
def patterns(name: str) -> tuple[re.Pattern[str], ...]:
    table = _data()["patterns"]
    assert isinstance(table, dict)
    return tuple(re.compile(p) for p in table[name])


def check_blank_unfilled(ctx: Context) -> list[Hit]:
    blank = patterns("blank")
    return [(line, "", "") for line in ctx.text.lines if any(p.search(line) for p in blank)][:10]


def check_amount_capitals_mismatch(ctx: Context) -> list[Hit]:
    total = stated_total(ctx.text)
    if total is None or total.capitals_text is None:
        return []
    if total.capitals is None:
        return [(total.line, f"：大写“{total.capitals_text}”无法识别", ": capitals unreadable")]
    if total.capitals != total.figure:
        shown, capitals = format_yuan(total.figure), format_yuan(total.capitals)
        return [(total.line, f"：小写 {shown} 元，大写 {capitals} 元", f": {shown} vs {capitals}")]
    return []


def check_tech_amount_exceeds_total(ctx: Context) -> list[Hit]:
    total = stated_total(ctx.text)
    if total is None:
        return []
    hits: list[Hit] = []
    for line, match in ctx.text.find(TECH_AMOUNT):
        tech = figure_of(match)
        if tech is not None and tech > total.figure:
            hits.append((line, "", ""))
    non_tech = [ctx.fields[k] for k in ctx.fields if k.startswith("non_tech_")]
    spent = sum((Decimal(f.value) for f in non_tech), Decimal(0))
    if spent > total.figure:
        hits.append(("；".join(f.evidence for f in non_tech), "", ""))
    return hits


def check_price_missing(ctx: Context) -> list[Hit]:
    return [] if "total_amount" in ctx.fields else [("", "", "")]


def check_payment_terms_missing(ctx: Context) -> list[Hit]:
    if "payment" in ctx.sections or "payment_method" in ctx.fields:
        return []
    return [("", "", "")]


def _missing(section: str) -> Callable[[Context], list[Hit]]:
    def check(ctx: Context) -> list[Hit]:
        return [] if section in ctx.sections else [("", "", "")]

    return check


def check_term_expired(ctx: Context) -> list[Hit]:
    end = ctx.fields.get("valid_to")
    if end is None or date.fromisoformat(end.value) >= ctx.today:
        return []
    return [(end.evidence, f"（{end.value} 届满）", f" (ended {end.value})")]


def check_restrictive_clause(ctx: Context) -> list[Hit]:
    restrictive = patterns("restrictive")
    return [(line, "", "") for line in ctx.text.lines if any(p.search(line) for p in restrictive)]


def _comparable(name: str) -> str:
    return re.sub(r"[\s()（）]", "", name)


def check_seller_name_mismatch(ctx: Context) -> list[Hit]:
    found = ctx.fields.get("seller_name")
    if not ctx.seller or found is None or _comparable(found.value) == _comparable(ctx.seller):
        return []
    return [
        (
            found.evidence,
            f"：合同为“{found.value}”，申请人为“{ctx.seller}”",
            f": the contract names {found.value!r}, the applicant is {ctx.seller!r}",
        )
    ]


def check_patent_check_digit(ctx: Context) -> list[Hit]:
    hits: list[Hit] = []
    for written, line in patent_mentions(ctx.text):
        problems = [
            p for p in check_patent_number(written, "patent_numbers") if p.severity == "error"
        ]
        if problems:
            hits.append((snippet(line), f"：{problems[0].message}", f": {problems[0].message_en}"))
    return hits


def check_party_id_invalid(ctx: Context) -> list[Hit]:
    return [
        (f.evidence, f"：{zh}", f": {en}") for f, zh, en in id_problems(list(ctx.fields.values()))
    ]


def check_not_registrable(ctx: Context) -> list[Hit]:
    s = ctx.suggestion
    if s.registrable:
        return []
    return [
        (
            ctx.fields["name"].evidence if "name" in ctx.fields else "",
            f"：{s.reason}",
            f": {s.reason_en}",
        )
    ]


def check_title_contradicts_body(ctx: Context) -> list[Hit]:
    s = ctx.suggestion
    if not s.title_contradicts_body:
        return []
    title = ctx.fields["name"].value if "name" in ctx.fields else ""
    return [
        (
            f"{title}；正文：{'、'.join(s.evidence[1:5])}",
            f"：名称为 {s.title_type}，内容为 {s.body_type}",
            f": the title says {s.title_type}, the content reads as {s.body_type}",
        )
    ]


CHECKS: dict[str, Callable[[Context], list[Hit]]] = {
    "blank_unfilled": check_blank_unfilled,
    "amount_capitals_mismatch": check_amount_capitals_mismatch,
    "tech_amount_exceeds_total": check_tech_amount_exceeds_total,
    "price_missing": check_price_missing,
    "payment_terms_missing": check_payment_terms_missing,
    "acceptance_missing": _missing("acceptance"),
    "ip_ownership_missing": _missing("ip_ownership"),
    "confidentiality_missing": _missing("confidentiality"),
    "liability_missing": _missing("liability"),
    "term_expired": check_term_expired,
    "restrictive_clause": check_restrictive_clause,
    "seller_name_mismatch": check_seller_name_mismatch,
    "patent_check_digit": check_patent_check_digit,
    "party_id_invalid": check_party_id_invalid,
    "not_registrable": check_not_registrable,
    "title_contradicts_body": check_title_contradicts_body,
}


def run_rules(ctx: Context) -> list[Finding]:
    """Every rule that applies to the suggested type, in the data file's order."""
    findings: list[Finding] = []
    kind = ctx.suggestion.contract_type
    for rule in rules():
        if rule.applies_to and kind not in rule.applies_to:
            continue
        for evidence, detail, detail_en in CHECKS[rule.id](ctx):
            findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    rule.message + detail,
                    rule.message_en + detail_en,
                    snippet(evidence, 200),
                )
            )
    return findings
