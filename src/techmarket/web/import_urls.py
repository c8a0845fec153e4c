"""Routes of the bulk import pages (included by web/urls.py under /imports/)."""

from django.urls import path

from techmarket.web import import_pages

urlpatterns = [
    path("", import_pages.imports, name="imports"),
    path("<int:job_id>/", import_pages.job_page, name="import_job"),
    path("<int:job_id>/progress/", import_pages.job_progress, name="import_progress"),
    path("<int:job_id>/problems.<str:format>", import_pages.job_report, name="import_problems"),
]
