"""A new application from another system: the agency it goes to, and retries made safe."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction

from techmarket.accounts.models import Agency
from techmarket.codes.regions import is_within
from techmarket.domain.problems import Conflict, DomainError, NotFound
from techmarket.domain.record import ContractRecord
from techmarket.registry import services
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract, DraftRequest
from techmarket.registry.permissions import ensure_can_view
from techmarket.server.rows import rows

_LEVEL_ORDER = {"district": 0, "city": 1, "province": 2}


def agency_for(record: ContractRecord, agency_code: str | None) -> Agency:
    """The named agency, or the most local one whose region holds the seller."""
    if agency_code:
        found = rows(Agency, where={"code": agency_code}) if agency_code.isprintable() else []
        agency = found[0] if found else None  # prepared (server.rows): every draft
        if agency is None:
            raise NotFound(
                f"登记机构 {agency_code} 不存在",
                f"no agency {agency_code}",
                code="agency_not_found",
                field="agency_code",
            )
        return agency
    region = record.seller_region or ""
    covering = [a for a in Agency.objects.all() if region and is_within(region, a.region_code)]
    if not covering:
        raise DomainError(
            f"没有登记机构管辖卖方所在地区 {region or '（未填）'}：请指定登记机构",
            f"no agency covers the seller's region {region or '(none)'}: name the agency",
            code="no_agency_for_region",
            field="agency_code",
        )
    return min(covering, key=lambda a: (_LEVEL_ORDER.get(a.level, 9), a.code))


def create_draft_once(
    record: ContractRecord,
    *,
    agency: Agency,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
) -> tuple[Contract, bool]:
    """Create the draft, or return the one this actor already created with the same key.

    The flag says whether it is new. The same key with other content is a conflict, not a
    silent replay of the first request.
    """
    if not idempotency_key:
        return services.create_draft(record, agency=agency, actor=actor, now=now), True
    key = idempotency_key[:200]
    # The request as a whole: the same content sent to another agency is another request.
    fingerprint = hashlib.sha256(f"{record.fingerprint()}|{agency.code}".encode()).hexdigest()
    replay = _replay(actor, key, fingerprint)
    if replay is not None:
        return replay, False
    try:
        with transaction.atomic():
            contract = services.create_draft(record, agency=agency, actor=actor, now=now)
            DraftRequest.objects.create(
                actor=actor.username,
                key=key,
                fingerprint=fingerprint,
                contract=contract,
                created_at=now,
            )
        return contract, True
    except (IntegrityError, Conflict):
        # A concurrent request with the same key may have won: then answer with its contract.
        replay = _replay(actor, key, fingerprint)
        if replay is None:
            raise
        return replay, False


def _replay(actor: Actor, key: str, fingerprint: str) -> Contract | None:
    existing = DraftRequest.objects.filter(actor=actor.username, key=key).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise Conflict(
            "此幂等键已用于内容不同的另一份申请",
            "this Idempotency-Key was used for a different application",
            code="idempotency_key_reused",
            contract=existing.contract_id,
        )
    ensure_can_view(actor, existing.contract)  # the caller's reach may have changed since
    return existing.contract
