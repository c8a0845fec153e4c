"""The contract pages over the same services and access rules as the API: lists, the contract
page and its workflow dialogs, batch steps, the live check, export and the frame."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from techmarket.registry import services
from techmarket.registry.models import Contract
from techmarket.registry.selectors import correction_request
from tests.domain.builders import valid_record, valid_row
from tests.registry.flow import registered, submitted

pytestmark = pytest.mark.django_db


def version(contract: Contract) -> str:
    return str(Contract.objects.get(pk=contract.pk).version)


@pytest.fixture
def waiting(seller, agencies, now):  # type: ignore[no-untyped-def]
    return submitted(
        seller, agencies["city"], now, external_id="WEB-1", name="网页测试技术开发合同"
    )


def test_a_visitor_sees_the_landing_page_and_is_sent_to_sign_in_for_contracts(client):
    assert "登录" in client.get("/").content.decode()
    response = client.get("/contracts/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_registrar_finds_a_waiting_contract_in_the_queue(browser_as, registrar, waiting):
    page = browser_as(registrar).get("/contracts/?queue=1").content.decode()
    assert "网页测试技术开发合同" in page
    assert f'href="/contracts/{waiting.pk}/"' in page


def test_names_in_the_queue_are_shown_as_text_never_as_markup(
    browser_as, registrar, seller, agencies, now
):
    submitted(
        seller, agencies["city"], now, external_id="WEB-X", name='<b>加粗</b> & "引号" 技术开发合同'
    )
    page = browser_as(registrar).get("/contracts/?queue=1").content.decode()
    assert "&lt;b&gt;加粗&lt;/b&gt; &amp; &quot;引号&quot; 技术开发合同" in page
    assert "<b>加粗</b>" not in page


def test_out_of_reach_reads_as_absent_on_the_contract_page(
    browser_as, other_district_registrar, outsider, waiting
):
    for persona in (other_district_registrar, outsider):
        response = browser_as(persona).get(f"/contracts/{waiting.pk}/")
        assert response.status_code == 404
        assert "找不到" in response.content.decode()


def test_a_seller_lists_only_its_own_contracts(browser_as, outsider, waiting):
    page = browser_as(outsider).get("/contracts/").content.decode()
    assert "网页测试技术开发合同" not in page


def test_the_contract_page_offers_only_the_steps_the_reader_may_take(
    browser_as, registrar, seller, waiting
):
    as_registrar = browser_as(registrar).get(f"/contracts/{waiting.pk}/").content.decode()
    assert 'data-action="accept"' in as_registrar
    assert 'data-action="submit"' not in as_registrar
    as_seller = browser_as(seller).get(f"/contracts/{waiting.pk}/").content.decode()
    assert 'data-action="accept"' not in as_seller
    assert 'data-action="withdraw"' in as_seller


def test_a_correction_request_names_the_fields_and_the_sellers_form_marks_them(
    browser_as, registrar, seller, waiting, now
):
    services.accept(waiting.pk, actor=registrar, now=now)
    client = browser_as(registrar)
    response = client.post(
        f"/contracts/{waiting.pk}/act/request_correction/",
        {
            "note": "买方名称不全",
            "fields": ["buyer_name", "tech_amount"],
            "version": version(waiting),
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert correction_request(waiting)["fields"] == ["tech_amount", "buyer_name"]
    form = browser_as(seller).get(f"/contracts/{waiting.pk}/edit/").content.decode()
    assert re.search(r'class="field at-fault" id="field-buyer_name"', form)
    assert not re.search(r'class="field at-fault" id="field-name"', form)


def test_a_step_refused_by_the_service_keeps_what_was_typed(browser_as, registrar, waiting, now):
    services.accept(waiting.pk, actor=registrar, now=now)
    response = browser_as(registrar).post(
        f"/contracts/{waiting.pk}/act/request_correction/",
        {"note": "  ", "version": version(waiting)},
    )
    assert response.status_code == 422
    assert "须说明需补正的内容" in response.content.decode()
    assert Contract.objects.get(pk=waiting.pk).status == "accepted"


def test_a_stale_page_cannot_overwrite_a_newer_step(browser_as, registrar, waiting, now):
    services.accept(waiting.pk, actor=registrar, now=now)
    response = browser_as(registrar).post(
        f"/contracts/{waiting.pk}/act/refuse/", {"reason": "R02", "note": "x", "version": "1"}
    )
    assert response.status_code == 409
    assert Contract.objects.get(pk=waiting.pk).status == "accepted"


def test_batch_accept_takes_each_contract_as_its_own_step(
    browser_as, registrar, seller, agencies, waiting, now
):
    second = submitted(seller, agencies["city"], now, external_id="WEB-2", name="第二份合同")
    done = registered(seller, registrar, agencies["city"], now, external_id="WEB-3")
    response = browser_as(registrar).post(
        "/contracts/batch/",
        {"action": "accept", "ids": [waiting.pk, second.pk, done.pk], "next": "/contracts/"},
        follow=True,
    )
    statuses = dict(
        Contract.objects.filter(pk__in=[waiting.pk, second.pk]).values_list("pk", "status")
    )
    assert set(statuses.values()) == {"accepted"}
    page = response.content.decode()
    assert "已处理 2 份合同" in page and f"#{done.pk}" in page
    accepts = [e.action for c in (waiting, second) for e in c.events.all()]
    assert accepts.count("accept") == 2


def test_the_live_check_puts_the_import_message_beside_the_field(browser_as, seller):
    response = browser_as(seller).post(
        "/contracts/check/", valid_row(total_amount="500000", tech_amount="600000")
    )
    part = response.content.decode()
    message = re.search(r'<p class="field-msg" id="msg-tech_amount"[^>]*>(.*?)</p>', part, re.S)
    assert message and "技术交易额" in message.group(1)
    assert 'hx-swap-oob="true"' in part
    clean = browser_as(seller).post("/contracts/check/", valid_row()).content.decode()
    assert "error-text" not in clean


def test_a_seller_saves_a_draft_from_the_form_and_a_mistake_saves_nothing(browser_as, seller):
    client = browser_as(seller)
    wrong = client.post("/contracts/new/", valid_row(tech_amount="2000000", idempotency_key="a"))
    assert wrong.status_code == 422 and Contract.objects.count() == 0
    assert 'value="2000000"' in wrong.content.decode()  # what was typed is kept
    saved = client.post("/contracts/new/", valid_row(idempotency_key="b"))
    again = client.post("/contracts/new/", valid_row(idempotency_key="b"))  # a double click
    assert saved.status_code == again.status_code == 302
    assert Contract.objects.filter(status="draft").count() == 1


def test_the_export_holds_exactly_the_filtered_contracts(
    browser_as, registrar, seller, agencies, waiting, now
):
    registered(seller, registrar, agencies["city"], now, external_id="WEB-9")
    response = browser_as(registrar).get("/contracts/?status=submitted&format=xlsx")
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "网页测试技术开发合同" in rows[1]


def test_a_bad_filter_is_explained_not_crashed(browser_as, registrar):
    response = browser_as(registrar).get("/contracts/?due_within=abc")
    assert response.status_code == 400
    assert "工作日" in response.content.decode()


def test_the_to_do_counts_what_waits_and_what_is_due(browser_as, registrar, waiting, now):
    waiting.deadline = now.date() - timedelta(days=1)
    waiting.save(update_fields=["deadline"])
    page = browser_as(registrar).get("/home/").content.decode()
    assert "已超期" in page and "网页测试技术开发合同" in page


def test_pages_carry_no_inline_script_or_style(browser_as, registrar, waiting):
    client = browser_as(registrar)
    for url in ("/home/", "/contracts/", f"/contracts/{waiting.pk}/", "/login/", "/signup/"):
        response = client.get(url)
        html = response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html, url


def test_the_language_switch_turns_the_pages_english(browser_as, registrar):
    client = browser_as(registrar)
    client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    page = client.get("/home/").content.decode()
    assert "Waiting for you" in page and 'lang="en"' in page


def test_an_unknown_page_is_the_house_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "回到首页" in response.content.decode()


def test_a_notice_shows_in_the_frame_and_opens_its_contract(
    browser_as, registrar, seller, agencies, now
):
    from techmarket.registry.notices import collect

    collect(now, now.date())
    contract = submitted(seller, agencies["city"], now, external_id="WEB-N")
    collect(now, now.date())
    client = browser_as(registrar)
    frame = client.get("/home/").content.decode()
    assert re.search(r'class="bell">提醒 <span class="count">1</span>', frame)
    assert "新申请待受理" in client.get("/notices/").content.decode()
    notice = contract.notices.get()
    opened = client.post("/notices/read/", {"notice": notice.pk, "contract": contract.pk})
    assert opened["Location"] == f"/contracts/{contract.pk}/"
    assert 'class="bell">提醒</a>' in client.get("/home/").content.decode()


def test_a_draft_shows_the_check_list_with_the_missing_contract_text(
    browser_as, seller, agencies, now
):
    contract = services.create_draft(
        valid_record(),
        agency=agencies["city"],
        actor=seller,
        now=now,
    )
    page = browser_as(seller).get(f"/contracts/{contract.pk}/").content.decode()
    assert "提交前检查" in page and "请上传签章后的合同文本" in page


def test_an_oversized_attachment_is_refused_with_a_message_not_a_server_error(
    seller, agencies, now, settings, attachment_dir
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.ATTACHMENT_MAX_BYTES = 1024
    contract = services.create_draft(valid_record(), agency=agencies["city"], actor=seller, now=now)
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="seller"))
    page = client.get(f"/contracts/{contract.pk}/")
    token = page.cookies["csrftoken"].value
    big = SimpleUploadedFile(
        "合同.pdf", b"%PDF-1.4\n" + b"0" * 200_000, content_type="application/pdf"
    )
    response = client.post(
        f"/contracts/{contract.pk}/attachments/",
        {"csrfmiddlewaretoken": token, "file": big},
        follow=True,
    )
    assert response.status_code == 200
    assert contract.attachments.count() == 0
    assert "flash-error" in response.content.decode()


def test_a_seller_prints_a_registration_list_of_chosen_contracts(
    browser_as, seller, registrar, agencies, now
):
    from tests.pdf_text import pdf_text

    one = registered(seller, registrar, agencies["city"], now, external_id="L-1")
    two = registered(seller, registrar, agencies["city"], now, external_id="L-2")
    client = browser_as(seller)
    listed = client.post(
        "/contracts/batch/", {"action": "batch_list", "ids": [one.pk, two.pk]}, follow=True
    )
    assert listed["Content-Type"] == "application/pdf"
    text = pdf_text(listed.content)
    assert one.registration_number in text and two.registration_number in text


def test_the_flagged_filter_keeps_contracts_with_a_risk_flag_and_names_it(
    browser_as, registrar, seller, agencies, now
):
    plain = submitted(seller, agencies["city"], now, external_id="F-1", name="普通合同")
    abroad = submitted(
        seller,
        agencies["city"],
        now,
        external_id="F-2",
        name="出口合同",
        buyer_country="DEU",
        buyer_region="",
        buyer_id="",
        buyer_nature="900",
    )
    Contract.objects.filter(pk=plain.pk).update(risk_flags=[])
    assert "technology_export" in abroad.risk_flags
    page = browser_as(registrar).get("/contracts/?flagged=1").content.decode()
    assert "出口合同" in page and "普通合同" not in page
    detail = browser_as(registrar).get(f"/contracts/{abroad.pk}/").content.decode()
    assert "技术出口" in detail
    assert "name_type_mismatch" not in detail  # a warning reads as its message, not its code


def test_the_form_explains_the_five_contract_types_and_starts_with_the_sellers_own_details(
    browser_as, seller
):
    form = browser_as(seller).get("/contracts/new/").content.decode()
    assert "五类合同怎么选" in form and "尚未掌握" in form
    assert 'value="广州新锂科技有限公司"' in form and "readonly" in form
