"""Notices (提醒): a contract waits for someone, or a deadline is two working days away.

Read from the audit trail rather than written by each step, so a step never fails for want of a
notice and a notice is never lost with a rolled-back step: `collect` turns the events since its
cursor into notices for the people who must act, and adds the deadline reminders of the day.
Each notice has a unique key, so running it twice adds nothing. E-mail goes out only where an
SMTP server is configured (settings.EMAIL_HOST), and a failed send is tried again next time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max

from techmarket.accounts.models import Profile
from techmarket.domain.problems import NotFound
from techmarket.domain.workflow import REGISTRAR_ROLES, Role
from techmarket.registry.actors import Actor
from techmarket.registry.contract_list import OPEN_STATUSES, due_by
from techmarket.registry.models import AuditEvent, Contract, Notice, NoticeCursor
from techmarket.registry.worklist import DUE_SOON_WORKING_DAYS

log = logging.getLogger(__name__)
BATCH = 2000


@dataclass(frozen=True)
class Message:
    to: str  # "agency": the contract's agency's staff; "seller": the seller's users
    kind: str
    text: str
    text_en: str


# audit action -> who hears of it and what they read ({name} is the contract's name)
MESSAGES: dict[str, Message] = {
    "submit": Message(
        "agency", "waiting", "新申请待受理：{name}", "A new application waits: {name}"
    ),
    "resubmit": Message(
        "agency",
        "waiting",
        "补正材料已提交，待审核：{name}",
        "The correction arrived and waits for review: {name}",
    ),
    "request_correction": Message(
        "seller",
        "waiting",
        "登记机构要求补正：{name}",
        "The agency asks for a correction: {name}",
    ),
    "register": Message("seller", "decided", "合同已登记：{name}", "Registered: {name}"),
    "refuse": Message("seller", "decided", "合同不予登记：{name}", "Refused: {name}"),
}


def _cursor() -> NoticeCursor:
    """The cursor, locked. A new one starts at the trail's end: history is not news."""
    cursor = NoticeCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:
        start = AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0
        NoticeCursor.objects.get_or_create(pk=1, defaults={"last_seq": start})
        cursor = NoticeCursor.objects.select_for_update().get(pk=1)
    return cursor


class _Recipients:
    """Who hears of a contract: its agency's staff or its seller's users, each group read once
    per run however many contracts it has (a busy morning is thousands of events)."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int], list[int]] = {}

    def of(self, contract: Contract, to: str) -> list[int]:
        key = (to, contract.agency_id if to == "agency" else contract.seller_party_id)
        if key not in self.known:
            people = Profile.objects.filter(user__is_active=True)
            if to == "agency":
                people = people.filter(agency_id=key[1], role__in=list(REGISTRAR_ROLES))
            else:
                people = people.filter(party_id=key[1], role=Role.SELLER)
            self.known[key] = list(people.values_list("user_id", flat=True))
        return self.known[key]


def _add(
    user_ids: Iterable[int], contract: Contract, message: Message, key: str, now: datetime
) -> int:
    notices = [
        Notice(
            user_id=user_id,
            contract=contract,
            kind=message.kind,
            text=message.text.format(name=contract.name)[:300],
            text_en=message.text_en.format(name=contract.name)[:300],
            key=f"{key}:{user_id}"[:120],
            created_at=now,
        )
        for user_id in user_ids
    ]
    return len(Notice.objects.bulk_create(notices, ignore_conflicts=True))


def collect(now: datetime, today: date) -> int:
    """Notices for the audit events since the last run and for today's near deadlines."""
    added = 0
    recipients = _Recipients()
    with transaction.atomic():
        cursor = _cursor()
        while True:
            events = list(
                AuditEvent.objects.filter(seq__gt=cursor.last_seq)
                .order_by("seq")
                .values_list("seq", "action", "contract_id")[:BATCH]
            )
            if not events:
                break
            wanted = [(seq, action, cid) for seq, action, cid in events if action in MESSAGES]
            contracts = Contract.objects.in_bulk([cid for _, _, cid in wanted if cid])
            for seq, action, contract_id in wanted:
                contract = contracts.get(contract_id)
                if contract is not None:
                    message = MESSAGES[action]
                    added += _add(
                        recipients.of(contract, message.to), contract, message, f"e{seq}", now
                    )
            cursor.last_seq = events[-1][0]
        cursor.save(update_fields=["last_seq"])
        added += _deadline_reminders(now, today, recipients)
    return added


DUE_SOON = Message(
    "agency",
    "due_soon",
    "两个工作日后到期：{name}",
    "Due in two working days: {name}",
)


def _deadline_reminders(now: datetime, today: date, recipients: _Recipients) -> int:
    """Once per contract and deadline: the agency hears when it is two working days away."""
    day = due_by(DUE_SOON_WORKING_DAYS, today)
    added = 0
    for contract in Contract.objects.filter(status__in=OPEN_STATUSES, deadline=day):
        added += _add(
            recipients.of(contract, "agency"), contract, DUE_SOON, f"d{contract.pk}:{day}", now
        )
    return added


def send_email(now: datetime) -> int:
    """Mail the notices not yet mailed to people with an address; nothing without SMTP."""
    if not getattr(settings, "EMAIL_HOST_CONFIGURED", False):
        return 0
    sent = 0
    pending = Notice.objects.filter(emailed_at=None, user__email__gt="").select_related("user")
    for notice in pending[:500]:
        try:
            send_mail(
                f"[技术合同登记] {notice.text}",
                f"{notice.text}\n{notice.text_en}\n\n{settings.PUBLIC_BASE_URL}/contracts/"
                f"{notice.contract_id}/\n",
                None,
                [notice.user.email],
            )
        except OSError as error:  # the server is away: try again on the next run
            log.warning("notice e-mail not sent (%s); will retry", error)
            break
        Notice.objects.filter(pk=notice.pk).update(emailed_at=now)
        sent += 1
    return sent


def notices_for(actor: Actor, *, limit: int = 50) -> list[Notice]:
    """The actor's notices, newest first."""
    return list(
        Notice.objects.filter(user_id=actor.user_id)
        .select_related("contract")
        .order_by("-created_at", "-pk")[:limit]
    )


def unread_count(actor: Actor) -> int:
    # Plain SQL: the frame asks on every page, and the ORM compiled the count each time.
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT COUNT(*) FROM "{Notice._meta.db_table}" WHERE user_id = %s'
            " AND read_at IS NULL",
            [actor.user_id],
        )
        return int(cursor.fetchone()[0])


def mark_read(actor: Actor, now: datetime, notice_id: int | None = None) -> int:
    """Mark one notice (or all) read; another person's notice reads as absent."""
    mine = Notice.objects.filter(user_id=actor.user_id, read_at=None)
    if notice_id is not None:
        if not Notice.objects.filter(user_id=actor.user_id, pk=notice_id).exists():
            raise NotFound(
                f"提醒 {notice_id} 不存在", f"no notice {notice_id}", code="notice_not_found"
            )
        mine = mine.filter(pk=notice_id)
    return mine.update(read_at=now)
