"""Routes of the browser front end."""

from django.urls import include, path

from techmarket.registry.certificates import VERIFY_PATH
from techmarket.web import (
    account_pages,
    bureau_pages,
    contract_forms,
    contract_lists,
    contract_pages,
    file_pages,
    income_pages,
    notice_pages,
    pages,
    stats_pages,
    target_pages,
    views,
)

app_name = "web"

urlpatterns = [
    path("", pages.landing, name="landing"),
    path("home/", pages.home, name="home"),
    path("login/", account_pages.login_view, name="login"),
    path("logout/", account_pages.logout_view, name="logout"),
    path("password/", account_pages.password_change, name="password_change"),
    path("password/done/", account_pages.password_change_done, name="password_change_done"),
    path("signup/", account_pages.signup, name="signup"),
    path("organisation/", account_pages.organisation, name="organisation"),
    path("overview/", bureau_pages.bureau, name="bureau"),
    path("stats/", stats_pages.statistics, name="stats"),
    path("stats/agencies/", stats_pages.agencies, name="stats_agencies"),
    path("targets/", target_pages.targets, name="targets"),
    path("notices/", notice_pages.notices, name="notices"),
    path("notices/read/", notice_pages.read, name="notices_read"),
    path("agency/", include("techmarket.web.agency_urls")),
    path("contracts/", contract_lists.contracts, name="contracts"),
    path("contracts/new/", contract_forms.new_contract, name="contract_new"),
    path("contracts/check/", contract_forms.check_contract, name="contract_check"),
    path(
        "contracts/new/from-document/",
        contract_forms.prefill_from_document,
        name="contract_prefill",
    ),
    path("contracts/batch/", contract_pages.batch, name="batch"),
    path(
        "batch-lists/<int:batch_list_id>.pdf",
        contract_pages.batch_list_pdf,
        name="batch_list_pdf",
    ),
    path("contracts/<int:contract_id>/", contract_pages.contract_page, name="contract"),
    path(
        "contracts/<int:contract_id>/precheck/",
        contract_pages.contract_precheck,
        name="contract_precheck",
    ),
    path("contracts/<int:contract_id>/edit/", contract_forms.edit_contract, name="contract_edit"),
    path("contracts/<int:contract_id>/act/<str:action>/", contract_pages.act, name="act"),
    path("contracts/<int:contract_id>/attachments/", file_pages.attach, name="attach"),
    path(
        "contracts/<int:contract_id>/attachments/<int:attachment_id>/",
        file_pages.attachment,
        name="attachment",
    ),
    path(
        "contracts/<int:contract_id>/certificate.pdf",
        file_pages.certificate,
        name="certificate",
    ),
    path("contracts/<int:contract_id>/income/", income_pages.declare, name="income_declare"),
    path(
        "contracts/<int:contract_id>/income/<int:declaration_id>/<str:decision>/",
        income_pages.decide,
        name="income_decide",
    ),
    path("contracts/<int:contract_id>/income-sheet.pdf", income_pages.sheet, name="income_sheet"),
    path("imports/", include("techmarket.web.import_urls")),
    path("market/", include("techmarket.web.lead_urls")),
    path("market/", include("techmarket.web.market_urls")),
    path("entities/", include("techmarket.web.entity_urls")),
    # The printed QR codes open this address: its path is fixed with the certificate.
    path(f"{VERIFY_PATH.strip('/')}/<str:code>", views.verify, name="verify"),
]
