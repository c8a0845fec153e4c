"""Signing in and out, changing a password, a seller organisation's sign-up and its profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from techmarket.domain.problems import DomainError, ValidationFailed
from techmarket.registry.selectors import organisation_members, organisation_of
from techmarket.registry.signup import add_colleague, sign_up
from techmarket.web.access import with_actor
from techmarket.web.record_fields import shown_value
from techmarket.web.templatetags.web_format import pick

login_view = auth_views.LoginView.as_view(
    template_name="web/login.html", redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="web/password_change.html", success_url="/password/done/"
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="web/password_change_done.html"
)

SIGNUP_FIELDS = ("name", "identifier", "region", "username", "email", "password", "password2")
# Which form field a refusal of the sign-up service is about.
FIELD_OF_CODE = {
    "party_name_blank": "name",
    "party_exists": "identifier",
    "unknown_nature": "identifier",
    "region_unknown": "region",
    "username_blank": "username",
    "username_invalid": "username",
    "username_too_long": "username",
    "username_taken": "username",
    "email_invalid": "email",
    "password_too_weak": "password",
}


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """自助注册: an organisation with its credit code and region, and its first user."""
    sent = {k: request.POST.get(k, "").strip() for k in SIGNUP_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if sent["password"] != sent["password2"]:
            errors["password2"] = pick(("两次输入的密码不一致", "the two passwords differ"))
        else:
            try:
                profile = sign_up(
                    identifier=sent["identifier"],
                    name=sent["name"],
                    region=sent["region"],
                    username=sent["username"],
                    password=request.POST.get("password", ""),
                    email=sent["email"],
                    today=timezone.localdate(),
                )
            except ValidationFailed as error:
                errors["identifier"] = "；".join(pick(p) for p in error.problems)
            except DomainError as error:
                errors[FIELD_OF_CODE.get(error.code, "name")] = pick(error)
            else:
                login(
                    request,
                    profile.user,
                    backend="techmarket.accounts.backends.ProfileBackend",
                )
                messages.success(
                    request,
                    pick(
                        (
                            "注册成功。登记机构会看到贵单位是新注册的单位。",
                            "Signed up. The registration agency sees your organisation as new.",
                        )
                    ),
                )
                return redirect("web:home")
    sent.pop("password", None)
    sent.pop("password2", None)
    return render(
        request,
        "web/signup.html",
        {"sent": sent, "errors": errors},
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@with_actor
def organisation(request: HttpRequest) -> HttpResponse:
    """The seller's organisation as the registry holds it, the people who act for it, and
    adding a colleague."""
    actor = request.actor  # type: ignore[attr-defined]
    party = organisation_of(actor)
    if party is None:
        return redirect("web:home")
    sent = {k: request.POST.get(k, "").strip() for k in ("username", "email")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            add_colleague(
                actor,
                username=sent["username"],
                password=request.POST.get("password", ""),
                email=sent["email"],
            )
        except DomainError as error:
            errors[FIELD_OF_CODE.get(error.code, "username")] = pick(error)
        else:
            messages.success(
                request, pick((f"已添加用户 {sent['username']}", f"{sent['username']} added"))
            )
            return redirect("web:organisation")
    return render(
        request,
        "web/organisation.html",
        {
            "party": party,
            "region_name": shown_value("seller_region", party.region_code),
            "nature_name": shown_value("seller_nature", party.nature),
            "members": organisation_members(party),
            "sent": sent,
            "errors": errors,
        },
        status=422 if errors else 200,
    )
