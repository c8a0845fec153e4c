"""Agencies (a tree with jurisdictions) and the people who act for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from techmarket.domain.numbering import DEFAULT_FORMAT, validate_format
from techmarket.domain.problems import DomainError
from techmarket.domain.workflow import Role


class Agency(models.Model):
    """A registration agency (登记机构); its region is its jurisdiction."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区县级"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices)
    region_code = models.CharField(max_length=6)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # None = the rule set's default for the application date.
    review_limit_days = models.PositiveIntegerField(null=True, blank=True)
    large_review_limit_days = models.PositiveIntegerField(null=True, blank=True)
    large_threshold = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    number_format = models.CharField(max_length=100, default=DEFAULT_FORMAT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """The admin form's check: a number format that cannot repeat numbers."""
        try:
            validate_format(self.number_format)
        except DomainError as error:
            raise ValidationError(
                {"number_format": f"{error.message} / {error.message_en}"}
            ) from None


class Profile(models.Model):
    """What a user is in the platform: one role, at one agency or for one seller party."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role])
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    party = models.ForeignKey(
        "registry.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for another system acting as a user. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=12)  # shown in lists, so a person can tell tokens apart
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class TokenUse(models.Model):
    """Every request made with a token: when, what, from where."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    remote_addr = models.CharField(max_length=45, blank=True, default="")
