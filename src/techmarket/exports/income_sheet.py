"""技术性收入核定表 as PDF: a contract's verified technical income, year by year.

Plain data in, PDF bytes out; no database. Laid out like the certificate (same fonts, same
fetcher that loads nothing from outside), amounts in figures and in capitals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from techmarket.domain.money import amount_in_capitals
from techmarket.exports.certificate import STYLE, PartyLine, html_to_pdf, yuan_figures


@dataclass(frozen=True)
class IncomeLine:
    """One verified year: what came in, the technical income of it, who verified it and when."""

    year: int
    received_amount: Decimal
    technical_income: Decimal
    verified_on: date
    verified_by: str


@dataclass(frozen=True)
class IncomeSheetData:
    registration_number: str
    contract_name: str
    contract_type: str
    seller: PartyLine
    buyer_name: str
    signed_on: date
    total_amount: Decimal
    tech_amount: Decimal
    agency_name: str
    lines: tuple[IncomeLine, ...]
    printed_on: date
    cancelled: bool = False

    @property
    def technical_total(self) -> Decimal:
        return sum((line.technical_income for line in self.lines), Decimal("0.00"))

    @property
    def received_total(self) -> Decimal:
        return sum((line.received_amount for line in self.lines), Decimal("0.00"))


SHEET_STYLE = """
.lines th { width: auto; text-align: center; }
.lines td { padding: 1.5mm 2mm; }
.lines tfoot td { font-weight: bold; }
.stamp { margin-top: 10mm; width: 70mm; margin-left: auto; text-align: center; }
.stamp .box { height: 24mm; }
"""


def _amount(amount: Decimal) -> str:
    return (
        f"{escape(yuan_figures(amount))}"
        f"<span class='capitals'>大写：{escape(amount_in_capitals(amount))}</span>"
    )


def _party(party: PartyLine) -> str:
    identifier = f"<br>{escape(party.identifier)}" if party.identifier else ""
    return escape(party.name) + identifier


def income_sheet_html(data: IncomeSheetData) -> str:
    head = _rows(
        [
            ("登记编号", escape(data.registration_number)),
            ("合同名称", escape(data.contract_name)),
            ("合同类别", escape(data.contract_type)),
            ("卖方", _party(data.seller)),
            ("买方", escape(data.buyer_name)),
            ("签订日期", escape(data.signed_on.isoformat())),
            ("成交额", _amount(data.total_amount)),
            ("技术交易额", _amount(data.tech_amount)),
        ]
    )
    columns = "".join(
        f"<th>{label}</th>"
        for label in ("年度", "当年到账金额", "其中技术性收入", "核定日期", "核定人")
    )
    lines = "".join(
        f"<tr><td class='n'>{line.year}</td>"
        f"<td class='n'>{escape(yuan_figures(line.received_amount))}</td>"
        f"<td class='n'>{escape(yuan_figures(line.technical_income))}</td>"
        f"<td class='n'>{escape(line.verified_on.isoformat())}</td>"
        f"<td>{escape(line.verified_by)}</td></tr>"
        for line in data.lines
    )
    foot = (
        f"<tr><td>合计</td><td class='n'>{escape(yuan_figures(data.received_total))}</td>"
        f"<td class='n'>{escape(yuan_figures(data.technical_total))}</td><td></td><td></td></tr>"
    )
    total = _rows([("核定的技术性收入合计", _amount(data.technical_total))])
    void = "<div class='void'>合同登记已注销 REGISTRATION CANCELLED</div>" if data.cancelled else ""
    body = (
        f"{void}<h1>技术性收入核定表</h1>"
        "<p class='sub'>Verification of Technical Income</p>"
        f"<table>{head}</table><br>"
        f"<table class='lines'><thead><tr>{columns}</tr></thead>"
        f"<tbody>{lines}</tbody><tfoot>{foot}</tfoot></table><br>"
        f"<table>{total}</table>"
        f"<div class='stamp'><div>核定机构（盖章）</div><div class='box'></div>"
        f"<div>{escape(data.agency_name)}</div>"
        f"<div>打印日期 {escape(data.printed_on.isoformat())}</div></div>"
    )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>技术性收入核定表 {escape(data.registration_number)}</title>"
        f"<style>{STYLE}{SHEET_STYLE}</style></head><body>{body}</body></html>"
    )


def _rows(pairs: list[tuple[str, str]]) -> str:
    """Table rows of a label and an already escaped value."""
    return "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in pairs)


def income_sheet_pdf(data: IncomeSheetData) -> bytes:
    return html_to_pdf(income_sheet_html(data))
