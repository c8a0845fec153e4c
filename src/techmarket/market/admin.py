"""Read-only back-office views of the listings; every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from techmarket.market.models import Achievement, Demand
from techmarket.registry.admin import ReadOnlyAdmin


@admin.register(Achievement)
class AchievementAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "title", "tech_field", "maturity", "region_code", "status")
    list_filter = ("status", "tech_field", "maturity")
    search_fields = ("external_id", "title", "holder_name")
    exclude = ("vector",)


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "title", "tech_field", "company_name", "region_code", "status")
    list_filter = ("status", "tech_field")
    search_fields = ("external_id", "title", "company_name")
    exclude = ("vector",)
