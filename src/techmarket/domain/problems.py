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
    """A refusal by the rules.

    `code` is stable for each refusal (e.g. `not_in_jurisdiction`); the class says what kind of
    refusal it is, and each front end maps the kind once (a CLI exit code, an HTTP status).
    Messages say what is wrong, in Chinese and in English, and never name a front end's options.
    """

    default_code = "refused"

    def __init__(
        self, message: str, message_en: str = "", *, code: str | None = None, **details: object
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.message_en = message_en or message
        self.details = details


class ValidationFailed(DomainError):
    """The record breaks field rules; `problems` lists every one (contract-format.md §7)."""

    default_code = "validation_failed"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"记录有 {len(errors)} 个错误", f"the record has {len(errors)} error(s)")
        self.problems = problems


class NotFound(DomainError):
    """No such object, or one the actor may not know exists."""

    default_code = "not_found"


class PermissionDenied(DomainError):
    """The actor may see the object but not do this to it."""

    default_code = "permission_denied"


class InvalidTransition(DomainError):
    """The move is not legal from the object's current state."""

    default_code = "invalid_transition"


class Conflict(DomainError):
    """The write would clash with data already stored (a duplicate, a taken number)."""

    default_code = "conflict"


class StaleObject(DomainError):
    """Someone else changed the contract since it was read (optimistic locking)."""

    default_code = "stale_version"


class FileProblem(DomainError):
    """A whole file cannot be read: wrong encoding, no header, unknown columns, formulas."""

    default_code = "file_problem"


class Unavailable(DomainError):
    """A resource the platform needs (the database, the snapshot) cannot be used now."""

    default_code = "unavailable"
