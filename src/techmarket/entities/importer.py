"""Importing the lists bureaus receive into the innovation-entity register: all rows or none.

`import_entities(kind, file, …)` reads a CSV, xlsx or JSON Lines file (Chinese headers or
English keys, `domain.entity_lists`), parses every row, finds its organisations
(`entities.organisations`) and plans what it would write; any error-level problem — a malformed
number, a name that matches nothing or several firms, a row outside the actor's jurisdiction —
leaves the database untouched and every problem is reported at once, with row and field.
Otherwise everything is written in one transaction, in bulk, each created or changed row with
its audit event. Importing the same file again creates nothing and writes no event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction

from techmarket.domain import entities as rules
from techmarket.domain import entity_lists as lists
from techmarket.domain.problems import DomainError, Problem
from techmarket.entities import access
from techmarket.entities.import_changes import (
    plan_moves,
    plan_revocations,
    write_moves,
    write_revocations,
)
from techmarket.entities.import_context import EntityImportResult, ImportContext
from techmarket.entities.import_lists import (
    plan_candidates,
    plan_residents,
    plan_trained,
    write_candidates,
    write_residents,
    write_trained,
)
from techmarket.entities.import_recognitions import (
    plan_recognitions,
    plan_renames,
    write_recognitions,
    write_renames,
)
from techmarket.interchange.readers import open_records
from techmarket.interchange.sources import FileInput
from techmarket.registry import audit, bulk
from techmarket.registry.actors import Actor

_PARSERS: dict[str, Callable] = {
    lists.RESIDENTS: lists.parse_resident,
    lists.CANDIDATES: lists.parse_candidate,
    lists.TRAINED: lists.parse_trained,
    lists.RENAMES: lists.parse_rename,
    lists.REVOCATIONS: lists.parse_revocation,
    lists.MOVES: lists.parse_move,
}
_STEPS: dict[str, tuple[Callable, Callable]] = {
    lists.RESIDENTS: (plan_residents, write_residents),
    lists.CANDIDATES: (plan_candidates, write_candidates),
    lists.TRAINED: (plan_trained, write_trained),
    lists.RENAMES: (plan_renames, write_renames),
    lists.REVOCATIONS: (plan_revocations, write_revocations),
    lists.MOVES: (plan_moves, write_moves),
}


def check_kind(kind: str) -> str:
    if kind not in lists.LIST_KINDS:
        raise DomainError(
            f"未知的名单类别：{kind}（可用：{'、'.join(lists.LIST_KINDS)}）",
            f"unknown list kind: {kind} (use one of {', '.join(lists.LIST_KINDS)})",
            code="unknown_entity_kind",
            kind=kind,
        )
    return kind


def check_level(level: str) -> str:
    if level and level not in rules.LEVELS:
        code = lists.code_of(rules.LEVELS, level)
        if code is None:
            raise DomainError(
                f"未知的级别：{level}",
                f"unknown level: {level} (national, provincial, municipal or district)",
                code="unknown_entity_level",
                level=level,
            )
        return code
    return level


def import_entities(
    kind: str,
    file: FileInput,
    *,
    actor: Actor,
    now: datetime,
    name: str | None = None,
    batch: str = "",
    granted_on: date | None = None,
    level: str = "",
    progress: Callable[[int], None] | None = None,
) -> EntityImportResult:
    """Import one list of `kind` (a recognition kind, or incubator_resident, candidate,
    trained_person, rename, revocation, move) as `actor`: all rows or none.

    `batch`, `granted_on` and `level` apply to every row that gives none: the batch or round
    of a notice, the issue date a 备案公告 prints once for the whole list, the level. For
    rename, revocation and move notices `granted_on` is the notice's effective date.
    An agency admin imports rows within their jurisdiction only; the operator any.
    """
    check_kind(kind)
    level = check_level(level)
    access.check_can_write(actor)
    context = ImportContext(kind, actor, now, access.jurisdiction(actor), EntityImportResult(kind))
    defaults = lists.Defaults(batch.strip(), granted_on, level, context.jurisdiction)
    source = open_records(file, name=name, table=lists.table_for(kind))
    items, problems = _parse(kind, source, defaults, context.result, progress)
    plan_step, write_step = _STEPS.get(kind, (None, None))
    if plan_step is None:
        plan = plan_recognitions(kind, items, context)
    else:
        plan = plan_step(items, context)
    result = context.result
    result.problems = sorted([*problems, *result.problems], key=lambda p: (p.row, p.field))
    if not result.ok:
        result.skipped = 0
        return result
    with bulk.references_checked_per_statement(), transaction.atomic():
        bulk.check_references_now()
        if write_step is None:
            write_recognitions(plan, context)
        else:
            write_step(plan, context)
        audit.append(context.events)
    result.committed = True
    return result


def _parse(
    kind: str,
    source: object,
    defaults: lists.Defaults,
    result: EntityImportResult,
    progress: Callable[[int], None] | None,
) -> tuple[list, list[Problem]]:
    parse = _PARSERS.get(kind)
    items: list = []
    problems: list[Problem] = []
    for row, raw in source:  # type: ignore[attr-defined]
        result.rows += 1
        if parse is None:
            item, found = lists.parse_recognition(kind, raw, row, defaults)
        else:
            item, found = parse(raw, row, defaults)
        problems += found
        if item is not None:
            items.append(item)
        if progress is not None and result.rows % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(result.rows % 1000)
    return items, problems
