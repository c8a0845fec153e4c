"""Validation problems in the public shape of contract-format.md §7, and the domain error types."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record; `row` counts data rows from 1 (0 = file)."""

    row: int
    field: str
    code: str
    message: str
    message_en: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        return {k: data[k] for k in ("row", "field", "code", "severity", "message", "message_en")}

    def at_row(self, row: int) -> Problem:
        return Problem(row, self.field, self.code, self.message, self.message_en, self.severity)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


class DomainError(Exception):
    """A refusal by the rules, with a stable code each front end translates once."""

    code = "domain_error"
    exit_code = 1

    def __init__(self, message: str, message_en: str = "", **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
        self.details = details


class ValidationFailed(DomainError):
    code = "validation_failed"
    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"记录有 {len(errors)} 个错误", f"the record has {len(errors)} error(s)")
        self.problems = problems


class NotFound(DomainError):
    code = "not_found"
    exit_code = 4


class PermissionDenied(DomainError):
    code = "permission_denied"
    exit_code = 3


class InvalidTransition(DomainError):
    code = "invalid_transition"
    exit_code = 5


class StaleObject(DomainError):
    """Someone else changed the contract since it was read (optimistic locking)."""

    code = "stale_object"
    exit_code = 6


class FileProblem(DomainError):
    """A whole file cannot be read: wrong encoding, no header, unknown columns, formulas."""

    code = "file_problem"
    exit_code = 2
