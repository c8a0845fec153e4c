"""Pre-check of a contract's text: the fields found, the suggested type, the findings.

One pure function over the text, so the CLI, the API and the pages (and the labelled document
set) all see the same result; reading files into text is `interchange.documents`' job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from techmarket.domain.contract_text.amounts import extract_amounts
from techmarket.domain.contract_text.clauses import (
    extract_patents,
    extract_payment,
    extract_title,
    sections_present,
)
from techmarket.domain.contract_text.dates import extract_dates
from techmarket.domain.contract_text.found import Found
from techmarket.domain.contract_text.parties import extract_parties
from techmarket.domain.contract_text.rules import Context, Finding, run_rules
from techmarket.domain.contract_text.suggest import Suggestion, suggest_type
from techmarket.domain.contract_text.text import ContractText
from techmarket.domain.fields import FIELDS_BY_KEY

# Patent kinds (the fifth digit of a 12-digit number) → IP type (contract-format.md §4).
PATENT_KIND_IP = {"1": "01", "8": "01", "2": "02", "9": "02", "3": "03"}
SUBTYPE_IP = {
    "patent_application_right": "04",
    "know_how": "05",
    "software_copyright": "06",
    "software": "06",
    "ic_layout": "07",
    "plant_variety": "08",
}


@dataclass(frozen=True)
class Precheck:
    fields: dict[str, Found]
    sections: dict[str, str]
    suggestion: Suggestion
    findings: tuple[Finding, ...]

    @property
    def record_fields(self) -> dict[str, str]:
        """The extracted values that are contract-record keys (to pre-fill the form)."""
        return {k: f.value for k, f in self.fields.items() if k in FIELDS_BY_KEY}

    @property
    def blocking(self) -> bool:
        return any(f.severity == "block" for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        s = self.suggestion
        return {
            "fields": {key: found.as_dict() for key, found in self.fields.items()},
            "sections": sorted(self.sections),
            "suggested_type": s.contract_type,
            "suggested_subtype": s.subtype,
            "type_evidence": list(s.evidence),
            "title_contradicts_body": s.title_contradicts_body,
            "registrable": s.registrable,
            "reason": s.reason,
            "reason_en": s.reason_en,
            "findings": [f.as_dict() for f in self.findings],
        }


def precheck_text(text: ContractText, *, today: date, seller: str | None = None) -> Precheck:
    """Extract, suggest and check; `seller` is the registered seller's name when known."""
    found: list[Found] = []
    for extract in (
        extract_title,
        extract_parties,
        extract_amounts,
        extract_dates,
        extract_payment,
        extract_patents,
    ):
        found.extend(extract(text))
    fields: dict[str, Found] = {}
    for item in found:
        fields.setdefault(item.key, item)
    title = fields["name"].value if "name" in fields else ""
    suggestion = suggest_type(text, title)
    _add_type_fields(fields, suggestion)
    sections = sections_present(text)
    ctx = Context(text, fields, sections, suggestion, today, seller)
    return Precheck(fields, sections, suggestion, tuple(run_rules(ctx)))


def _add_type_fields(fields: dict[str, Found], s: Suggestion) -> None:
    evidence = "、".join(s.evidence[:4])
    if s.contract_type:
        fields["contract_type"] = Found.of("contract_type", s.contract_type, evidence)
    if s.subtype:
        fields["subtype"] = Found.of("subtype", s.subtype, evidence)
    ip = SUBTYPE_IP.get(s.subtype or "")
    patents = fields.get("patent_numbers")
    if patents and s.subtype != "patent_application_right":
        digits = patents.value.split(";")[0].split(".")[0]
        ip = PATENT_KIND_IP.get(digits[4] if len(digits) == 12 else digits[2], ip)
    if ip:
        fields["ip_type"] = Found.of("ip_type", ip, patents.evidence if patents else evidence)
