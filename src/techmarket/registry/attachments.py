"""Contract attachments: who may add one and when, storing it safely, and reading it back.

A file is streamed to a temporary file beside the store while its SHA-256 is computed, its type
is told from its content, and it is renamed to a random name in a fan-out folder; the row and
its audit event are then written in one transaction, and the file is removed if that fails.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from techmarket.domain.file_types import detect, display_name
from techmarket.domain.problems import (
    Conflict,
    FileProblem,
    InvalidTransition,
    NotFound,
    Unavailable,
)
from techmarket.domain.workflow import Role, Status
from techmarket.registry import audit
from techmarket.registry.actors import Actor
from techmarket.registry.models import Attachment, Contract
from techmarket.registry.permissions import ensure_can_act
from techmarket.registry.selectors import find_contract
from techmarket.server.rows import rows

CHUNK = 256 * 1024
# A seller adds papers while the application is theirs to change; a registrar at any time.
SELLER_MAY_ATTACH = frozenset({Status.DRAFT, Status.SUBMITTED, Status.CORRECTION_REQUESTED})


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


def storage_root() -> Path:
    return Path(settings.ATTACHMENT_DIR)


def too_large(limit: int) -> FileProblem:
    """The refusal of a file over the limit (the API's upload handler raises it early too)."""
    mib = f"{limit / 1024 / 1024:g}"
    return FileProblem(
        f"附件过大：不得超过 {mib} MB",
        f"the attachment is too large: at most {mib} MB",
        code="attachment_too_large",
        max_bytes=limit,
    )


def add_attachment(
    contract_id: int, file: BinaryIO, name: str, *, actor: Actor, now: datetime
) -> Attachment:
    """Attach a PDF, DOCX, PNG or JPEG to a contract, with an audited `attach` step."""
    contract = find_contract(contract_id, actor)
    _ensure_may_attach(actor, contract)  # before a byte of the file is read
    root = storage_root()
    root.mkdir(parents=True, exist_ok=True)
    incoming, sha256, size = _receive(file, root)
    try:
        with incoming.open("rb") as stored:
            kind = detect(stored)
        storage_name = f"{sha256[:2]}/{sha256[2:4]}/{secrets.token_hex(16)}{kind.suffix}"
        path = root / storage_name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, path)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
            contract = (
                Contract.objects.select_for_update().select_related("agency").get(pk=contract.pk)
            )
            _ensure_may_attach(actor, contract)  # the status may have moved meanwhile
            _refuse_duplicate(contract, sha256)
            attachment = Attachment.objects.create(
                contract=contract,
                name=display_name(name, kind),
                content_type=kind.content_type,
                size=size,
                sha256=sha256,
                storage_name=storage_name,
                uploaded_at=now,
                uploaded_by=actor.username,
            )
            _event(attachment, actor, now)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


def list_attachments(contract_id: int, actor: Actor) -> list[Attachment]:
    """The contract's attachments, oldest first, for anyone who may read the contract."""
    return attachments_of(find_contract(contract_id, actor))


def attachments_of(contract: Contract) -> list[Attachment]:
    """The attachments of a contract the caller has already found through `find_contract`."""
    return rows(Attachment, where={"contract": contract.pk}, order_by=("id",))


def open_attachment(
    contract_id: int, attachment_id: int, actor: Actor
) -> tuple[Attachment, BinaryIO]:
    """An attachment and its stored file opened for reading; the caller closes the file."""
    contract = find_contract(contract_id, actor)
    attachment = Attachment.objects.filter(contract=contract, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(
            f"合同 {contract.pk} 没有附件 {attachment_id}",
            f"contract {contract.pk} has no attachment {attachment_id}",
            code="attachment_not_found",
        )
    try:
        return attachment, (storage_root() / attachment.storage_name).open("rb")
    except FileNotFoundError:
        raise Unavailable(
            f"附件 {attachment.pk} 的文件不在存储中",
            f"the file of attachment {attachment.pk} is missing from the store",
            code="attachment_file_missing",
        ) from None


def _ensure_may_attach(actor: Actor, contract: Contract) -> None:
    ensure_can_act(actor, contract)  # a seller their own; a registrar their own agency's
    if actor.role is Role.SELLER and contract.status not in SELLER_MAY_ATTACH:
        raise InvalidTransition(
            f"合同状态为 {contract.status}，卖方只能在草稿、已提交或待补正时添加附件",
            f"the contract is {contract.status}: a seller adds attachments only while it is "
            "draft, submitted or correction requested",
            code="attachments_closed_to_seller",
            status=contract.status,
        )


def _receive(file: BinaryIO, root: Path) -> tuple[Path, str, int]:
    """Stream the upload into a temporary file under `root`, hashing it on the way, and stop as
    soon as it passes the limit; nothing is held in memory beyond one chunk."""
    limit = max_bytes()
    descriptor, name = tempfile.mkstemp(dir=root, prefix=".incoming-", suffix=".part")
    incoming = Path(name)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(descriptor, "wb") as out:
            while chunk := file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise FileProblem("附件是空文件", "the attachment is empty", code="attachment_empty")
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    return incoming, digest.hexdigest(), size


def _refuse_duplicate(contract: Contract, sha256: str) -> None:
    existing = contract.attachments.filter(sha256=sha256).values_list("pk", "name").first()
    if existing is not None:
        raise Conflict(
            f"合同 {contract.pk} 已有内容相同的附件（附件 {existing[0]}：{existing[1]}）",
            f"contract {contract.pk} already has this file (attachment {existing[0]}: "
            f"{existing[1]})",
            code="attachment_duplicate",
            attachment=existing[0],
        )


def _event(attachment: Attachment, actor: Actor, now: datetime) -> None:
    contract = attachment.contract
    payload = {
        "attachment": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }
    audit.append(
        [
            audit.PendingEvent(
                contract.pk,
                actor.username,
                "attach",
                contract.status,
                contract.status,
                now,
                {k: str(v) for k, v in payload.items()},
            )
        ]
    )
