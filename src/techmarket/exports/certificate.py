"""The registration certificate (技术合同登记证明) and the batch list (登记清单) as PDF.

Plain data in, PDF bytes out; no database. Every value is escaped into HTML that WeasyPrint
lays out with the local Noto CJK fonts (Debian `fonts-noto-cjk`, named by family only). The QR
code is an SVG data URI made by segno, and the fetcher refuses anything but data URIs, so a
certificate never reaches for a file or the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from techmarket.domain.money import amount_in_capitals


@dataclass(frozen=True)
class PartyLine:
    """A party as printed: its name and identifier (a person's ID already masked)."""

    name: str
    identifier: str


@dataclass(frozen=True)
class CertificateData:
    registration_number: str
    verification_code: str
    verify_url: str
    contract_name: str
    contract_type: str  # names, not codes: 技术开发 / 委托开发 / 先进制造
    subtype: str
    tech_field: str
    total_amount: Decimal
    tech_amount: Decimal
    seller: PartyLine
    buyer: PartyLine
    agency_name: str
    registered_on: date
    issued_on: date
    tax_items: tuple[str, ...]
    cancelled: bool = False


@dataclass(frozen=True)
class BatchRow:
    registration_number: str
    contract_name: str
    buyer_name: str
    registered_on: date
    total_amount: Decimal
    tech_amount: Decimal


@dataclass(frozen=True)
class BatchListData:
    verification_code: str
    verify_url: str
    seller: PartyLine
    is_large: bool
    created_on: date
    rows: tuple[BatchRow, ...]
    void: bool = False  # a listed contract's registration was cancelled


STYLE = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 10.5pt;
       color: #111; }
h1 { font-size: 22pt; text-align: center; letter-spacing: 6pt; margin: 0 0 2mm; }
.sub { text-align: center; color: #555; margin: 0 0 6mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #666; padding: 2mm 2.5mm; vertical-align: top; }
th { background: #f1f3f6; width: 32mm; text-align: left; font-weight: bold; }
.list { font-size: 8.5pt; }
.list th { width: auto; white-space: nowrap; }
.list td { padding: 1.5mm; }
td.n { text-align: right; white-space: nowrap; }
.capitals { display: block; color: #333; font-size: 9.5pt; }
table.foot { margin-top: 8mm; }
table.foot td { border: none; padding: 0; vertical-align: bottom; }
td.qr { width: 34mm; text-align: right; }
td.qr img { width: 32mm; height: 32mm; }
.verify { font-size: 8.5pt; color: #333; }
.void { border: 2px solid #b00; color: #b00; text-align: center; font-size: 16pt;
        font-weight: bold; padding: 2mm; margin-bottom: 4mm; }
.watermark { position: fixed; top: 110mm; left: 10mm; width: 160mm; text-align: center;
             font-size: 80pt; color: rgba(187, 0, 0, 0.18); transform: rotate(-30deg); }
"""


def yuan_figures(amount: Decimal) -> str:
    """An amount in figures as printed: thousands separators, two decimals, the unit."""
    return f"{amount:,.2f} 元"


def qr_data_uri(url: str) -> str:
    """The QR code for `url` as an SVG data URI (medium error correction survives a smudge)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(border=2)


def _amount(amount: Decimal) -> str:
    return (
        f"{escape(yuan_figures(amount))}"
        f"<span class='capitals'>大写：{escape(amount_in_capitals(amount))}</span>"
    )


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    """Table rows of a label and an already escaped value."""
    return "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in pairs)


def _party(party: PartyLine) -> str:
    identifier = f"<br>{escape(party.identifier)}" if party.identifier else ""
    return escape(party.name) + identifier


def _footer(url: str, code: str, issued: str) -> str:
    return (
        f"<table class='foot'><tr><td class='verify'>{issued}"
        f"<p>验证码 Verification code：{escape(code)}<br>"
        f"扫码或访问以下网址核验 Scan or visit to verify：<br>{escape(url)}</p></td>"
        f"<td class='qr'><img src='{escape(qr_data_uri(url))}' alt='{escape(url)}'></td>"
        "</tr></table>"
    )


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def certificate_html(data: CertificateData) -> str:
    contract_type = data.contract_type + (f"（{data.subtype}）" if data.subtype else "")
    tax_items = "；".join(data.tax_items) if data.tax_items else "无"
    void = (
        "<div class='void'>已注销 CANCELLED</div><div class='watermark'>已注销</div>"
        if data.cancelled
        else ""
    )
    table = _rows(
        [
            ("登记编号", escape(data.registration_number)),
            ("合同名称", escape(data.contract_name)),
            ("合同类别", escape(contract_type)),
            ("技术领域", escape(data.tech_field)),
            ("卖方", _party(data.seller)),
            ("买方", _party(data.buyer)),
            ("成交额", _amount(data.total_amount)),
            ("技术交易额", _amount(data.tech_amount)),
            ("认定的税收事项", escape(tax_items)),
            ("登记机构", escape(data.agency_name)),
            ("登记日期", escape(data.registered_on.isoformat())),
        ]
    )
    issued = f"{escape(data.agency_name)}<br>出具日期 {escape(data.issued_on.isoformat())}"
    body = (
        f"{void}<h1>技术合同登记证明</h1>"
        "<p class='sub'>Technology Contract Registration Certificate</p>"
        f"<table>{table}</table>"
        f"{_footer(data.verify_url, data.verification_code, issued)}"
    )
    return _page(f"技术合同登记证明 {data.registration_number}", body)


def batch_list_html(data: BatchListData) -> str:
    head = "".join(
        f"<th>{label}</th>"
        for label in (
            "序号",
            "登记编号",
            "合同名称",
            "买方",
            "登记日期",
            "成交额（元）",
            "技术交易额（元）",
        )
    )
    lines = "".join(
        f"<tr><td class='n'>{i}</td><td>{escape(row.registration_number)}</td>"
        f"<td>{escape(row.contract_name)}</td><td>{escape(row.buyer_name)}</td>"
        f"<td class='n'>{escape(row.registered_on.isoformat())}</td>"
        f"<td class='n'>{row.total_amount:,.2f}</td><td class='n'>{row.tech_amount:,.2f}</td></tr>"
        for i, row in enumerate(data.rows, 1)
    )
    total = sum((row.tech_amount for row in data.rows), Decimal(0))
    kind = "大额合同（须经二次审核）" if data.is_large else "一般合同"
    summary = _rows(
        [
            ("卖方", _party(data.seller)),
            ("合同类别", escape(kind)),
            ("合同数", str(len(data.rows))),
            ("技术交易额合计", _amount(total)),
        ]
    )
    issued = f"打印日期 {escape(data.created_on.isoformat())}"
    void = (
        "<div class='void'>已作废 VOID</div><div class='watermark'>已作废</div>"
        if data.void
        else ""
    )
    body = (
        f"{void}<h1>技术合同登记清单</h1><p class='sub'>List of Registered Technology Contracts</p>"
        f"<table>{summary}</table><br>"
        f"<table class='list'><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>"
        f"{_footer(data.verify_url, data.verification_code, issued)}"
    )
    return _page("技术合同登记清单", body)


def _data_uris_only(url: str):  # type: ignore[no-untyped-def]
    """WeasyPrint's fetcher, limited to data URIs: a certificate loads nothing from outside."""
    from weasyprint import default_url_fetcher

    if not url.startswith("data:"):
        raise ValueError(f"certificates load no outside resources: {url}")
    return default_url_fetcher(url)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_data_uris_only).write_pdf()


def certificate_pdf(data: CertificateData) -> bytes:
    return html_to_pdf(certificate_html(data))


def batch_list_pdf(data: BatchListData) -> bytes:
    return html_to_pdf(batch_list_html(data))
