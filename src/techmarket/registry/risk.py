"""Risk signals as stored and read: one scan's results replace the last, readers see them
through the contract's permissions.

The scan itself runs over the whole registry in DuckDB (`stats/risk_scan.py`); this module is
the only writer of the `RiskSignal` table and says who may read it. Signals are for agency
staff: a seller never sees that its contract raised one (a registrar asks about it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery

from techmarket.domain.problems import PermissionDenied
from techmarket.domain.risk_signals import KINDS, explain, severity
from techmarket.domain.workflow import Role
from techmarket.registry.actors import Actor
from techmarket.registry.models import Contract, RiskScan, RiskSignal
from techmarket.registry.permissions import visible_contracts
from techmarket.server.rows import rows

BATCH = 5000
OUTSIDE = ("另一份您辖区外的合同", "another contract outside your jurisdiction")
ROLES_THAT_SEE_SIGNALS = frozenset({Role.REGISTRAR, Role.AGENCY_ADMIN, Role.ANALYST, Role.OPERATOR})


@dataclass(frozen=True)
class FoundSignal:
    """One signal on one contract, as the scan found it."""

    contract_id: int
    signal: str
    score: int
    related: tuple[int, ...] = ()
    facts: dict[str, object] = field(default_factory=dict)


def replace_signals(
    found: Iterable[FoundSignal],
    *,
    started_at: datetime,
    now: datetime,
    last_seq: int,
    scanned: int,
) -> RiskScan:
    """Store a scan's signals in place of the previous scan's, in one transaction: a reader
    sees the old set or the new one, never half of each."""
    rows = [
        RiskSignal(
            contract_id=s.contract_id,
            signal=s.signal,
            score=s.score,
            explanation=(
                texts := explain(
                    s.signal, {"related_count": s.facts.get("others", len(s.related)), **s.facts}
                )
            )[0],
            explanation_en=texts[1],
            related=list(s.related),
            facts=s.facts,
            computed_at=now,
        )
        for s in found
    ]
    with transaction.atomic():
        RiskSignal.objects.all().delete()
        RiskSignal.objects.bulk_create(rows, batch_size=BATCH)
        return RiskScan.objects.create(
            started_at=started_at,
            finished_at=now,
            last_seq=last_seq,
            contracts=scanned,
            signals=len(rows),
        )


def latest_scan() -> RiskScan | None:
    return RiskScan.objects.order_by("-pk").first()


def may_see_signals(actor: Actor) -> bool:
    """Agency staff and the operator read signals; sellers and brokers do not."""
    return actor.role in ROLES_THAT_SEE_SIGNALS


def ensure_may_see_signals(actor: Actor) -> None:
    if not may_see_signals(actor):
        raise PermissionDenied(
            "风险信号仅供登记机构工作人员查看",
            "risk signals are for registration agency staff",
            code="signals_for_agency_staff",
        )


def signals_of(contract: Contract, actor: Actor) -> list[dict[str, object]]:
    """The contract's signals, highest score first, each with the related contracts the actor
    may read (id, number, name, status) and the others named only as outside its reach.

    The caller has found the contract through `find_contract` (which checks it is in reach)."""
    ensure_may_see_signals(actor)
    signals = rows(RiskSignal, where={"contract": contract.pk}, order_by=("-score", "signal", "id"))
    wanted = {pk for s in signals for pk in s.related}
    readable = (
        {
            row["id"]: row
            for row in visible_contracts(actor, Contract.objects.filter(pk__in=wanted)).values(
                "id", "registration_number", "name", "status"
            )
        }
        if wanted
        else {}
    )
    return [
        {
            "signal": s.signal,
            "name": KINDS[s.signal].name if s.signal in KINDS else s.signal,
            "name_en": KINDS[s.signal].name_en if s.signal in KINDS else s.signal,
            "score": s.score,
            "severity": severity(s.score),
            "explanation": s.explanation,
            "explanation_en": s.explanation_en,
            "related": [_related(pk, readable) for pk in s.related],
            "facts": s.facts,
            "computed_at": s.computed_at.isoformat(),
        }
        for s in signals
    ]


def _related(pk: int, readable: dict[int, dict[str, object]]) -> dict[str, object]:
    row = readable.get(pk)
    if row is None:
        return {
            "id": None,
            "registration_number": None,
            "name": OUTSIDE[0],
            "name_en": OUTSIDE[1],
            "status": None,
            "visible": False,
        }
    return {
        "id": pk,
        "registration_number": row["registration_number"],
        "name": row["name"],
        "name_en": row["name"],
        "status": row["status"],
        "visible": True,
    }


def has_signals() -> Exists:
    """For list filters: the contract carries at least one signal of the last scan."""
    return Exists(RiskSignal.objects.filter(contract=OuterRef("pk")))


def top_score() -> Subquery:
    """For list sorting: the contract's highest signal score (null without a signal)."""
    return Subquery(
        RiskSignal.objects.filter(contract=OuterRef("pk"))
        .values("contract")
        .annotate(top=Max("score"))
        .values("top")[:1]
    )
