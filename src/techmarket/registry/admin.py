"""Read-only back-office views; every change goes through the services, never the admin forms."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from techmarket.domain.problems import DomainError
from techmarket.registry import calendar
from techmarket.registry.models import (
    AuditEvent,
    CalendarOverride,
    Certificate,
    Contract,
    IncomeDeclaration,
    Objection,
    Party,
)


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

    @admin.display(description="证件号", ordering="identifier")
    def masked_identifier(self, party: Party) -> str:
        return party.masked_identifier


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


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("contract", "raised_by", "raised_at", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("contract",)


@admin.register(IncomeDeclaration)
class IncomeDeclarationAdmin(ReadOnlyAdmin):
    list_display = (
        "contract",
        "year",
        "received_amount",
        "technical_income",
        "status",
        "declared_by",
        "decided_by",
    )
    list_filter = ("status", "year")
    list_select_related = ("contract",)


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ("day", "is_working_day", "note")
        help_texts = {
            "is_working_day": "勾选：上班（含调休的周末）；不勾选：放假",
            "note": "依据，如“国办发明电〔2026〕X号”（必填）",
        }

    def clean_note(self) -> str:
        try:
            return calendar.checked_note(self.cleaned_data.get("note") or "")
        except DomainError as error:
            raise ValidationError(f"{error.message} ({error.message_en})") from None


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """The yearly holiday arrangement may be entered here too, but it is saved by the services."""

    form = CalendarOverrideForm
    list_display = ("day", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("note",)
    date_hierarchy = "day"
    ordering = ("day",)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("day",) if obj else ()  # another day is another entry: remove and add

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        saved = calendar.set_day(obj.day, working=obj.is_working_day, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:  # type: ignore[no-untyped-def]
        calendar.remove_day(obj.day)

    def delete_queryset(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        for day in queryset.values_list("day", flat=True):
            calendar.remove_day(day)
