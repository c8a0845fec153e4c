"""The agency administrator's pages: the agency's people, the working-day calendar, and the
number format and review limits. What Django admin did for them, through the services.

Every decision (who may, what is valid) is the services' (registry/agency_admin.py,
agency_users.py, agency_calendar.py); a page only shows their answers beside the fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from techmarket.domain.problems import DomainError, NotFound, PermissionDenied, ValidationFailed
from techmarket.registry import agency_calendar, agency_users
from techmarket.registry.agency_admin import (
    administered_agency,
    default_rules,
    preview_number,
    save_settings,
)
from techmarket.registry.calendar import parse_day
from techmarket.web.access import with_actor
from techmarket.web.context import ROLE_NAMES
from techmarket.web.templatetags.web_format import pick

USER_FIELDS = ("username", "role", "email", "password", "password2")
SETTING_FIELDS = (
    "number_format",
    "review_limit_days",
    "large_review_limit_days",
    "large_threshold",
)
WEEKDAYS = [
    (zh, en)
    for zh, en in zip("一二三四五六日", ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"), strict=True)
]
# Which field a refusal without a `field` detail is about.
FIELD_OF_CODE = {
    "username_blank": "username",
    "username_invalid": "username",
    "username_too_long": "username",
}


def _field_of(error: DomainError, default: str) -> str:
    return str(error.details.get("field") or FIELD_OF_CODE.get(error.code, default))


def _done(request: HttpRequest, zh: str, en: str) -> None:
    messages.success(request, pick((zh, en)))


# --- People ---------------------------------------------------------------------------------


@require_safe
@with_actor
def users(request: HttpRequest) -> HttpResponse:
    """本机构用户: everyone with a role here, active or not."""
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "web/agency/users.html",
        {
            "agency": administered_agency(actor),
            "members": agency_users.agency_members(actor),
            "role_names": ROLE_NAMES,
            "tab": "users",
        },
    )


@require_http_methods(["GET", "POST"])
@with_actor
def user_new(request: HttpRequest) -> HttpResponse:
    """Add a registrar or agency admin with an initial password."""
    actor = request.actor  # type: ignore[attr-defined]
    agency = administered_agency(actor)
    sent = {k: request.POST.get(k, "").strip() for k in USER_FIELDS if "password" not in k}
    sent.setdefault("role", "registrar")
    sent["role"] = sent["role"] or "registrar"
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            errors["password2"] = pick(("两次输入的密码不一致", "the two passwords differ"))
        else:
            try:
                profile = agency_users.add_member(
                    actor,
                    username=sent["username"],
                    role=sent["role"],
                    password=password,
                    email=sent["email"],
                    now=timezone.now(),
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as error:
                errors[_field_of(error, "username")] = pick(error)
            else:
                _done(
                    request,
                    f"已添加用户 {profile.user.username}",
                    f"User {profile.user.username} added",
                )
                return redirect("web:agency_users")
    return render(
        request,
        "web/agency/user_new.html",
        {
            "agency": agency,
            "sent": sent,
            "errors": errors,
            "roles": [(r, ROLE_NAMES[r]) for r in agency_users.ASSIGNABLE_ROLES],
            "tab": "users",
        },
        status=422 if errors else 200,
    )


def _user_page(
    request: HttpRequest, username: str, *, password_error: str = "", status: int = 200
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    profile = agency_users.member(actor, username)
    return render(
        request,
        "web/agency/user.html",
        {
            "agency": profile.agency,
            "member": profile,
            "role_name": ROLE_NAMES.get(profile.role, (profile.role, profile.role)),
            "is_self": profile.user.pk == actor.user_id,
            "password_error": password_error,
            "tab": "users",
        },
        status=status,
    )


@require_safe
@with_actor
def user(request: HttpRequest, username: str) -> HttpResponse:
    """One member: their account, and the buttons to deactivate, reactivate, set a password."""
    return _user_page(request, username)


@require_POST
@with_actor
def user_active(request: HttpRequest, username: str) -> HttpResponse:
    active = request.POST.get("active") == "1"
    agency_users.set_active(request.actor, username, active=active, now=timezone.now())  # type: ignore[attr-defined]
    if active:
        _done(request, f"已启用 {username}", f"{username} can sign in again")
    else:
        _done(request, f"已停用 {username}", f"{username} is deactivated")
    return redirect("web:agency_user", username=username)


@require_POST
@with_actor
def user_password(request: HttpRequest, username: str) -> HttpResponse:
    password = request.POST.get("password", "")
    if password != request.POST.get("password2", ""):
        message = pick(("两次输入的密码不一致", "the two passwords differ"))
        return _user_page(request, username, password_error=message, status=422)
    try:
        agency_users.reset_password(
            request.actor,  # type: ignore[attr-defined]
            username,
            password=password,
            now=timezone.now(),
        )
    except DomainError as error:
        if error.code != "password_too_weak":
            raise
        return _user_page(request, username, password_error=pick(error), status=422)
    _done(request, f"已为 {username} 设置新密码", f"New password set for {username}")
    return redirect("web:agency_user", username=username)


# --- Working-day calendar ----------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    today = timezone.localdate()
    return int(text) if text.isdecimal() and 2000 <= int(text) <= today.year + 5 else today.year


@require_safe
@with_actor
def calendar(request: HttpRequest) -> HttpResponse:
    """The year's month grids with holidays, make-up days and the overrides."""
    return _calendar_page(request, _year(request))


