"""Agency administration in the back office."""

from django.contrib import admin

from techmarket.accounts.models import Agency, Profile


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "region_code", "parent", "number_format")
    search_fields = ("code", "name", "region_code")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "party")
    list_filter = ("role", "agency")
