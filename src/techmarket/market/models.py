"""Achievements (科技成果) and demands (技术需求): the listings companies and holders publish.

The fields are those of `domain.listings` (one table for files, forms and these columns);
statuses come from `domain.listing_workflow`. Amounts are yuan to the fen (DESIGN §4), and
`price_negotiable` / `budget_negotiable` say 面议. `vector` holds the listing's dense embedding
(float32 bytes) once the matching engine has made it; NULL means not (yet) embedded.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from techmarket.accounts.models import Agency
from techmarket.codes.lists import code_list
from techmarket.domain.listing_workflow import LISTING_STATUS_LABELS, ListingStatus
from techmarket.domain.listings import TABLES
from techmarket.registry.models import Party

AMOUNT = {"max_digits": 16, "decimal_places": 2}
STATUS_CHOICES = [(s.value, LISTING_STATUS_LABELS[s][0]) for s in ListingStatus]


def _choices(list_name: str) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in code_list(list_name)]


def _label(kind: str, key: str) -> str:
    """A field's Chinese header (domain/listings.py), so the admin spells it as files do."""
    return TABLES[kind].by_key[key].label_zh


class Listing(models.Model):
    """What achievements and demands share: identity, text, place, workflow and the vector."""

    title = models.CharField("名称", max_length=200)
    summary = models.TextField("摘要")
    indicators = models.TextField("技术指标", blank=True, default="")
    tech_field = models.CharField(
        "技术领域", max_length=2, blank=True, default="", choices=_choices("tech_fields")
    )
    industry = models.CharField("行业", max_length=100, blank=True, default="")
    region_code = models.CharField("所在地区", max_length=6, blank=True, default="")
    contact = models.CharField("联系方式", max_length=200, blank=True, default="")

    status = models.CharField(
        "状态", max_length=12, choices=STATUS_CHOICES, default=ListingStatus.DRAFT.value
    )
    owner = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发布单位",
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核机构",
    )
    note = models.TextField("审核意见", blank=True, default="")
    fingerprint = models.CharField("内容指纹", max_length=64)
    version = models.PositiveIntegerField("版本号", default=1)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")
    vector = models.BinaryField("语义向量", null=True, blank=True, editable=False)
    vector_model = models.CharField("向量模型", max_length=100, blank=True, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.external_id} {self.title}"  # type: ignore[attr-defined]


class Achievement(Listing):
    """A technology achievement offered for transfer, licence, equity or cooperation."""

    external_id = models.CharField(
        _label("achievement", "external_id"), max_length=100, unique=True
    )
    maturity = models.CharField(
        "成熟度", max_length=20, blank=True, default="", choices=_choices("listing_maturities")
    )
    trl = models.PositiveSmallIntegerField("技术就绪度", null=True, blank=True)
    ip_type = models.CharField(
        "知识产权类型", max_length=2, blank=True, default="", choices=_choices("ip_types")
    )
    patent_numbers = models.TextField("专利号", blank=True, default="")
    transfer_modes = models.CharField("转化方式", max_length=200, blank=True, default="")
    price = models.DecimalField("价格(元)", null=True, blank=True, **AMOUNT)
    price_negotiable = models.BooleanField("价格面议", default=False)
    holder_name = models.CharField("持有单位", max_length=200, blank=True, default="")
    holder_id = models.CharField("持有单位证件号", max_length=18, blank=True, default="")
    holder_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="持有单位（已登记）",
    )
    holder_type = models.CharField(
        "持有人类型",
        max_length=20,
        blank=True,
        default="",
        choices=_choices("listing_holder_types"),
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        indexes = [
            models.Index(fields=["status", "tech_field"], name="achievement_status_field"),
            models.Index(fields=["region_code"], name="achievement_region"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="achievement_trl_1_to_9",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="achievement_price_positive"
            ),
        ]


class Demand(Listing):
    """A company's technology need: a problem, target indicators, budget and cooperation mode."""

    external_id = models.CharField(_label("demand", "external_id"), max_length=100, unique=True)
    conditions = models.TextField("现有条件", blank=True, default="")
    budget_min = models.DecimalField("预算下限(元)", null=True, blank=True, **AMOUNT)
    budget_max = models.DecimalField("预算上限(元)", null=True, blank=True, **AMOUNT)
    budget_negotiable = models.BooleanField("预算面议", default=False)
    cooperation_modes = models.CharField("合作方式", max_length=200, blank=True, default="")
    company_name = models.CharField("需求单位", max_length=200, blank=True, default="")
    company_id = models.CharField("需求单位证件号", max_length=18, blank=True, default="")
    company_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="需求单位（已登记）",
    )
    company_type = models.CharField(
        "企业类型", max_length=20, blank=True, default="", choices=_choices("listing_company_types")
    )
    deadline = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        indexes = [
            models.Index(fields=["status", "tech_field"], name="demand_status_field"),
            models.Index(fields=["region_code"], name="demand_region"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=F("budget_max")),
                name="demand_budget_range_ordered",
            ),
        ]


LISTING_MODELS: dict[str, type[Listing]] = {"achievement": Achievement, "demand": Demand}
