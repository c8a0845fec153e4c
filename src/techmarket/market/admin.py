"""Read-only back-office views of listings, brokers and leads; every change goes through the
services."""

from __future__ import annotations

from django.contrib import admin

from techmarket.market.models import Achievement, BrokerProfile, Demand, Lead, Training
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


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(BrokerProfile)
class BrokerProfileAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "fields", "regions", "certificate_number")
    search_fields = ("name", "certificate_number", "user__username")
    inlines = (TrainingInline,)


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("pk", "achievement", "demand", "broker", "status", "region_code", "contract")
    list_filter = ("status", "tech_field")
    search_fields = ("achievement__external_id", "demand__external_id", "broker__name")
