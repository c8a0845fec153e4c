"""Routes of the innovation-entity register's pages (included by web/urls.py under /entities/)."""

from django.urls import path

from techmarket.web import entity_pages

urlpatterns = [
    path("", entity_pages.recognitions, name="entities"),
    path("expiring/", entity_pages.expiring, name="entity_expiring"),
    path("candidates/", entity_pages.candidates, name="entity_candidates"),
    path("candidates/<int:candidate_id>/stage/", entity_pages.move, name="entity_stage"),
    path("organisations/<str:key>/", entity_pages.organisation, name="entity_organisation"),
    path(
        "organisations/<str:key>/move/",
        entity_pages.organisation_move,
        name="entity_organisation_move",
    ),
    path(
        "organisations/<str:key>/revoke/",
        entity_pages.organisation_revoke,
        name="entity_organisation_revoke",
    ),
]
