"""Action plans: imported ones live in the database; the shipped examples are always findable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from django.db import transaction

from techmarket.domain.problems import DomainError, FileProblem, NotFound
from techmarket.stats.models import StoredPlan
from techmarket.stats.targets import Plan, example_plans, load_plan, parse_plan


@dataclass(frozen=True)
class PlanInfo:
    """A plan and where it comes from: imported (stored) or a shipped example."""

    plan: Plan
    origin: Literal["imported", "example"]
    imported_at: datetime | None = None
    imported_by: str = ""


def store_plan(path: Path, *, user: str, now: datetime) -> Plan:
    """Check a plan file and store its text; re-importing replaces the plan with the same code."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FileProblem(
            f"无法读取计划文件 {path}：{error}", f"cannot read {path}: {error}"
        ) from None
    try:
        plan = parse_plan(text)
    except ValueError as error:
        raise DomainError(f"计划文件有误：{error}", f"bad plan file: {error}") from None
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


def find_plan(code_or_path: str) -> Plan:
    """A plan by code (imported first, then the shipped examples) or by the path of a .toml file."""
    path = Path(code_or_path)
    if path.suffix == ".toml" and path.exists():
        try:
            return load_plan(path)
        except ValueError as error:
            raise DomainError(f"计划文件有误：{error}", f"bad plan file: {error}") from None
    row = StoredPlan.objects.filter(code=code_or_path).first()
    if row is not None:
        return parse_plan(row.source_toml)
    for example in example_plans():
        plan = load_plan(example)
        if plan.code == code_or_path:
            return plan
    known = "、".join(info.plan.code for info in list_plans()) or "（无）"
    raise NotFound(
        f"没有计划 {code_or_path}（可用：{known}；或先用 targets import 导入）",
        f"no plan {code_or_path}; known plans: {known}",
    )
