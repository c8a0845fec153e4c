"""Parties, contracts and what happens to them: versions, audit events, numbers, certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from techmarket.accounts.models import Agency
from techmarket.domain.fields import FIELDS_BY_KEY
from techmarket.domain.identifiers import masked_party_id
from techmarket.domain.income import STANDING, IncomeStatus
from techmarket.domain.objections import ObjectionStatus
from techmarket.domain.workflow import Status
from techmarket.registry import rules

AMOUNT = {"max_digits": 16, "decimal_places": 2}


def _label(key: str) -> str:
    """A record field's Chinese header (domain/fields.py), so the admin spells it as files do."""
    return FIELDS_BY_KEY[key].label_zh


class Party(models.Model):
    """An organisation (USCC) or natural person (resident ID) shared by many contracts."""

    identifier = models.CharField("证件号", max_length=18, null=True, blank=True, unique=True)
    name = models.CharField("名称", max_length=200)
    nature = models.CharField("性质", max_length=3)
    region_code = models.CharField("所在地区", max_length=6, blank=True, default="")
    country = models.CharField("国别", max_length=3, default="CHN")

    class Meta:
        verbose_name = "当事人单位"
        verbose_name_plural = "当事人单位"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"],
                condition=Q(identifier__isnull=True),
                name="party_unique_foreign_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_identifier(self) -> str:
        """Resident IDs are shown masked; organisation codes are public."""
        return masked_party_id(self.identifier, self.nature)


