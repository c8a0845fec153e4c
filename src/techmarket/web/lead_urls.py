"""Routes of the lead, broker and funnel pages (included by web/urls.py under /market/, before
the listing routes, whose `<kind>/…` patterns would otherwise take `leads/…`)."""

from django.urls import path

from techmarket.web import broker_pages, funnel_pages, lead_pages

urlpatterns = [
    path("leads/", lead_pages.board, name="lead_board"),
    path("leads/new/", lead_pages.propose, name="lead_new"),
    path("leads/<int:lead_id>/", lead_pages.lead_page, name="lead"),
    path("leads/<int:lead_id>/act/<str:action>/", lead_pages.act, name="lead_act"),
    path("brokers/", broker_pages.directory, name="brokers"),
    path("brokers/<int:broker_id>/", broker_pages.profile, name="broker"),
    path("funnel/", funnel_pages.funnel_page, name="funnel"),
]
