"""Request and response shapes of /leads, /brokers and /market/funnel (docs/market.md)."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

AMOUNT = "yuan, two places, as a string"


class LeadIn(Schema):
    """A lead from a match: both listings published; a broker proposes in their own name."""

    model_config = ConfigDict(extra="forbid")
    achievement_id: int = Field(ge=1, le=2**62, description="the published achievement's id")
    demand_id: int = Field(ge=1, le=2**62, description="the published demand's id")
    broker_id: int | None = Field(
        default=None, ge=1, le=2**62, description="the broker who follows it (brokers: their own)"
    )
    score: float | None = Field(default=None, description="the match's score, as given")
    rank: int | None = Field(default=None, ge=1, le=2**31, description="the match's rank, from 1")
    note: str = Field(default="", max_length=2000)


class LeadActionIn(Schema):
    """register: the registered contract's number; drop: the reason; any other: a note."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=2000)
    registration_number: str = Field(default="", max_length=40)
    reason: str = Field(default="", max_length=2000)


class ListingRefOut(Schema):
    id: int
    external_id: str
    title: str


class BrokerRefOut(Schema):
    id: int
    name: str


class LeadContractOut(Schema):
    id: int
    registration_number: str | None
    total_amount: str = Field(description=f"成交额, {AMOUNT}")
    tech_amount: str = Field(description=f"技术交易额, {AMOUNT}")


class LeadStagesOut(Schema):
    """When the lead reached each stage (ISO 8601), none for a stage not reached."""

    proposed: str | None
    contacted: str | None
    negotiating: str | None
    signed: str | None
    registered: str | None
    dropped: str | None


class LeadOut(Schema):
    id: int
    status: str = Field(description="proposed, contacted, negotiating, signed, registered, dropped")
    version: int
    achievement: ListingRefOut
    demand: ListingRefOut
    broker: BrokerRefOut | None
    proposer: str
    score: float | None
    rank: int | None
    tech_field: str
    region: str
    note: str
    drop_reason: str
    contract: LeadContractOut | None
    stages: LeadStagesOut


class LeadPageOut(Schema):
    items: list[LeadOut]
    total: int
    page: int
    limit: int
    pages: int


class LeadEventOut(Schema):
    seq: int
    at: str
    action: str
    from_status: str
    to_status: str
    actor: str
    note: str = Field(description="the step's note, or a drop's reason")


class LeadActionOut(Schema):
    action: str
    label_zh: str
    label_en: str


class LeadDetailOut(LeadOut):
    events: list[LeadEventOut] = Field(description="the lead's steps, oldest first")
    actions: list[LeadActionOut] = Field(description="the steps the caller may take now")


class LeadStepOut(Schema):
    id: int
    status: str
    version: int


class TrainingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    on: str = Field(max_length=40, description="the date, e.g. 2024-05-10")
    course: str = Field(max_length=200)
    hours: str = Field(default="", max_length=20)
    issuer: str = Field(default="", max_length=200)


class BrokerIn(Schema):
    """A broker's profile; fields are contract-format codes (names accepted), regions current
    GB/T 2260 codes. Training records are added (one already recorded is kept once)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    fields: list[str] = Field(default_factory=list, max_length=20)
    regions: list[str] = Field(default_factory=list, max_length=50)
    certificate_number: str = Field(default="", max_length=100)
    organisation: str = Field(default="", max_length=200)
    trainings: list[TrainingIn] = Field(default_factory=list, max_length=100)


class BrokerCreateIn(BrokerIn):
    username: str | None = Field(
        default=None,
        max_length=150,
        description="the broker's sign-in (role broker); none for a person known by certificate",
    )


class TrainingOut(Schema):
    on: str
    course: str
    hours: str
    issuer: str


class TrackRecordOut(Schema):
    """Computed from the broker's leads each time, never typed in."""

    leads: int
    open: int
    dropped: int
    reached: dict[str, int] = Field(description="leads that reached each stage")
    registered_contracts: int
    total_amount: str = Field(description=f"成交额, {AMOUNT}")
    tech_amount: str = Field(description=f"技术交易额, {AMOUNT}")


class BrokerOut(Schema):
    id: int
    username: str | None
    name: str
    fields: list[str]
    regions: list[str]
    certificate_number: str
    organisation: str
    version: int
    trainings: list[TrainingOut]


class BrokerDetailOut(BrokerOut):
    track_record: TrackRecordOut


class BrokerListOut(Schema):
    items: list[BrokerOut]
    total: int


class FunnelColumnOut(Schema):
    key: str
    label: str
    label_en: str


class FunnelRowOut(Schema):
    key: str
    name: str
    proposed: int
    contacted: int
    negotiating: int
    signed: int
    registered: int
    total_amount: str = Field(description=f"成交额, {AMOUNT}")
    tech_amount: str = Field(description=f"技术交易额, {AMOUNT}")
    contact_rate: str | None = Field(description="percent, two places; none where the base is 0")
    sign_rate: str | None
    register_rate: str | None
    conversion: str | None


class FunnelOut(Schema):
    model_config = ConfigDict(populate_by_name=True)
    period: str
    from_: str = Field(alias="from")
    to: str
    by: str
    level: str | None
    region: str | None
    columns: list[FunnelColumnOut]
    rows: list[FunnelRowOut]
    total: FunnelRowOut
