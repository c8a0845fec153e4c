"""Routes of the market pages (included by web/urls.py under /market/)."""

from django.urls import path

from techmarket.web import listing_forms, listing_import, listing_pages, match_pages

urlpatterns = [
    path("", listing_pages.hall, name="market"),
    path("mine/", listing_pages.mine, name="market_mine"),
    path("review/", listing_pages.review_queue, name="market_review"),
    path("import/", listing_import.import_listings_page, name="market_import"),
    path("<str:kind_name>/new/", listing_forms.new_listing, name="listing_new"),
    path("<str:kind_name>/check/", listing_forms.check_listing, name="listing_check"),
    path("<str:kind_name>/suggest-field/", match_pages.suggest_field, name="listing_suggest_field"),
    path("<str:kind_name>/<int:listing_id>/", listing_pages.listing_page, name="listing"),
    path(
        "<str:kind_name>/<int:listing_id>/matches/",
        match_pages.listing_matches,
        name="listing_matches",
    ),
    path("<str:kind_name>/<int:listing_id>/edit/", listing_forms.edit_listing, name="listing_edit"),
    path(
        "<str:kind_name>/<int:listing_id>/act/<str:action>/",
        listing_pages.act,
        name="listing_act",
    ),
]
