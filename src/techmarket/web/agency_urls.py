"""Routes of the agency administrator's pages (included under /agency/ in the web namespace)."""

from django.urls import path

from techmarket.web import agency_pages

urlpatterns = [
    path("users/", agency_pages.users, name="agency_users"),
    path("users/new/", agency_pages.user_new, name="agency_user_new"),
    path("users/<str:username>/", agency_pages.user, name="agency_user"),
    path("users/<str:username>/active/", agency_pages.user_active, name="agency_user_active"),
    path("users/<str:username>/password/", agency_pages.user_password, name="agency_user_password"),
    path("calendar/", agency_pages.calendar, name="agency_calendar"),
    path("calendar/set/", agency_pages.calendar_set, name="agency_calendar_set"),
    path("calendar/remove/", agency_pages.calendar_remove, name="agency_calendar_remove"),
    path("settings/", agency_pages.settings, name="agency_settings"),
    path("settings/preview/", agency_pages.settings_preview, name="agency_settings_preview"),
]
