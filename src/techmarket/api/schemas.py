"""Request and response shapes, so the OpenAPI document says exactly what goes in and out."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from techmarket.domain.fields import RECORD_FIELDS

_RECORD_DOC = "A contract record of contract-format.md §1; amounts are strings of yuan."

# One optional string per public record key; unknown keys are refused, not ignored.
ContractRecordIn = create_model(  # type: ignore[call-overload]
    "ContractRecordIn",
    __config__=ConfigDict(extra="forbid", title="ContractRecordIn"),
    __doc__=_RECORD_DOC,
    **{f.key: (str | None, Field(default=None, description=f.label_zh)) for f in RECORD_FIELDS},
)


class DraftIn(Schema):
    """A new draft: its content and, optionally, the agency to apply to."""

    model_config = ConfigDict(extra="forbid")
    agency_code: str | None = Field(
        default=None, description="registration agency; default: the nearest covering the seller"
    )
    record: ContractRecordIn  # type: ignore[valid-type]


class ActionIn(Schema):
    """What a workflow step needs: a refusal's reason code, a note, corrected content."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(
        default=None,
        description="refuse: the reason code R01…R10; object: the objection's grounds, as text",
    )
    note: str | None = Field(default=None, description="explanation (required for some steps)")
    record: ContractRecordIn | None = None  # type: ignore[valid-type]


class ContractOut(Schema):
    id: int
    registration_number: str | None
    name: str
    contract_type: str
    subtype: str
    status: str
    agency: str
    seller_name: str
    buyer_name: str
    total_amount: str
    tech_amount: str
    signed_on: str
    registered_on: str | None
    deadline: str | None
    is_large: bool
    version: int
    risk_score: int | None = Field(
        default=None, description="the highest risk-signal score; null without one or for sellers"
    )


class ContractPageOut(Schema):
    items: list[ContractOut]
    next_cursor: str | None
    limit: int
    sort: str


class EventOut(Schema):
    seq: int
    at: str
    action: str
    from_status: str
    to_status: str
    actor: str
    payload: dict[str, Any]


class CertificateOut(Schema):
    verification_code: str
    issued_at: str
    superseded_at: str | None
    tech_amount: str
    total_amount: str


class ActionOut(Schema):
    action: str
    label_zh: str
    label_en: str


class RelatedContractOut(Schema):
    id: int | None = Field(description="null when the contract lies outside your reach")
    registration_number: str | None
    name: str
    name_en: str
    status: str | None
    visible: bool


class SignalOut(Schema):
    signal: str = Field(description="stable id, e.g. duplicate, split_below_threshold")
    name: str
    name_en: str
    score: int = Field(ge=1, le=100)
    severity: str = Field(description="high | medium | low")
    explanation: str
    explanation_en: str
    related: list[RelatedContractOut]
    facts: dict[str, Any]
    computed_at: str


class ContractDetailOut(Schema):
    id: int
    status: str
    version: int
    registration_number: str | None
    registered_on: str | None
    deadline: str | None
    is_large: bool
    rule_set: str
    agency: str
    vat_exempt: bool
    income_tax_transfer: bool
    risk_flags: list[str]
    refusal_reason: str | None
    refusal_reason_name: str | None
    note: str | None
    record: dict[str, str]
    certificates: list[CertificateOut]
    actions: list[ActionOut]
    signals: list[SignalOut] | None = Field(
        description="risk signals of the last scan; null for sellers, who do not see them"
    )


class StepOut(Schema):
    id: int
    status: str
    version: int
    registration_number: str | None


class AgencyOut(Schema):
    code: str
    name: str
    level: str
    region_code: str
    parent: str | None


class MeOut(Schema):
    username: str
    role: str
    agency: AgencyOut | None
    party_id: int | None


class ProblemItem(Schema):
    row: int
    field: str
    code: str
    severity: str
    message: str
    message_en: str


class ProblemOut(Schema):
    """RFC 9457 problem details with the stable code and the record problems."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    code: str
    message: str
    message_en: str
    problems: list[ProblemItem]


class AttachmentOut(Schema):
    """A file that goes with a contract; its bytes are at the attachment's own URL."""

    id: int
    name: str = Field(description="the uploaded file's name, cleaned")
    content_type: str = Field(description="as told from the content, not as the client said")
    size: int = Field(description="bytes")
    sha256: str = Field(description="hex SHA-256 of the bytes")
    uploaded_at: str
    uploaded_by: str


class IncomeIn(Schema):
    """A year's income after performance, declared by the contract's seller."""

    model_config = ConfigDict(extra="forbid")
    year: int = Field(description="the year the money came in")
    received: str = Field(description="amount received that year, yuan (at most 2 decimals)")
    technical: str = Field(description="of it, technical income (技术性收入), yuan")
    note: str = Field(default="", max_length=2000, description="e.g. the bank receipts")


class IncomeDecisionIn(Schema):
    """The agency's verification note, or the reason a declaration is returned (required)."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=2000)


class IncomeOut(Schema):
    """One declaration; `version` is its ETag, for `If-Match` on verify and return."""

    id: int
    contract: int
    year: int
    received_amount: str = Field(description="yuan")
    technical_income: str = Field(description="yuan")
    note: str
    status: str = Field(description="declared, verified or returned")
    declared_by: str
    declared_at: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None
    version: int
