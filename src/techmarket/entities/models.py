"""The innovation-entity register: recognitions, candidates, residents and the organisation's
history of districts and names.

Organisations are the registry's `Party` rows (one per USCC), so a contract's seller and a
recognised enterprise are the same row. Two clocks are kept apart: the dates a fact took effect
(`granted_on`, `valid_to`, `revoked_on`, `valid_from`) and when the register learned it
(`recorded_at`), because lists arrive weeks after the dates they print. Trained transfer
professionals are the market's broker profiles with their `Training` rows (level, certificate).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from techmarket.registry.models import Party


class Recognition(models.Model):
    """One recognition of an organisation (高企 certificate, 科小 number, incubator status …).

    `status` stores only what a notice says (recognised, revoked); expiry follows from
    `valid_to` and the day asked about (`domain.entities.status_on`).
    """

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="recognitions", verbose_name="单位"
    )
    kind = models.CharField("类别", max_length=40)
    level = models.CharField("级别", max_length=12, default="national")
    number = models.CharField("证书或登记编号", max_length=40, blank=True, default="")
    batch = models.CharField("批次", max_length=200, blank=True, default="")
    notice = models.CharField("公告", max_length=300, blank=True, default="")
    granted_on = models.DateField("发证或入库日期", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    valid_to_printed = models.BooleanField("有效期为印制日期", default=False)
    status = models.CharField("状态", max_length=12, default="recognised")
    revoked_on = models.DateField("撤销生效日期", null=True, blank=True)
    region_code = models.CharField("名单所列地区", max_length=6, blank=True, default="")
    recorded_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")
    version = models.PositiveIntegerField("版本号", default=1)

    class Meta:
        verbose_name = "认定资质"
        verbose_name_plural = "认定资质"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=~Q(number=""),
                name="recognition_unique_number",
            ),
            models.UniqueConstraint(
                fields=["kind", "party", "batch"],
                condition=Q(number=""),
                name="recognition_unique_unnumbered",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "granted_on"], name="recognition_kind_granted"),
            models.Index(fields=["kind", "valid_to"], name="recognition_kind_valid_to"),
            # Covers what counts read (entities.counts): one index range, no table lookups.
            models.Index(
                fields=[
                    "kind",
                    "level",
                    "party",
                    "granted_on",
                    "valid_to",
                    "revoked_on",
                    "status",
                ],
                name="recognition_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number or self.batch}"


class PartyRegion(models.Model):
    """Where an organisation was registered from a date on: the history statistics count by."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="region_history", verbose_name="单位"
    )
    region_code = models.CharField("所在地区", max_length=6)
    valid_from = models.DateField("起始日期")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "单位所在地变更"
        verbose_name_plural = "单位所在地变更"
        constraints = [
            models.UniqueConstraint(fields=["party", "valid_from"], name="party_region_once_a_day")
        ]


class PartyName(models.Model):
    """A former name (更名公告), so lists printed before a rename still match the firm."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="former_names", verbose_name="单位"
    )
    name = models.CharField("原名称", max_length=200)
    normalised = models.CharField("规范化名称", max_length=200, db_index=True)
    until = models.DateField("使用至", null=True, blank=True)
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "单位曾用名"
        verbose_name_plural = "单位曾用名"
        constraints = [
            models.UniqueConstraint(fields=["party", "normalised"], name="party_name_once")
        ]


class PartyProfile(models.Model):
    """What the register adds to a party: its industry and its name as matched."""

    party = models.OneToOneField(
        Party, on_delete=models.CASCADE, related_name="entity_profile", verbose_name="单位"
    )
    industry = models.CharField("行业", max_length=10, blank=True, default="")
    normalised_name = models.CharField("规范化名称", max_length=200, db_index=True)

    class Meta:
        verbose_name = "创新主体信息"
        verbose_name_plural = "创新主体信息"


class Candidate(models.Model):
    """An organisation on a district's potential list (培育库) for one recognition round."""

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="candidacies", verbose_name="单位"
    )
    kind = models.CharField("拟认定类别", max_length=40, default="high_tech_enterprise")
    round = models.CharField("培育批次", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    district = models.CharField("所属区", max_length=6)
    stage = models.CharField("阶段", max_length=12, default="candidate")
    recognition = models.ForeignKey(
        Recognition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidacies",
        verbose_name="认定结果",
    )
    note = models.CharField("备注", max_length=300, blank=True, default="")
    recorded_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")
    version = models.PositiveIntegerField("版本号", default=1)

    class Meta:
        verbose_name = "培育对象"
        verbose_name_plural = "培育对象"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "party", "round"], name="candidate_once_a_round"
            )
        ]
        indexes = [models.Index(fields=["year", "district"], name="candidate_year_district")]


class Residency(models.Model):
    """A resident enterprise (在孵企业) of an incubator or maker space, as an interval."""

    carrier = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="residents", verbose_name="孵化载体"
    )
    resident = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="residencies", verbose_name="在孵企业"
    )
    entered_on = models.DateField("入孵日期")
    left_on = models.DateField("离孵日期", null=True, blank=True)
    exit_reason = models.CharField("离孵原因", max_length=12, blank=True, default="")
    recorded_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "在孵企业"
        verbose_name_plural = "在孵企业"
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "resident", "entered_on"], name="residency_once"
            )
        ]
