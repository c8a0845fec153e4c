"""Action plans: imported ones live in the database; the shipped examples are always findable.

A plan is found by its code only (`find_plan`); reading a plan from a file the operator or an
upload names is a separate, explicit step (`read_plan`), so no caller's text is ever taken as a
path to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db import transaction

from techmarket.domain.problems import DomainError, FileProblem, NotFound
from techmarket.interchange.sources import FileInput, source_of
from techmarket.stats.models import StoredPlan
from techmarket.stats.targets import Plan, PlanError, example_plans, load_plan, parse_plan


@dataclass(frozen=True)
class PlanInfo:
    """A plan and where it comes from: imported (stored) or a shipped example."""

    plan: Plan
    origin: Literal["imported", "example"]
    imported_at: datetime | None = None
    imported_by: str = ""


def _plan_text(file: FileInput, name: str | None) -> str:
    source = source_of(file, name)
    try:
        return source.read_bytes().decode("utf-8-sig")
    except OSError as error:
        reason = error.strerror or str(error)
        raise FileProblem(
            f"无法读取计划文件 {source.name}：{reason}",
            f"cannot read the plan file {source.name}: {reason}",
            code="plan_file_unreadable",
            reason="plan_file_unreadable",
        ) from None
    except UnicodeDecodeError:
        raise FileProblem(
            f"计划文件 {source.name} 不是 UTF-8 编码",
            f"the plan file {source.name} is not UTF-8",
            code="plan_file_encoding",
            reason="plan_file_encoding",
        ) from None


def _parsed(text: str) -> Plan:
    try:
        return parse_plan(text)
    except PlanError as error:
        raise DomainError(
            f"计划文件有误：{error.message}",
            f"bad plan file: {error.message_en}",
            code=error.code,
        ) from None


def read_plan(file: FileInput, *, name: str | None = None) -> Plan:
    """A plan read from a file the operator names, or an uploaded file object; not stored."""
    return _parsed(_plan_text(file, name))


def store_plan(file: FileInput, *, user: str, now: datetime, name: str | None = None) -> Plan:
    """Check a plan file (a path or a binary file object) and store its text; re-importing
    replaces the plan with the same code."""
    text = _plan_text(file, name)
    plan = _parsed(text)
    with transaction.atomic():
        StoredPlan.objects.update_or_create(
            code=plan.code,
            defaults={
                "name": plan.name,
                "source_toml": text,
                "imported_at": now,
                "imported_by": user,
            },
        )
    return plan


def _stored(row: StoredPlan) -> PlanInfo:
    return PlanInfo(parse_plan(row.source_toml), "imported", row.imported_at, row.imported_by)


def list_plans() -> list[PlanInfo]:
    """Imported plans, then the shipped examples not replaced by an imported plan of that code."""
    found = [_stored(row) for row in StoredPlan.objects.all()]
    codes = {info.plan.code for info in found}
    examples = [PlanInfo(load_plan(path), "example") for path in example_plans()]
    return found + [info for info in examples if info.plan.code not in codes]


def find_plan(code: str) -> Plan:
    """A plan by its code: an imported one first, then the shipped examples.

    The code is only compared with plan codes; it is never read as a path.
    """
    row = StoredPlan.objects.filter(code=code).first()
    if row is not None:
        return parse_plan(row.source_toml)
    for example in example_plans():
        plan = load_plan(example)
        if plan.code == code:
            return plan
    known = [info.plan.code for info in list_plans()]
    raise NotFound(
        f"没有计划 {code}（可用：{'、'.join(known) or '无'}）",
        f"no plan {code}; known plans: {', '.join(known) or 'none'}",
        code="plan_not_found",
        plan=code,
        known=known,
    )
