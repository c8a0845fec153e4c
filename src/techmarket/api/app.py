"""The API object: routers, authentication, and one translation of every error to a problem."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from techmarket.api import attachments, contracts, problems, reference
from techmarket.api.auth import AUTH
from techmarket.domain.problems import DomainError

api = NinjaAPI(
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
api.add_router("/contracts", contracts.router)
api.add_router("/contracts", attachments.router)
api.add_router("/", reference.router)


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
