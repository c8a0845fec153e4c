"""/market/funnel: the brokerage funnel (`stats.funnel`), the same report as
`techmarket market funnel --json`, of the leads the caller may read.
(No `from __future__ import annotations`: ninja reads the routes' annotations.)
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from techmarket.api.auth import actor_of
from techmarket.api.lead_schemas import FunnelOut
from techmarket.api.leads import ERRORS, plain
from techmarket.stats.funnel import funnel

router = Router(tags=["market"])


class FunnelQuery(Schema):
    period: str = Field(
        max_length=40, description="2025, 2025H1, 2025Q1, 2025-03, 2025YTD06 or FROM..TO"
    )
    by: Literal["field", "region", "broker", "month"] = Field(default="field")
    level: Literal["province", "city", "county"] = Field(
        default="city", description="with by=region: the level regions roll up to"
    )
    region: str | None = Field(
        default=None,
        max_length=6,
        description="GB/T 2260 code; agency staff: within their jurisdiction (default: it all)",
    )


@router.get(
    "/market/funnel",
    response={200: FunnelOut, **ERRORS},
    by_alias=True,
    summary="The brokerage funnel",
    operation_id="market_funnel",
)
def market_funnel(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    """Leads proposed → contacted → negotiating → signed → registered contracts, their 成交额
    and 技术交易额, and the conversion rates, per group and in total. Each stage counts in the
    period the lead reached it."""
    report = funnel(
        actor_of(request), query.period, by=query.by, level=query.level, region=query.region
    )
    return plain(report.as_dict())
