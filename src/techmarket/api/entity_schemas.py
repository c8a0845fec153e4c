"""Shapes of the innovation-entity register's read endpoints (api/entities.py)."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import ConfigDict, Field


class RecognitionOut(Schema):
    id: int
    party_id: int
    name: str
    uscc: str | None
    region: str = Field(description="the organisation's current district (GB/T 2260)")
    region_name: str
    kind: str
    kind_name: str
    kind_name_en: str
    level: str
    number: str
    batch: str
    granted_on: date | None
    valid_to: date | None
    valid_to_printed: bool
    revoked_on: date | None
    status: str = Field(description="as of the day asked: recognised, expired, revoked, not_yet")
    version: int


class RecognitionPageOut(Schema):
    items: list[RecognitionOut]
    next_cursor: str | None
    limit: int
    sort: str


class ExpiringOut(RecognitionOut):
    days_left: int | None
    renewed: bool = Field(description="a later recognition of the same kind exists already")


class ExpiringPageOut(Schema):
    items: list[ExpiringOut]
    next_cursor: str | None
    limit: int
    sort: str


class RegionSpanOut(Schema):
    region: str
    region_name: str
    valid_from: date | None = Field(description="null: since before the register knew")


class FormerNameOut(Schema):
    name: str
    until: date | None


class CandidateOut(Schema):
    id: int
    party_id: int
    name: str
    uscc: str | None
    kind: str
    round: str
    year: int
    district: str
    district_name: str
    stage: str
    moves: list[str] = Field(description="the stages this candidate may move to")
    note: str
    recognition_id: int | None
    version: int


class ResidencyOut(Schema):
    id: int
    party_id: int = Field(description="the other side: the resident, or the carrier")
    name: str
    uscc: str | None
    entered_on: date
    left_on: date | None
    exit_reason: str


class ContractTotalsOut(Schema):
    registered: int
    total_amount: str
    tech_amount: str


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str | None
    nature: str
    region: str
    region_name: str
    industry: str
    as_of: date
    regions: list[RegionSpanOut]
    former_names: list[FormerNameOut]
    recognitions: list[RecognitionOut]
    candidacies: list[CandidateOut]
    residents: list[ResidencyOut] = Field(description="as carrier (incubator, maker space)")
    residencies: list[ResidencyOut] = Field(description="as resident enterprise")
    contracts: ContractTotalsOut = Field(description="registered contracts as seller")


class StageColumnOut(Schema):
    stage: str
    label: str
    label_en: str
    total: int
    items: list[CandidateOut] = Field(description="at most 100 a stage")


class RoundOut(Schema):
    round: str
    year: int
    candidates: int


class DistrictStagesOut(Schema):
    district: str
    district_name: str
    candidate: int
    applied: int
    recognised: int
    dropped: int
    total: int


class BoardOut(Schema):
    round: str
    rounds: list[RoundOut]
    district: str
    columns: list[StageColumnOut]
    by_district: list[DistrictStagesOut]


class YieldOut(Schema):
    round: str
    year: int
    district: str
    district_name: str
    candidates: int
    applied: int
    recognised: int
    dropped: int
    applied_rate: float | None = Field(description="applied of candidates, %")
    recognised_rate: float | None = Field(description="recognised of applied, %")
    yield_rate: float | None = Field(description="recognised of candidates, %")


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")
    stage: str = Field(description="applied, recognised or dropped", max_length=20)
