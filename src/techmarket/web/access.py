"""The signed-in browser as an Actor, and refusals turned into pages.

Pages decide nothing about access: they take the Actor of the session (the same one the API's
token or the CLI's `--as` gives) and let the services refuse. A contract out of reach reads as
absent (404), exactly as over the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techmarket.domain.problems import DomainError, NotFound, PermissionDenied
from techmarket.registry.actors import actor_for_user

View = Callable[..., HttpResponse]


def error_page(request: HttpRequest, status: int, error: DomainError | None = None) -> HttpResponse:
    """The house-style 403/404 page with the service's own words."""
    return render(request, f"{status}.html", {"error": error}, status=status)


def with_actor(view: View) -> View:
    """Sign-in required; the session's user acts as its Actor; refusals become pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor = actor_for_user(request.user)
        if actor is None:
            return error_page(
                request,
                403,
                PermissionDenied(
                    "此账号没有分配角色，请联系登记机构管理员",
                    "this account has no role yet; ask your agency's administrator",
                    code="no_role",
                ),
            )
        request.actor = actor  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            return error_page(request, 404, error)
        except PermissionDenied as error:
            return error_page(request, 403, error)
        except DomainError as error:  # a refusal no form of the page catches: say it plainly
            return render(request, "web/refused.html", {"error": error}, status=422)

    return wrapped
