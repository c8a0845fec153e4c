"""登记清单: a seller's list of their registered contracts under one verification code.

Large contracts (at or above the second-review threshold) are never listed with smaller ones,
so a list's total cannot hide a large contract among small ones. Each entry keeps the
certificate in force when the list was made; the verify page reads the list as void once any
listed contract is cancelled.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from techmarket.domain.problems import DomainError, InvalidTransition, NotFound, PermissionDenied
from techmarket.domain.workflow import Role, Status
from techmarket.exports import certificate as render
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.certificates import (
    current_certificate,
    printable_contract,
    verify_url,
)
from techmarket.registry.models import BatchList, BatchListEntry, Contract, Party

MAX_ENTRIES = 500  # about fifteen printed pages
# "L" and hex: never the same text as a certificate's code (hex only), so one page serves both.
CODE_PREFIX = "L"


def new_code() -> str:
    """An unguessable verification code (64 random bits)."""
    return CODE_PREFIX + secrets.token_hex(8).upper()


def create_batch_list(contract_ids: Sequence[int], actor: Actor, now: datetime) -> BatchList:
    """A new list of the seller's chosen registered contracts, in the order given."""
    if actor.role is not Role.SELLER or actor.party_id is None:
        raise PermissionDenied(
            "登记清单由卖方打印",
            "batch lists are printed by sellers",
            code="batch_list_sellers_only",
        )
    ids = list(dict.fromkeys(contract_ids))  # the order given, each contract once
    if not ids or len(ids) > MAX_ENTRIES:
        raise DomainError(
            f"登记清单须列出 1 至 {MAX_ENTRIES} 份合同（实际 {len(ids)} 份）",
            f"a batch list holds 1 to {MAX_ENTRIES} contracts ({len(ids)} given)",
            code="batch_list_size",
            count=len(ids),
        )
    with transaction.atomic():
        contracts = [printable_contract(pk, actor) for pk in ids]
        _refuse_unregistered(contracts)
        is_large = _one_size(contracts)
        batch = BatchList.objects.create(
            verification_code=new_code(),
            seller_party_id=actor.party_id,
            is_large=is_large,
            created_at=now,
            created_by=actor.username,
        )
        BatchListEntry.objects.bulk_create(
            BatchListEntry(
                batch_list=batch,
                position=position,
                contract=contract,
                certificate=current_certificate(contract),
            )
            for position, contract in enumerate(contracts, 1)
        )
        numbers = ",".join(c.registration_number or "" for c in contracts)
        # One event for the list (it belongs to no single contract): who printed what, when.
        audit.append(
            [
                audit.PendingEvent(
                    None,
                    actor.username,
                    "batch_list",
                    "",
                    "",
                    now,
                    {"batch_list": str(batch.pk), "contracts": numbers},
                )
            ]
        )
    return batch


def _refuse_unregistered(contracts: list[Contract]) -> None:
    for contract in contracts:
        if contract.status != Status.REGISTERED:
            raise InvalidTransition(
                f"合同 {contract.pk} 不是已登记状态（{contract.status}），不能列入登记清单",
                f"contract {contract.pk} is not registered ({contract.status}): "
                "it cannot be listed",
                code="not_registered",
                contract=contract.pk,
                status=contract.status,
            )


def _one_size(contracts: list[Contract]) -> bool:
    """Whether the list is of large contracts; refused when it would mix both."""
    large = [c.registration_number or str(c.pk) for c in contracts if c.is_large]
    if large and len(large) < len(contracts):
        raise DomainError(
            f"大额合同（{'、'.join(large)}）须单独列出，不能与一般合同列入同一份登记清单",
            f"large contracts ({', '.join(large)}) are listed on their own, "
            "never with smaller ones",
            code="batch_mixes_large_and_small",
            large=",".join(large),
        )
    return bool(large)


def batch_list_data(batch: BatchList) -> render.BatchListData:
    """What the list prints: each contract with the certificate it was listed under."""
    entries = batch.entries.select_related("contract", "certificate").order_by("position")
    seller: Party = batch.seller_party
    rows = tuple(
        render.BatchRow(
            registration_number=entry.certificate.registration_number,
            contract_name=entry.contract.name,
            buyer_name=entry.contract.buyer_name,
            registered_on=entry.contract.registered_on
            or timezone.localdate(entry.certificate.issued_at),
            total_amount=entry.certificate.total_amount,
            tech_amount=entry.certificate.tech_amount,
        )
        for entry in entries
    )
    return render.BatchListData(
        verification_code=batch.verification_code,
        verify_url=verify_url(batch.verification_code),
        seller=render.PartyLine(seller.name, seller.masked_identifier),
        is_large=batch.is_large,
        created_on=timezone.localdate(batch.created_at),
        rows=rows,
        void=any(entry.contract.status == Status.CANCELLED for entry in entries),
    )


def batch_list_pdf(batch_list_id: int, actor: Actor) -> bytes:
    """The list as PDF, for whoever may print every contract on it."""
    return render.batch_list_pdf(batch_list_data(printable_batch_list(batch_list_id, actor)))


def printable_batch_list(batch_list_id: int, actor: Actor) -> BatchList:
    """The list, if the actor may print every contract on it; else it reads as absent."""
    batch = BatchList.objects.select_related("seller_party").filter(pk=batch_list_id).first()
    try:
        if batch is None:
            raise NotFound("", "")
        for contract_id in batch.entries.values_list("contract_id", flat=True):
            printable_contract(contract_id, actor)
    except NotFound:
        raise NotFound(
            f"登记清单 {batch_list_id} 不存在",
            f"batch list {batch_list_id} not found",
            code="batch_list_not_found",
        ) from None
    return batch
