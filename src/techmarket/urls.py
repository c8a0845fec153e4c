"""URL routes: the REST API under /api/v1/, the back office (Django admin)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from techmarket.api.app import api

admin.site.site_header = "技术市场平台 techmarket"
admin.site.site_title = "techmarket"

urlpatterns = [
    path("", include("techmarket.web.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
