"""The register of brokers (技术经纪人) as pages: a directory filtered by field and region, and
one broker's profile with training records and the track record their leads make
(`lead_selectors.track_record`, computed each time, never typed in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from techmarket.codes.lists import code_list
from techmarket.codes.regions import full_name
from techmarket.market import lead_selectors
from techmarket.market.models import BrokerProfile
from techmarket.web.access import with_actor


def _shown(broker: BrokerProfile) -> dict[str, object]:
    fields = code_list("tech_fields")
    return {
        "broker": broker,
        "fields": [(code, fields.name_of(code)) for code in broker.field_codes],
        "regions": [(code, full_name(code)) for code in broker.region_codes],
    }


@require_safe
@with_actor
def directory(request: HttpRequest) -> HttpResponse:
    """技术经纪人: every signed-in user may look a broker up, by field and region served."""
    field = (request.GET.get("field") or "")[:10]
    region = (request.GET.get("region") or "")[:6]
    brokers = lead_selectors.list_brokers(field=field or None, region=region or None)
    return render(
        request,
        "web/market/brokers.html",
        {
            "rows": [_shown(b) for b in brokers],
            "field": field,
            "region": region,
            "fields": code_list("tech_fields"),
        },
    )


@require_safe
@with_actor
def profile(request: HttpRequest, broker_id: int) -> HttpResponse:
    broker = lead_selectors.get_broker(broker_id)
    return render(
        request,
        "web/market/broker.html",
        {
            **_shown(broker),
            "trainings": list(broker.trainings.order_by("on", "pk")),
            "record": lead_selectors.track_record(broker),
        },
    )
