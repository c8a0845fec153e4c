"""Creating the people who use the platform: a role at an agency, or for a seller party."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation

from techmarket.accounts.models import Agency, Profile
from techmarket.domain.problems import Conflict, DomainError, NotFound
from techmarket.domain.workflow import Role
from techmarket.registry.models import Party
from techmarket.registry.parties import register_organisation


@transaction.atomic  # a new organisation and its first user are made together or not at all
def save_user(
    username: str,
    *,
    role: str,
    password: str | None = None,
    agency_code: str | None = None,
    party_identifier: str | None = None,
    party_name: str | None = None,
    party_region: str | None = None,
    today: date | None = None,
) -> Profile:
    """Create or update a user with one role at an agency or for a seller party; with a
    party name and region, a seller organisation that is new is created (its identifier
    checked)."""
    username = checked_username(username)
    try:
        role_value = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise DomainError(
            f"角色 {role} 无效（可用：{known}）",
            f"unknown role {role} (use one of: {known})",
            code="unknown_role",
            role=role,
        ) from None
    agency = party = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise NotFound(
                f"登记机构 {agency_code} 不存在",
                f"no agency {agency_code}",
                code="agency_not_found",
                agency=agency_code,
            )
    if party_identifier:
        party = Party.objects.filter(identifier=party_identifier.upper()).first()
        if party is None and party_name:
            party = register_organisation(
                party_identifier,
                name=party_name,
                region=party_region or "",
                today=today or date.today(),
            )
        if party is None:
            raise NotFound(
                f"单位 {party_identifier} 不存在",
                f"no party {party_identifier}",
                code="party_not_found",
                party=party_identifier,
            )
    if role_value in (Role.REGISTRAR, Role.AGENCY_ADMIN, Role.ANALYST) and agency is None:
        raise DomainError(
            "登记员、机构管理员和分析员须属于一个登记机构",
            f"a user with the role {role_value} must belong to a registration agency",
            code="agency_required",
            role=str(role_value),
        )
    if role_value is Role.SELLER and party is None:
        raise DomainError(
            "卖方用户须属于一个卖方单位（以单位证件号指定）",
            "a seller must belong to a seller organisation, named by its identifier",
            code="party_required",
        )
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=username)
        if password:
            user.set_password(password)
            user.save()
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"role": role_value, "agency": agency, "party": party}
        )
    return profile


def checked_username(username: str) -> str:
    """Django's own rule for usernames, so the login form accepts what the CLI created."""
    model = get_user_model()
    limit = model._meta.get_field(model.USERNAME_FIELD).max_length
    username = model.normalize_username(username)
    if not username.strip():
        raise DomainError("用户名不能为空", "the username must not be blank", code="username_blank")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError(
            f"用户名 {username!r} 无效：只能含字母、数字和 @ . + - _",
            f"username {username!r} is invalid: use only letters, digits and @ . + - _",
            code="username_invalid",
        ) from None
    if limit is not None and len(username) > limit:
        raise DomainError(
            f"用户名最长 {limit} 个字符",
            f"the username is at most {limit} characters long",
            code="username_too_long",
        )
    return username


def password_problem(password: str, username: str) -> DomainError | None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), their messages in
    both languages; None for an acceptable password."""
    user = get_user_model()(username=username)
    messages = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as error:
                messages[language] = " ".join(error.messages)
    if not messages:
        return None
    return DomainError(
        messages["zh-hans"], messages["en"], code="password_too_weak", field="password"
    )


def new_user(username: str, *, password: str, email: str = "") -> object:
    """A new sign-in account, checked: the username well formed and free, the e-mail address
    well formed, the password past Django's validators. Created, never found (`save_user` would
    take over an account someone made a moment ago); call it inside the caller's transaction."""
    username = checked_username(username)
    if get_user_model().objects.filter(username=username).exists():
        raise _taken(username)
    email = checked_email(email)
    weak = password_problem(password, username)
    if weak is not None:
        raise weak
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(username, email=email, password=password)
    except IntegrityError:  # taken between the check and the insert
        raise _taken(username) from None


def _taken(username: str) -> Conflict:
    return Conflict(
        f"用户名 {username} 已被使用，请换一个",
        f"the username {username} is taken; choose another",
        code="username_taken",
        field="username",
    )


def checked_email(email: str) -> str:
    """An e-mail address as given (stripped), or "" for none; a malformed one is refused."""
    email = email.strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            f"电子邮箱 {email!r} 格式无效",
            f"{email!r} is not a valid e-mail address",
            code="email_invalid",
            field="email",
        ) from None
    return email
