"""Request and response shapes of /achievements and /demands (the fields of domain.listings)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from techmarket.api.schemas import ProblemItem
from techmarket.domain.listings import FIELDS, KIND_LABELS

_DOC = "A listing's fields as in docs/market.md: text, codes or their names, amounts as strings."


def record_in(kind: str) -> Any:
    """One optional string per field of the kind; unknown keys are refused, not ignored."""
    name = f"{kind.title()}RecordIn"
    return create_model(  # type: ignore[call-overload]
        name,
        __config__=ConfigDict(extra="forbid", title=name),
        __doc__=f"{KIND_LABELS[kind][0]}: {_DOC}",
        **{
            f.key: (str | None, Field(default=None, description=f.label_zh, max_length=5000))
            for f in FIELDS[kind]
        },
    )


AchievementRecordIn = record_in("achievement")
DemandRecordIn = record_in("demand")


class ListingActionIn(Schema):
    """A return's note (required), or a close's (optional); other steps take none."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000)


class ListingStepOut(Schema):
    id: int
    external_id: str
    status: str
    version: int


class ListingOut(Schema):
    """One listing of a list: what a result row shows."""

    id: int
    external_id: str
    title: str
    status: str
    tech_field: str
    region: str
    owner: str | None = Field(description="the publishing organisation")
    published_at: str | None
    updated_at: str
    version: int


class ListingPageOut(Schema):
    items: list[ListingOut]
    total: int
    page: int
    limit: int
    pages: int


class ListingActionOut(Schema):
    action: str
    label_zh: str
    label_en: str


class ListingDetailOut(Schema):
    id: int
    kind: str
    external_id: str
    status: str
    version: int
    agency: str | None = Field(description="the reviewing agency's code")
    owner: str | None
    note: str = Field(description="the reviewer's note of a return, or a close's")
    published_at: str | None
    created_at: str
    updated_at: str
    record: dict[str, str] = Field(description="every field in the import format")
    actions: list[ListingActionOut] = Field(description="the steps the caller may take now")


class ListingImportOut(Schema):
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    committed: bool
    problems: list[ProblemItem]