def _calendar_page(
    request: HttpRequest,
    year: int,
    *,
    sent: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    view = agency_calendar.year_view(actor, year)
    return render(
        request,
        "web/agency/calendar.html",
        {
            "agency": administered_agency(actor),
            "view": view,
            "may_change": agency_calendar.may_change_calendar(actor),
            "years": (year - 1, year + 1),
            "weekdays": WEEKDAYS,
            "sent": sent or {"working": "0"},
            "errors": errors or {},
            "tab": "calendar",
        },
        status=422 if errors else 200,
    )


@require_POST
@with_actor
def calendar_set(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    sent = {k: request.POST.get(k, "").strip() for k in ("day", "working", "note")}
    year = _year(request)
    errors: dict[str, str] = {}
    day: date | None = None
    try:
        day = parse_day(sent["day"])
    except DomainError as error:
        errors["day"] = pick(error)
    if day is not None:
        try:
            spanning = agency_calendar.set_day(
                actor, day, working=sent["working"] == "1", note=sent["note"], now=timezone.now()
            )
        except DomainError as error:
            if error.code not in ("note_required", "note_too_long"):
                raise
            errors["note"] = pick(error)
        else:
            _done(request, f"已设定 {day}", f"{day} is set")
            _tell_spanning(request, spanning)
            return redirect(f"{_calendar_url()}?year={day.year}")
    return _calendar_page(request, day.year if day else year, sent=sent, errors=errors)


@require_POST
@with_actor
def calendar_remove(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.POST.get("day", ""))
    spanning = agency_calendar.remove_day(request.actor, day, now=timezone.now())  # type: ignore[attr-defined]
    _done(request, f"已删除 {day} 的设定", f"The entry for {day} is removed")
    _tell_spanning(request, spanning)
    return redirect(f"{_calendar_url()}?year={day.year}")


def _calendar_url() -> str:
    return reverse("web:agency_calendar")


def _tell_spanning(request: HttpRequest, count: int) -> None:
    if count:
        messages.warning(
            request,
            pick(
                (
                    f"有 {count} 件审查中的合同，其办理期限跨越这一天，已按原日历计算，不会自动重算",
                    f"{count} contract(s) under review have a deadline counted across this day "
                    "with the old calendar; they are not recounted",
                )
            ),
        )


# --- Number format and deadlines ---------------------------------------------------------------


def _settings_values(agency: Any) -> dict[str, str]:
    return {
        name: "" if getattr(agency, name) is None else str(getattr(agency, name))
        for name in SETTING_FIELDS
    }


@require_http_methods(["GET", "POST"])
@with_actor
def settings(request: HttpRequest) -> HttpResponse:
    """登记编号格式与审查时限, every field's problem beside it."""
    actor = request.actor  # type: ignore[attr-defined]
    agency = administered_agency(actor)
    sent = _settings_values(agency)
    problems: list[Any] = []
    if request.method == "POST":
        sent = {k: request.POST.get(k, "").strip() for k in SETTING_FIELDS}
        try:
            changed = save_settings(actor, **sent, now=timezone.now())
        except ValidationFailed as error:
            problems = list(error.problems)
        else:
            if changed:
                _done(request, "已保存本机构设置", "The agency's settings are saved")
            else:
                _done(request, "设置没有变化", "Nothing changed")
            return redirect("web:agency_settings")
    errors = {p.field: pick(p) for p in problems}
    return render(
        request,
        "web/agency/settings.html",
        {
            "agency": agency,
            "sent": sent,
            "errors": errors,
            "summary": problems,
            "rules": default_rules(timezone.localdate()),
            "preview": _preview(actor, sent["number_format"]),
            "tab": "settings",
        },
        status=422 if errors else 200,
    )


def _preview(actor: Any, number_format: str) -> dict[str, Any]:
    try:
        return {"ok": preview_number(actor, number_format, timezone.localdate())}
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        return {"error": error}


@require_safe
@with_actor
def settings_preview(request: HttpRequest) -> HttpResponse:
    """The next number in the format being typed (htmx, as the admin types)."""
    preview = _preview(request.actor, request.GET.get("number_format", "").strip())  # type: ignore[attr-defined]
    return render(request, "web/agency/number_preview.html", {"preview": preview})