class Contract(models.Model):
    """A technology contract: the public record (contract-format §1) plus its registration state."""

    # No index of its own: the (agency, status) index below serves every lookup by agency, and
    # each index costs a bulk import a B-tree insert per row.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="contracts",
        db_index=False,
        verbose_name="登记机构",
    )
    seller_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="sold", verbose_name="卖方单位"
    )
    buyer_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="bought", verbose_name="买方单位"
    )

    external_id = models.CharField(_label("external_id"), max_length=100, blank=True, default="")
    name = models.CharField(_label("name"), max_length=200)
    contract_type = models.CharField(_label("contract_type"), max_length=12)
    subtype = models.CharField(_label("subtype"), max_length=30, blank=True, default="")
    signed_on = models.DateField(_label("signed_on"))
    valid_from = models.DateField(_label("valid_from"))
    valid_to = models.DateField(_label("valid_to"))
    total_amount = models.DecimalField(_label("total_amount"), **AMOUNT)
    tech_amount = models.DecimalField(_label("tech_amount"), **AMOUNT)
    non_tech_equipment = models.DecimalField(
        _label("non_tech_equipment"), null=True, blank=True, **AMOUNT
    )
    non_tech_materials = models.DecimalField(
        _label("non_tech_materials"), null=True, blank=True, **AMOUNT
    )
    non_tech_other = models.DecimalField(_label("non_tech_other"), null=True, blank=True, **AMOUNT)
    payment_method = models.CharField(_label("payment_method"), max_length=12)
    tech_field = models.CharField(_label("tech_field"), max_length=2)
    ip_type = models.CharField(_label("ip_type"), max_length=2)
    patent_numbers = models.TextField(_label("patent_numbers"), blank=True, default="")
    objective = models.CharField(_label("objective"), max_length=4, blank=True, default="")
    plan_source = models.CharField(_label("plan_source"), max_length=12, default="none")
    # The parties as written in this contract (a party's current name or region may differ later).
    seller_name = models.CharField(_label("seller_name"), max_length=200)
    seller_id = models.CharField(_label("seller_id"), max_length=18, blank=True, default="")
    seller_nature = models.CharField(_label("seller_nature"), max_length=3)
    seller_region = models.CharField(_label("seller_region"), max_length=6, blank=True, default="")
    seller_country = models.CharField(_label("seller_country"), max_length=3, default="CHN")
    buyer_name = models.CharField(_label("buyer_name"), max_length=200)
    buyer_id = models.CharField(_label("buyer_id"), max_length=18, blank=True, default="")
    buyer_nature = models.CharField(_label("buyer_nature"), max_length=3)
    buyer_region = models.CharField(_label("buyer_region"), max_length=6, blank=True, default="")
    buyer_country = models.CharField(_label("buyer_country"), max_length=3, default="CHN")

    status = models.CharField(
        _label("status"),
        max_length=24,
        default=Status.DRAFT,
        choices=[(s.value, s.value) for s in Status],
    )
    rule_set = models.CharField("适用规则版本", max_length=10, blank=True, default="")
    applied_on = models.DateField("申请日期", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    clock_started_on = models.DateField("审查时限起算日", null=True, blank=True)
    deadline = models.DateField("审查截止日", null=True, blank=True)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    registration_number = models.CharField(
        _label("registration_number"), max_length=40, null=True, blank=True, unique=True
    )
    registered_on = models.DateField(_label("registered_on"), null=True, blank=True)
    is_large = models.BooleanField("大额合同", default=False)
    vat_exempt = models.BooleanField("可免征增值税", default=False)
    income_tax_transfer = models.BooleanField("可享技术转让所得税优惠", default=False)
    risk_flags = models.JSONField("风险提示", default=list, blank=True)
    refusal_reason = models.CharField("不予登记原因", max_length=4, blank=True, default="")
    note = models.TextField("备注", blank=True, default="")
    fingerprint = models.CharField("内容指纹", max_length=64)
    version = models.PositiveIntegerField("版本号", default=1)
    reviewed_by = models.CharField("审查人", max_length=150, blank=True, default="")
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        indexes = [
            models.Index(fields=["agency", "status"]),
            # (date, id): the registration lists' order, newest first, read straight from the
            # index on PostgreSQL too (SQLite's index ends in the rowid anyway); with the date
            # alone PostgreSQL sorted a year of registrations for each page.
            models.Index(fields=["registered_on", "id"], name="contract_registered_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seller_party", "external_id"],
                condition=rules.WITH_EXTERNAL_ID,
                name="contract_unique_external_id",
            ),
            models.UniqueConstraint(
                fields=["seller_party", "fingerprint"],
                condition=rules.WITHOUT_EXTERNAL_ID,
                name="contract_unique_fingerprint",
            ),
            models.CheckConstraint(
                condition=Q(tech_amount__gt=0) & Q(tech_amount__lte=models.F("total_amount")),
                name="contract_tech_amount_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number or f"#{self.pk} {self.name}"


class ContractVersion(models.Model):
    """The content as submitted each time, so changes can be diffed and amounts read as of a date."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="versions", verbose_name="技术合同"
    )
    number = models.PositiveIntegerField("版本号")
    reason = models.CharField("原因", max_length=24)
    content = models.JSONField("合同内容")
    created_at = models.DateTimeField("创建时间")
    actor = models.CharField("操作人", max_length=150)

    class Meta:
        verbose_name = "合同历史版本"
        verbose_name_plural = "合同历史版本"
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="version_unique_number")
        ]


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEvent(models.Model):
    """One step in a global, gap-free, hash-chained sequence. Rows are never changed."""

    seq = models.BigIntegerField("序号", primary_key=True)
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="技术合同",
    )
    actor = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=24, blank=True, default="")
    to_status = models.CharField("新状态", max_length=24, blank=True, default="")
    at = models.DateTimeField("时间")
    payload = models.JSONField("详情", default=dict)
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("audit events cannot be deleted")


class AuditHead(models.Model):
    """The chain's tip, row-locked by every writer so sequence numbers never repeat or skip."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField("最后序号", default=0)
    last_hash = models.CharField("最后哈希", max_length=64)

    class Meta:
        verbose_name = "审计链末端"
        verbose_name_plural = "审计链末端"


class NumberCounter(models.Model):
    """(agency, year) -> last serial issued; row-locked when a number is issued."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name="登记机构")
    year = models.PositiveIntegerField("年度")
    last_serial = models.PositiveIntegerField("最后流水号", default=0)

    class Meta:
        verbose_name = "登记编号计数器"
        verbose_name_plural = "登记编号计数器"
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="counter_unique_agency_year")
        ]


class Certificate(models.Model):
    """技术合同登记证明: issued at registration, superseded by an amendment or a cancellation."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="certificates", verbose_name="技术合同"
    )
    registration_number = models.CharField(_label("registration_number"), max_length=40)
    verification_code = models.CharField("验证码", max_length=20, unique=True)
    total_amount = models.DecimalField(_label("total_amount"), **AMOUNT)
    tech_amount = models.DecimalField(_label("tech_amount"), **AMOUNT)
    issued_at = models.DateTimeField("出具时间")
    superseded_at = models.DateTimeField("失效时间", null=True, blank=True)

    class Meta:
        verbose_name = "登记证明"
        verbose_name_plural = "登记证明"


class BatchList(models.Model):
    """登记清单: a seller's printed list of registered contracts under one verification code.

    Each entry keeps the certificate in force when the list was made, so the verify page can
    tell that a listed contract was amended or cancelled since.
    """

    verification_code = models.CharField("验证码", max_length=20, unique=True)
    seller_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="batch_lists", verbose_name="卖方单位"
    )
    # A list holds large contracts only, or none at all.
    is_large = models.BooleanField("大额合同清单")
    created_at = models.DateTimeField("创建时间")
    created_by = models.CharField("创建人", max_length=150)
    contracts = models.ManyToManyField(
        Contract, through="BatchListEntry", related_name="batch_lists", verbose_name="技术合同"
    )

    class Meta:
        verbose_name = "登记清单"
        verbose_name_plural = "登记清单"


