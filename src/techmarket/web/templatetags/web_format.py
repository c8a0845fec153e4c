"""Display filters shared by the pages; the same formats as the printed papers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from techmarket.domain.money import amount_in_capitals
from techmarket.exports.certificate import yuan_figures

register = template.Library()


@register.filter
def yuan(amount: Decimal) -> str:
    """1,234,567.80 元"""
    return yuan_figures(amount)


@register.filter
def capitals(amount: Decimal) -> str:
    """壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整"""
    return amount_in_capitals(amount)
