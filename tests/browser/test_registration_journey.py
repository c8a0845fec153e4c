"""The whole registration in a real browser: sign-up, a mistake caught beside its field, an
attachment, submission, a correction request and its answer, registration, the certificate
and its public verification. Two people, two browser sessions, one live server."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import document
from tests.domain.builders import BUYER_ID, make_uscc
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Registrar-pass-2026"
SELLER_PASSWORD = "Seller-pass-2026"
NEW_USCC = make_uscc("440106", "MA7Q3R5T")
# The smallest well-formed PDF the attachment check accepts.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def tianhe_registrar(agencies):  # type: ignore[no-untyped-def]
    from techmarket.registry.users import save_user

    save_user("tianhe", role="registrar", agency_code="D440106", password=PASSWORD)
    return "tianhe"


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/home/")


def fill_contract(page, **values: str) -> None:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        selector = f"#id_{key}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def status_of(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".object-head .badge").inner_text()


def test_a_contract_goes_from_sign_up_to_a_verified_certificate(
    open_page, watch, tianhe_registrar, attachment_dir, tmp_path
):  # type: ignore[no-untyped-def]
    # A seller organisation signs itself up.
    seller = open_page()
    seller.goto("/")
    document(seller, "landing")
    seller.click("text=卖方单位注册")
    seller.fill("#id_name", "广州天河示例科技有限公司")
    seller.fill("#id_identifier", NEW_USCC)
    seller.fill("#id_region", "440106")
    seller.fill("#id_username", "tianhe_seller")
    seller.fill("#id_password", SELLER_PASSWORD)
    seller.fill("#id_password2", SELLER_PASSWORD)
    document(seller, "signup")
    seller.click("main form button[type=submit]")
    seller.wait_for_url("**/home/")
    document(seller, "seller-home")

    # It fills a contract with a mistake: the technology value above the turnover.
    seller.click("nav.mainnav >> text=新建合同")
    seller.wait_for_load_state()  # the live check (htmx) listens once deferred scripts ran
    assert seller.input_value("#id_seller_id") == NEW_USCC  # its own organisation, filled in
    fill_contract(
        seller,
        name="锂电池隔膜涂覆工艺技术开发合同",
        contract_type="development",
        subtype="commissioned",
        signed_on="2026-11-20",
        valid_from="2026-11-20",
        valid_to="2027-12-31",
        buyer_name="北京某理工大学",
        buyer_id=BUYER_ID,
        buyer_nature="022",
        buyer_region="110108",
        total_amount="500000",
        tech_amount="600000",
        payment_method="installments",
        tech_field="05",
        ip_type="00",
    )
    seller.locator("#id_tech_amount").blur()
    message = seller.locator("#msg-tech_amount .error-text")
    message.wait_for()
    assert "技术交易额" in message.inner_text()
    document(seller, "contract-form-live-check")

    # The message beside the field goes once the mistake is fixed; then the draft is saved.
    seller.fill("#id_tech_amount", "450000")
    seller.locator("#id_tech_amount").blur()
    seller.locator("#msg-tech_amount .error-text").wait_for(state="detached")
    seller.click("text=保存草稿")
    seller.wait_for_url(re.compile(r"/contracts/\d+/$"))
    contract_url = seller.url
    assert status_of(seller) == "草稿"

    # The signed contract is attached as a PDF, and the application submitted.
    document_path = tmp_path / "合同文本.pdf"
    document_path.write_bytes(PDF)
    seller.set_input_files("#attachment-file", str(document_path))
    seller.click("form.upload button[type=submit]")
    seller.locator("ul.files >> text=合同文本.pdf").wait_for()
    seller.click("button[data-action=submit]")
    assert status_of(seller) == "已提交"

    # The district registrar finds it in the queue, accepts it and asks for a correction.
    registrar = open_page()
    sign_in(registrar, tianhe_registrar, PASSWORD)
    document(registrar, "registrar-home")
    registrar.goto("/contracts/?queue=1")
    document(registrar, "registrar-queue")
    registrar.click("text=锂电池隔膜涂覆工艺技术开发合同")
    registrar.click("button[data-action=accept]")
    assert status_of(registrar) == "已受理"
    registrar.click("summary[data-action=request_correction]")
    registrar.check("input[name=fields][value=buyer_name]")
    registrar.fill("#note-request_correction", "买方名称须与合同签章页一致（全称）。")
    document(registrar, "registrar-contract")
    registrar.click("button[data-confirm-action=request_correction]")
    assert status_of(registrar) == "待补正"

    # The seller reads the request, sees the field at fault marked, corrects and resubmits.
    seller.goto(contract_url)
    assert "买方名称须与合同签章页一致" in seller.locator(".notice.correction").inner_text()
    seller.click("text=补正并重新提交")
    assert "at-fault" in (seller.get_attribute("#field-buyer_name", "class") or "")
    document(seller, "contract-correction")
    seller.fill("#id_buyer_name", "北京某理工大学（全称）")
    seller.click("text=提交补正")
    seller.wait_for_url(contract_url)
    assert status_of(seller) == "已受理"

    # The registrar registers it; the seller downloads the certificate.
    registrar.reload()
    assert "北京某理工大学（全称）" in registrar.locator("#changes").inner_text()
    registrar.click("button[data-action=register]")
    assert status_of(registrar) == "已登记"
    seller.reload()
    document(seller, "seller-contract-registered")
    seller.goto("/contracts/")
    document(seller, "seller-contracts")
    seller.goto(contract_url)
    with seller.expect_download() as download:
        seller.click("text=下载登记证明")
    certificate = pdf_text(open(download.value.path(), "rb").read())  # noqa: SIM115
    assert "锂电池隔膜涂覆工艺技术开发合同" in certificate

    # The QR code's address, opened by anyone, says the registration is valid.
    verify_path = re.search(r"/verify/[A-Za-z0-9_-]+", certificate)
    assert verify_path is not None, certificate
    public = open_page()
    public.goto(verify_path.group(0))
    assert "有效" in public.locator(".verdict").inner_text()
    watch.assert_clean()