class BatchListEntry(models.Model):
    """One line of a batch list: the contract and the certificate printed for it."""

    batch_list = models.ForeignKey(
        BatchList, on_delete=models.PROTECT, related_name="entries", verbose_name="登记清单"
    )
    position = models.PositiveIntegerField("序号")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="+", verbose_name="技术合同"
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="+", verbose_name="登记证明"
    )

    class Meta:
        ordering = ["position"]
        verbose_name = "登记清单条目"
        verbose_name_plural = "登记清单条目"
        constraints = [
            models.UniqueConstraint(
                fields=["batch_list", "contract"], name="batch_entry_unique_contract"
            ),
            models.UniqueConstraint(
                fields=["batch_list", "position"], name="batch_entry_unique_position"
            ),
        ]


class Objection(models.Model):
    """异议: an objection to a registered contract's recognition, and its re-check (复核).

    The contract stays registered while it is open; the re-check upholds the registration or
    corrects it by an amendment or a cancellation. Names are copied, as in the audit trail.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="objections", verbose_name="技术合同"
    )
    raised_by = models.CharField("提出人", max_length=150)
    raised_by_role = models.CharField("提出人角色", max_length=20)
    # The supervising agency whose staff objected; null when the seller did.
    raised_by_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提出机构",
    )
    raised_at = models.DateTimeField("提出时间")
    reason = models.TextField("异议理由")
    status = models.CharField(
        "状态",
        max_length=10,
        default=ObjectionStatus.OPEN.value,
        choices=[(s.value, s.value) for s in ObjectionStatus],
    )
    decided_by = models.CharField("复核人", max_length=150, blank=True, default="")
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decision_note = models.TextField("复核意见", blank=True, default="")
    # amend / cancel
    correction = models.CharField("更正方式", max_length=12, blank=True, default="")

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status=ObjectionStatus.OPEN.value),
                name="objection_one_open_per_contract",
            )
        ]


class CalendarOverride(models.Model):
    """An admin's correction to the working-day calendar (holiday arrangements come yearly)."""

    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("工作日")
    note = models.CharField("依据", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"


class DraftRequest(models.Model):
    """An `Idempotency-Key` a caller sent with a new draft: a retry returns the same contract."""

    actor = models.CharField("操作人", max_length=150)
    key = models.CharField("幂等键", max_length=200)
    fingerprint = models.CharField("内容指纹", max_length=64)
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="+", verbose_name="技术合同"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "草稿创建请求"
        verbose_name_plural = "草稿创建请求"
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="draft_request_unique_key")
        ]


class Attachment(models.Model):
    """A file that goes with a contract (the signed contract, a scanned approval).

    The file lies outside the web root under `storage_name`, a random name; `name` is the
    person's file name, cleaned, shown and offered on download only. Rows are never deleted.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="attachments", verbose_name="技术合同"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_name = models.CharField("存储名", max_length=100, unique=True)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.CharField("上传人", max_length=150)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        indexes = [models.Index(fields=["contract", "sha256"])]

    def __str__(self) -> str:
        return self.name


class IncomeDeclaration(models.Model):
    """技术性收入核定: a year's income after performance, declared by the seller and verified
    (or returned) by the contract's agency. Never deleted: a returned declaration stays as
    history and frees its year for a new declaration, so at most one per contract and year is
    declared or verified at a time."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="income_declarations"
    )
    year = models.PositiveSmallIntegerField()
    received_amount = models.DecimalField(**AMOUNT)  # 当年到账金额
    technical_income = models.DecimalField(**AMOUNT)  # 其中技术性收入
    note = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=10,
        default=IncomeStatus.DECLARED.value,
        choices=[(s.value, s.value) for s in IncomeStatus],
    )
    declared_by = models.CharField(max_length=150)
    declared_at = models.DateTimeField()
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year"],
                condition=Q(status__in=sorted(s.value for s in STANDING)),
                name="income_one_standing_per_year",
            ),
            models.CheckConstraint(
                condition=Q(received_amount__gt=0)
                & Q(technical_income__gt=0)
                & Q(technical_income__lte=models.F("received_amount")),
                name="income_technical_within_received",
            ),
        ]


