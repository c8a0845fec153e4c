"""What every entity import shares: its result, its problems, its actor's reach, its events.

An import checks the whole file first and collects every problem with its row and field; only
a file without an error is written, in one transaction, each created or changed row with its
audit event (`entity_<action>`, as the single-change services write them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from techmarket.codes.regions import ROOT, is_within
from techmarket.domain.problems import Problem, has_errors
from techmarket.registry import audit
from techmarket.registry.actors import Actor


@dataclass
class EntityImportResult:
    """What an import did, or would have done: rows read, created, updated, skipped (the same
    as already recorded) and every problem; `unmatched` lists the names that matched nothing."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    unmatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportContext:
    """One run: who imports, when, within which region, and what it found and will record."""

    kind: str
    actor: Actor
    now: datetime
    jurisdiction: str  # 000000 for the operator
    result: EntityImportResult
    events: list[audit.PendingEvent] = field(default_factory=list)

    def problem(self, row: int, key: str, code: str, zh: str, en: str) -> None:
        self.result.problems.append(Problem(row, key, code, zh, en))

    def check_region(self, row: int, key: str, region: str, what: str) -> bool:
        """Whether the actor may write about something in `region`; a problem otherwise.

        The operator writes anywhere; an agency admin within their jurisdiction only, so a row
        whose region is unknown is refused for them rather than guessed.
        """
        if self.jurisdiction == ROOT:
            return True
        if not region:
            self.problem(
                row,
                key,
                "region_required",
                f"无法确定{what}的所在地区，不能判断是否属于本机构管辖范围：请填写所在地区",
                f"the region of the {key} is unknown, so the jurisdiction cannot be checked: "
                "give its region",
            )
            return False
        if not is_within(region, self.jurisdiction):
            self.problem(
                row,
                key,
                "region_not_in_jurisdiction",
                f"{what}所在地区 {region} 不在本机构管辖范围（{self.jurisdiction}）内",
                f"region {region} is outside the agency's jurisdiction ({self.jurisdiction})",
            )
            return False
        return True

    def duplicate(self, row: int, key: str, earlier: int, what: str) -> None:
        self.problem(
            row,
            key,
            "duplicate_in_file",
            f"{what}在文件中重复（第 {earlier} 行已出现）",
            f"{what} repeats row {earlier} of the file",
        )

    def event(
        self,
        entity: str,
        pk: int,
        label: str,
        action: str,
        *,
        from_status: str = "",
        to_status: str = "",
        **payload: object,
    ) -> None:
        """An audit event as `entities.audit.event` writes it, about a row of the register;
        `label` names its organisation (credit code or name) or person."""
        details = {k: str(v) for k, v in payload.items() if v not in (None, "")}
        details.update(entity=entity, id=str(pk), party=label)
        self.events.append(
            audit.PendingEvent(
                None,
                self.actor.username,
                f"entity_{action}",
                from_status,
                to_status,
                self.now,
                details,
            )
        )
