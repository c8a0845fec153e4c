"""The certificate's PDF is drawn from plain data: the amounts twice, the QR code to the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import segno

from techmarket.exports.certificate import (
    BatchListData,
    BatchRow,
    CertificateData,
    PartyLine,
    batch_list_html,
    certificate_html,
    certificate_pdf,
    qr_data_uri,
)
from tests.pdf_text import needs_pdftotext, pdf_text

URL = "https://jsht.example.gov.cn/verify/0123456789ABCDEF"


def _data(**changes: object) -> CertificateData:
    values: dict[str, object] = {
        "registration_number": "2025440100000001",
        "verification_code": "0123456789ABCDEF",
        "verify_url": URL,
        "contract_name": "锂电池正极材料制备工艺技术开发合同",
        "contract_type": "技术开发",
        "subtype": "委托开发",
        "tech_field": "先进制造",
        "total_amount": Decimal("1234567.80"),
        "tech_amount": Decimal("1034567.80"),
        "seller": PartyLine("广州新锂科技有限公司", "91440106MA5D0K2P1X"),
        "buyer": PartyLine("张<三>", "110108********123X"),
        "agency_name": "广州市技术合同登记处",
        "registered_on": date(2025, 6, 17),
        "issued_on": date(2025, 6, 17),
        "tax_items": ("免征增值税",),
    }
    return CertificateData(**{**values, **changes})  # type: ignore[arg-type]


def test_the_qr_code_encodes_the_verify_url_and_nothing_else():
    html = certificate_html(_data())
    assert qr_data_uri(URL) in html
    assert qr_data_uri(URL) == segno.make(URL, error="m", micro=False).svg_data_uri(border=2)
    assert qr_data_uri(URL) != qr_data_uri(URL.replace("CDEF", "CDEE"))


def test_values_are_escaped_and_no_outside_resource_is_named():
    html = certificate_html(_data())
    assert "张&lt;三&gt;" in html and "张<三>" not in html
    assert "http" not in html.replace(URL, "").replace("http%3A%2F%2Fwww.w3.org", "")


def test_a_batch_list_totals_the_technology_amounts_in_capitals():
    rows = tuple(
        BatchRow(
            f"20254401000000{i:02d}", "合同", "买方", date(2025, 6, 17), Decimal(10), Decimal(5)
        )
        for i in range(3)
    )
    html = batch_list_html(
        BatchListData("LABC", URL, PartyLine("卖方", ""), False, date(2025, 7, 1), rows)
    )
    assert "15.00 元" in html and "壹拾伍元整" in html
    assert "已作废" not in html


@needs_pdftotext
def test_the_pdf_shows_the_number_and_both_amounts_in_figures_and_capitals():
    text = pdf_text(certificate_pdf(_data()))
    assert "2025440100000001" in text
    assert "1,234,567.80 元" in text and "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整" in text
    assert "1,034,567.80 元" in text and "壹佰零叁万肆仟伍佰陆拾柒元捌角整" in text
    assert "110108********123X" in text
    assert "已注销" not in text


@needs_pdftotext
def test_a_cancelled_registrations_certificate_says_so():
    assert "已注销" in pdf_text(certificate_pdf(_data(cancelled=True)))