class Notice(models.Model):
    """A message to one person that something waits for them (在页面和邮件中提醒).

    Written from the audit trail by `notices.collect` (so a step never fails for want of a
    notice, and none is lost), and by the daily deadline reminder; `key` makes both idempotent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name="收件人",
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name="技术合同",
    )
    kind = models.CharField("类别", max_length=20)
    text = models.CharField("内容", max_length=300)
    text_en = models.CharField("内容（英文）", max_length=300)
    key = models.CharField("去重键", max_length=120, unique=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        indexes = [models.Index(fields=["user", "read_at"])]


class NoticeCursor(models.Model):
    """How far `notices.collect` has read the audit trail (one row, locked while it reads)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField("已处理到的审计序号", default=0)

    class Meta:
        verbose_name = "提醒进度"
        verbose_name_plural = "提醒进度"


class ImportJob(models.Model):
    """A file import run in the background (`registry/import_jobs.py`): queued by a page, run
    by the `jobs work` process, its outcome kept for the person who queued it.

    The upload lies outside the web root under `storage_name`; `file_name` is the person's
    name for it, shown only. While the job runs, its progress is kept in a file beside the
    upload, not in this row: the import holds one long transaction, and on SQLite no other
    write (this row's) could pass it. Rows are never deleted.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    username = models.CharField("提交人", max_length=150)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="登记机构"
    )
    file_name = models.CharField("文件名", max_length=200)
    storage_name = models.CharField("存储名", max_length=100, unique=True)
    size = models.PositiveBigIntegerField("大小(字节)")
    as_registered = models.BooleanField("迁移已登记合同", default=False)
    dry_run = models.BooleanField("只检查不导入", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="queued")
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    rows_total = models.PositiveIntegerField("行数(估计)", null=True, blank=True)
    rows_processed = models.PositiveIntegerField("已处理行数", default=0)
    created_at = models.DateTimeField("提交时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    committed = models.BooleanField("已写入", default=False)
    created = models.PositiveIntegerField("新增", default=0)
    skipped = models.PositiveIntegerField("跳过", default=0)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    error_code = models.CharField("失败代码", max_length=100, blank=True, default="")
    error_message = models.TextField("失败原因", blank=True, default="")
    error_message_en = models.TextField("失败原因(英文)", blank=True, default="")

    class Meta:
        verbose_name = "批量导入任务"
        verbose_name_plural = "批量导入任务"
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["username", "created_at"]),
            models.Index(fields=["agency", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class RiskSignal(models.Model):
    """A reason for a registrar to read a contract closely (domain/risk_signals.py), found by
    the last scan over the registry (stats/risk_scan.py). Never blocks the contract; every scan
    replaces all rows in one transaction, so none outlives the data that raised it."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="risk_signals", verbose_name="技术合同"
    )
    signal = models.CharField("信号", max_length=40)
    score = models.PositiveSmallIntegerField("分值")
    explanation = models.TextField("说明")
    explanation_en = models.TextField("说明（英文）")
    related = models.JSONField("相关合同", default=list, blank=True)
    facts = models.JSONField("数据", default=dict, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "风险信号"
        verbose_name_plural = "风险信号"
        indexes = [models.Index(fields=["contract", "score"], name="risk_signal_contract")]

    def __str__(self) -> str:
        return f"{self.signal} #{self.contract_id}"


class RiskScan(models.Model):
    """One scan of the registry for risk signals: when, up to which audit event, what it found."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    last_seq = models.BigIntegerField("审计序号")
    contracts = models.PositiveIntegerField("扫描合同数")
    signals = models.PositiveIntegerField("信号数")

    class Meta:
        verbose_name = "风险扫描"
        verbose_name_plural = "风险扫描"
