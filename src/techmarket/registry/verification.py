"""Public verification of a printed certificate or batch list by its code (no login).

What it tells: whether the paper is valid, amended (a later certificate replaced it), cancelled
or void, and the facts a tax officer compares with the paper: registration number and date,
agency, contract type, both amounts and the tax items. Never a party's name or identifier: the
code opens the page to anyone who holds the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from techmarket.domain.problems import NotFound
from techmarket.domain.workflow import Status
from techmarket.registry.batch_lists import CODE_PREFIX
from techmarket.registry.certificates import tax_items, type_names
from techmarket.registry.models import BatchList, Certificate, Contract
from techmarket.registry.selectors import open_objection

_CODE_SHAPE = re.compile(r"^L?[0-9A-F]{16}$")


class Standing(StrEnum):
    VALID = "valid"
    AMENDED = "amended"  # superseded by a later certificate of the same contract
    CANCELLED = "cancelled"  # the registration was cancelled (注销)
    VOID = "void"  # a batch list one of whose contracts was cancelled


@dataclass(frozen=True)
class VerifiedContract:
    registration_number: str
    registered_on: date | None
    agency_name: str
    contract_type: str
    subtype: str
    total_amount: Decimal
    tech_amount: Decimal
    tax_items: tuple[str, ...] | None  # None: not known for a replaced certificate
    standing: Standing
    issued_on: date
    superseded_on: date | None
    under_objection_since: date | None = None  # an objection's re-check (复核) is under way


@dataclass(frozen=True)
class Verification:
    code: str
    is_batch_list: bool
    standing: Standing
    issued_on: date
    contracts: tuple[VerifiedContract, ...]


def verify(code: str) -> Verification:
    """What a certificate's or list's code says today; NotFound for a code never issued."""
    code = code.strip().upper()
    if _CODE_SHAPE.match(code):
        if code.startswith(CODE_PREFIX):
            batch = BatchList.objects.filter(verification_code=code).first()
            if batch is not None:
                return _batch_list(batch)
        else:
            certificate = (
                Certificate.objects.select_related("contract__agency")
                .filter(verification_code=code)
                .first()
            )
            if certificate is not None:
                verified = _verified(certificate)
                return Verification(code, False, verified.standing, verified.issued_on, (verified,))
    raise NotFound(
        f"验证码 {code[:24]} 不存在：此证明不是本平台出具的",
        f"verification code {code[:24]} is unknown: this paper was not issued here",
        code="unknown_verification_code",
    )


def _standing(certificate: Certificate) -> Standing:
    if certificate.contract.status == Status.CANCELLED:
        return Standing.CANCELLED
    if certificate.superseded_at is not None:
        return Standing.AMENDED
    return Standing.VALID


def _verified(certificate: Certificate) -> VerifiedContract:
    contract = certificate.contract
    contract_type, subtype = type_names(contract)
    superseded = certificate.superseded_at
    standing = _standing(certificate)
    return VerifiedContract(
        registration_number=certificate.registration_number,
        registered_on=contract.registered_on,
        agency_name=contract.agency.name,
        contract_type=contract_type,
        subtype=subtype,
        total_amount=certificate.total_amount,
        tech_amount=certificate.tech_amount,
        # The flags on the contract are those of its latest content, not of a replaced one.
        tax_items=None if standing is Standing.AMENDED else tax_items(contract),
        standing=standing,
        issued_on=timezone.localdate(certificate.issued_at),
        superseded_on=timezone.localdate(superseded) if superseded else None,
        under_objection_since=_objection_since(contract),
    )


def _objection_since(contract: Contract) -> date | None:
    """Since when a re-check after an objection runs; who objected and why stay private."""
    objection = open_objection(contract)
    return timezone.localdate(objection.raised_at) if objection else None


def _batch_list(batch: BatchList) -> Verification:
    entries = batch.entries.select_related("certificate__contract__agency").order_by("position")
    contracts = tuple(_verified(entry.certificate) for entry in entries)
    standings = {c.standing for c in contracts}
    standing = (
        Standing.VOID
        if Standing.CANCELLED in standings
        else Standing.AMENDED
        if Standing.AMENDED in standings
        else Standing.VALID
    )
    return Verification(
        batch.verification_code, True, standing, timezone.localdate(batch.created_at), contracts
    )
