"""The seller's check list before submitting (提交前检查): what the agency will look at first.

Each item says whether it holds and, when it does not, what to do. Items that block submission
are the service's own refusals (submit runs the same checks); the others are advice that
saves a correction round: the signed contract attached, no warning left unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from techmarket.domain.recognition import recognise
from techmarket.domain.record import parse_record
from techmarket.registry.models import Contract
from techmarket.registry.records import row_from_contract


@dataclass(frozen=True)
class CheckItem:
    ok: bool
    blocks: bool  # submission will be refused while this fails
    text: str
    text_en: str


def pre_submission_checks(contract: Contract, today: date) -> list[CheckItem]:
    record, problems = parse_record(row_from_contract(contract), 1)
    items = [
        CheckItem(
            record is not None,
            True,
            "登记表各项已按要求填写" if record else "登记表仍有错误，请修改草稿",
            "every field of the form passes the checks"
            if record
            else "the form still has errors: edit the draft",
        )
    ]
    warnings = [p for p in problems if p.severity != "error"]
    if record is not None:
        recognition = recognise(record, agency_region=contract.agency.region_code, applied_on=today)
        errors = [p for p in recognition.problems if p.severity == "error"]
        warnings += [p for p in recognition.problems if p.severity != "error"]
        items.append(
            CheckItem(
                not errors,
                True,
                "符合认定条件" if not errors else "；".join(p.message for p in errors),
                "meets the recognition rules"
                if not errors
                else "; ".join(p.message_en for p in errors),
            )
        )
    items.append(
        CheckItem(
            not warnings,
            False,
            "没有需要注意的提示"
            if not warnings
            else "请留意：" + "；".join(p.message for p in warnings),
            "no warnings" if not warnings else "mind: " + "; ".join(p.message_en for p in warnings),
        )
    )
    attached = contract.attachments.exists()
    items.append(
        CheckItem(
            attached,
            False,
            "已上传签章后的合同文本"
            if attached
            else "请上传签章后的合同文本（PDF），否则登记机构会要求补正",
            "the signed contract is attached"
            if attached
            else "attach the signed contract (PDF), or the agency will ask for it",
        )
    )
    return items
