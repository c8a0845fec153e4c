"""Achievements (科技成果) and demands (技术需求), the brokers who bring them together and the
leads they follow to a registered contract.

The fields are those of `domain.listings` (one table for files, forms and these columns);
statuses come from `domain.listing_workflow`. Amounts are yuan to the fen (DESIGN §4), and
`price_negotiable` / `budget_negotiable` say 面议. `vector` holds the listing's dense embedding
(float32 bytes) once the matching engine has made it; NULL means not (yet) embedded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from techmarket.accounts.models import Agency
from techmarket.codes.lists import code_list
from techmarket.domain.lead_workflow import LEAD_STATUS_LABELS, LeadStatus
from techmarket.domain.listing_workflow import LISTING_STATUS_LABELS, ListingStatus
from techmarket.domain.listings import TABLES
from techmarket.registry.models import Contract, Party

AMOUNT = {"max_digits": 16, "decimal_places": 2}
STATUS_CHOICES = [(s.value, LISTING_STATUS_LABELS[s][0]) for s in ListingStatus]
LEAD_STATUS_CHOICES = [(s.value, LEAD_STATUS_LABELS[s][0]) for s in LeadStatus]


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
    stage_needed = models.CharField(
        "所需成熟度",
        max_length=20,
        blank=True,
        default="",
        db_default="",
        choices=_choices("listing_maturities"),
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


class BrokerProfile(models.Model):
    """One person who brokers technology deals (技术经纪人 / 技术经理人): a plain record of
    who they are, what they cover and what training they had.

    `user` links the person's sign-in (role broker); it is empty for a person known only from
    a training list, so the innovation-entities register can count trained people with the same
    rows. Fields and regions are `;`-joined codes (technology fields, GB/T 2260). The track
    record is computed from the broker's leads (`lead_selectors.track_record`), never stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broker_profile",
        verbose_name="用户",
    )
    name = models.CharField("姓名", max_length=100)
    fields = models.CharField("技术领域", max_length=100, blank=True, default="")
    regions = models.CharField("服务地区", max_length=200, blank=True, default="")
    certificate_number = models.CharField("证书编号", max_length=50, blank=True, default="")
    organisation = models.CharField("所在机构", max_length=200, blank=True, default="")
    version = models.PositiveIntegerField("版本号", default=1)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "技术经纪人"
        verbose_name_plural = "技术经纪人"

    def __str__(self) -> str:
        return self.name

    @property
    def field_codes(self) -> list[str]:
        return [code for code in self.fields.split(";") if code]

    @property
    def region_codes(self) -> list[str]:
        return [code for code in self.regions.split(";") if code]


class Training(models.Model):
    """A course one person attended (date, course, hours, issuer): the training record."""

    person = models.ForeignKey(
        BrokerProfile, on_delete=models.CASCADE, related_name="trainings", verbose_name="人员"
    )
    on = models.DateField("培训日期")
    course = models.CharField("课程", max_length=200)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    issuer = models.CharField("培训或发证单位", max_length=200, blank=True, default="")
    # The national outline's level (domain.entities.TRAINING_LEVELS) and the certificate or
    # 备案 number, when a training list names them; the region the list counts the person in.
    level = models.CharField("培训等级", max_length=24, blank=True, default="", db_default="")
    certificate_number = models.CharField(
        "结业证书编号", max_length=50, blank=True, default="", db_default=""
    )
    region_code = models.CharField("所在地区", max_length=6, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "on", "course"], name="training_once"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.course}"


class Lead(models.Model):
    """A match between an achievement and a demand, followed towards a registered contract.

    The stage timestamps record when the lead reached each stage (set once, in the transaction
    that writes the stage's audit event); the funnel counts by them. `tech_field` and
    `region_code` are taken from the listings when the lead is proposed (the achievement's
    field, the demand's region: where the technology is taken up), so a report does not move
    when a listing is edited later. 成交额 and 技术交易额 are read from `contract`.
    """

    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="leads", verbose_name="科技成果"
    )
    demand = models.ForeignKey(
        Demand, on_delete=models.PROTECT, related_name="leads", verbose_name="技术需求"
    )
    broker = models.ForeignKey(
        BrokerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name="技术经纪人",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="推荐人",
    )
    proposer = models.CharField("推荐人（登录名）", max_length=150)
    status = models.CharField(
        "状态", max_length=12, choices=LEAD_STATUS_CHOICES, default=LeadStatus.PROPOSED.value
    )
    score = models.FloatField("匹配得分", null=True, blank=True)
    rank = models.PositiveIntegerField("匹配名次", null=True, blank=True)
    tech_field = models.CharField("技术领域", max_length=2, blank=True, default="")
    region_code = models.CharField("地区", max_length=6, blank=True, default="")
    note = models.TextField("最近说明", blank=True, default="")
    drop_reason = models.TextField("放弃原因", blank=True, default="")
    contract = models.OneToOneField(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
        verbose_name="已登记合同",
    )
    version = models.PositiveIntegerField("版本号", default=1)
    proposed_at = models.DateTimeField("推荐时间")
    contacted_at = models.DateTimeField("接洽时间", null=True, blank=True)
    negotiating_at = models.DateTimeField("洽谈时间", null=True, blank=True)
    signed_at = models.DateTimeField("签约时间", null=True, blank=True)
    registered_at = models.DateTimeField("登记关联时间", null=True, blank=True)
    dropped_at = models.DateTimeField("放弃时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "对接线索"
        verbose_name_plural = "对接线索"
        indexes = [
            models.Index(fields=["status"], name="lead_status"),
            models.Index(fields=["region_code"], name="lead_region"),
        ]
        constraints = [
            # One open (or successful) lead per pair: a second would count the deal twice.
            models.UniqueConstraint(
                fields=["achievement", "demand"],
                condition=~Q(status=LeadStatus.DROPPED.value),
                name="lead_one_live_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="lead_rank_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"线索 {self.pk}：{self.achievement_id} → {self.demand_id}"
