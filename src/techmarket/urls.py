"""URL routes: the pages, the REST API under /api/v1/, the back office (Django admin)."""

from django.contrib import admin
from django.urls import include, path

from techmarket.api.app import api

admin.site.site_header = "技术市场平台 techmarket"
admin.site.site_title = "techmarket"

urlpatterns = [
    path("", include("techmarket.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "techmarket.web.errors.forbidden"
handler404 = "techmarket.web.errors.not_found"
handler500 = "techmarket.web.errors.server_error"
