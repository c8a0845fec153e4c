"""Errors as RFC 9457 problem details (application/problem+json), with the stable code.

Each kind of refusal maps to one HTTP status here, the only place that knows about HTTP.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from techmarket.domain.problems import (
    Conflict,
    DomainError,
    FileProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleObject,
    Unavailable,
    ValidationFailed,
)

CONTENT_TYPE = "application/problem+json"

STATUSES: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 422),
    (FileProblem, 422),
    (NotFound, 404),
    (PermissionDenied, 403),
    (InvalidTransition, 409),
    (Conflict, 409),
    (StaleObject, 412),
    (Unavailable, 503),
)


def status_for(error: DomainError) -> int:
    return next((status for kind, status in STATUSES if isinstance(error, kind)), 422)


def problem(
    status: int,
    code: str,
    message: str,
    message_en: str,
    *,
    problems: list[dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:techmarket:problem:{code}",
        "title": message_en,
        "status": status,
        "detail": message,
        "code": code,
        "message": message,
        "message_en": message_en,
        "problems": problems or [],
    }
    for key, value in (details or {}).items():
        # A refusal's own details (which field, which contract) sit beside the standard
        # members; one named like a member keeps its meaning under a longer name.
        body[key if key not in body else f"{key}_detail"] = value
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def from_domain_error(error: DomainError) -> HttpResponse:
    problems = [p.as_dict() for p in getattr(error, "problems", [])]
    details = {
        k: v if isinstance(v, int | float | bool) else str(v) for k, v in error.details.items()
    }
    return problem(
        status_for(error),
        error.code,
        error.message,
        error.message_en,
        problems=problems,
        details=details,
    )


def unauthenticated(request: HttpRequest | None = None) -> HttpResponse:
    response = problem(
        401,
        "not_authenticated",
        "请先登录，或在 Authorization 头中提供有效的令牌",
        "sign in, or send a valid token as `Authorization: Bearer <token>`",
    )
    response["WWW-Authenticate"] = 'Bearer realm="techmarket"'
    return response


def invalid_request(errors: list[dict[str, Any]]) -> HttpResponse:
    """The request's shape is wrong (ninja/pydantic): each error as a problem on its field."""
    problems = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        field = ".".join(location[2:] if location[:1] == ["body"] else location[1:]) or ".".join(
            location
        )
        message = str(error.get("msg", "invalid"))
        problems.append(
            {
                "row": 0,
                "field": field,
                "code": str(error.get("type", "invalid")),
                "severity": "error",
                "message": f"{field}：{message}",
                "message_en": f"{field}: {message}",
            }
        )
    return problem(
        422,
        "invalid_request",
        f"请求有 {len(problems)} 处格式错误",
        f"the request has {len(problems)} error(s) in its shape",
        problems=problems,
    )
