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

    code = models.CharField("机构代码", max_length=20, unique=True)
    name = models.CharField("机构名称", max_length=200)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    region_code = models.CharField("行政区划代码", max_length=6)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级机构",
    )
    # None = the rule set's default for the application date.
    review_limit_days = models.PositiveIntegerField("审查时限(天)", null=True, blank=True)
    large_review_limit_days = models.PositiveIntegerField(
        "大额合同审查时限(天)", null=True, blank=True
    )
    large_threshold = models.DecimalField(
        "大额合同标准(元)", max_digits=16, decimal_places=2, null=True, blank=True
    )
    number_format = models.CharField("登记编号格式", max_length=100, default=DEFAULT_FORMAT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "登记机构"
        verbose_name_plural = "登记机构"

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name="用户",
    )
    role = models.CharField("角色", max_length=20, choices=[(r.value, r.value) for r in Role])
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="登记机构",
    )
    party = models.ForeignKey(
        "registry.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="当事人单位",
    )

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for another system acting as a user. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="用户",
    )
    label = models.CharField("说明", max_length=100, blank=True, default="")
    # Shown in lists, so a person can tell tokens apart.
    prefix = models.CharField("令牌前缀", max_length=12)
    digest = models.CharField("SHA-256 摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间")
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class TokenUse(models.Model):
    """Every request made with a token: when, what, from where."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="uses", verbose_name="API 令牌"
    )
    at = models.DateTimeField("使用时间")
    method = models.CharField("请求方法", max_length=10)
    path = models.CharField("请求路径", max_length=500)
    remote_addr = models.CharField("来源地址", max_length=45, blank=True, default="")

    class Meta:
        verbose_name = "API 令牌使用记录"
        verbose_name_plural = "API 令牌使用记录"
