"""The API object: routers, authentication, and one translation of every error to a problem."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from techmarket.api import (
    attachments,
    batch_lists,
    brokers,
    contracts,
    entities,
    entity_changes,
    entity_imports,
    funnel,
    imports,
    income,
    leads,
    listings,
    matches,
    precheck,
    problems,
    reference,
    stats,
)
from techmarket.api.auth import AUTH
from techmarket.domain.problems import DomainError


class ProblemJsonAPI(NinjaAPI):
    """Says in the OpenAPI document that errors come as application/problem+json."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
        return schema


api = ProblemJsonAPI(
    title="techmarket API",
    version="1",
    description=(
        "技术合同认定登记与技术市场统计 REST API. Authenticate with `Authorization: Bearer "
        "<token>` (create one with `techmarket tokens create USER`) or the browser session. "
        "Errors are RFC 9457 problem details with a stable `code`."
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/contracts", precheck.router)
api.add_router("/contracts", contracts.router)
api.add_router("/imports", imports.router)
api.add_router("/batch-lists", batch_lists.router)
api.add_router("/contracts", attachments.router)
api.add_router("/contracts", income.router)
api.add_router("/achievements", listings.achievements)
api.add_router("/demands", listings.demands)
api.add_router("/leads", leads.router)
api.add_router("/brokers", brokers.router)
api.add_router("/", funnel.router)
api.add_router("/achievements", matches.achievement_matches)
api.add_router("/demands", matches.demand_matches)
api.add_router("/market", matches.market)
api.add_router("/", reference.router)
api.add_router("/", stats.router)
api.add_router("/entities", entities.router)
api.add_router("/entities", entity_imports.router)
api.add_router("/entities", entity_changes.router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problems.from_domain_error(error)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problems.unauthenticated(request)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return problems.invalid_request(list(error.errors))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """ninja's own refusals (a body that is not JSON, a forbidden CSRF) as problems too."""
    code = {400: "unreadable_body", 403: "csrf_failed"}.get(error.status_code, "http_error")
    return problems.problem(
        error.status_code,
        code,
        f"请求无法处理：{error.message}",
        f"the request cannot be handled: {error.message}",
    )
