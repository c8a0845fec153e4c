"""Read-only back-office views; every change goes through the services, never the admin forms."""

from __future__ import annotations

from django.contrib import admin

from techmarket.registry.models import AuditEvent, Certificate, Contract, Party


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = (
        "registration_number",
        "name",
        "contract_type",
        "seller_name",
        "total_amount",
        "tech_amount",
        "status",
        "registered_on",
        "agency",
    )
    list_filter = ("status", "contract_type", "tech_field", "agency", "is_large")
    search_fields = ("registration_number", "name", "seller_name", "buyer_name", "external_id")
    date_hierarchy = "registered_on"
    list_select_related = ("agency",)
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "from_status", "to_status", "contract_id")
    list_filter = ("action",)
    show_full_result_count = False


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_identifier", "nature", "region_code", "country")
    search_fields = ("name", "identifier")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = (
        "registration_number",
        "verification_code",
        "tech_amount",
        "issued_at",
        "superseded_at",
    )
    search_fields = ("registration_number", "verification_code")
