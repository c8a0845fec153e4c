"""Reading a contract's text: extraction, type suggestion and the pre-check rules (issue #13)."""

from techmarket.domain.contract_text.capitals import CapitalsError, parse_capitals
from techmarket.domain.contract_text.precheck import Precheck, precheck_text
from techmarket.domain.contract_text.text import ContractText

__all__ = ["CapitalsError", "ContractText", "Precheck", "parse_capitals", "precheck_text"]
