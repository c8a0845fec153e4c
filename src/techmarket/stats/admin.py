"""Read-only back-office views of plans and entered figures; changes go through the services."""

from __future__ import annotations

from django.contrib import admin

from techmarket.registry.admin import ReadOnlyAdmin
from techmarket.stats.models import EnteredActual, IndicatorValue, StoredPlan


@admin.register(StoredPlan)
class StoredPlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "imported_at", "imported_by")


@admin.register(EnteredActual)
class EnteredActualAdmin(ReadOnlyAdmin):
    list_display = (
        "plan_code",
        "indicator",
        "period",
        "value",
        "entered_by",
        "entered_at",
        "superseded_at",
    )
    list_filter = ("plan_code", "indicator")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "region_code", "year", "value", "unit", "entered_at")
    list_filter = ("indicator", "year")
