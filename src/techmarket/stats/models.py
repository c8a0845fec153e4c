"""What statistics and targets keep in the database: imported plans and entered figures.

Entered figures are never overwritten or deleted. Entering a figure again marks the row in force
superseded (when, and by which row) and adds a new one; withdrawing it marks it superseded with no
successor and names who withdrew it. A partial unique constraint allows one row in force per key.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class StoredPlan(models.Model):
    """An imported action plan: the TOML text as imported, parsed again whenever it is used."""

    code = models.CharField("计划代码", max_length=100, unique=True)
    name = models.CharField("计划名称", max_length=200)
    source_toml = models.TextField("计划原文(TOML)")
    imported_at = models.DateTimeField("导入时间")
    imported_by = models.CharField("导入人", max_length=150, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "行动计划"
        verbose_name_plural = "行动计划"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnteredFigure(models.Model):
    """A figure someone entered, with its history: in force until superseded or withdrawn."""

    value = models.DecimalField("数值", max_digits=24, decimal_places=4)
    entered_by = models.CharField("录入人", max_length=150)
    entered_at = models.DateTimeField("录入时间")
    superseded_at = models.DateTimeField("失效时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="替代记录",
    )
    withdrawn_by = models.CharField("撤回人", max_length=150, blank=True)

    class Meta:
        abstract = True

    @property
    def in_force(self) -> bool:
        return self.superseded_at is None


class EnteredActual(EnteredFigure):
    """An actual entered for a plan indicator and a period: 2020-06, 2020-Q2 or 2020."""

    plan_code = models.CharField("计划代码", max_length=100)
    indicator = models.CharField("指标", max_length=100)
    period = models.CharField("期间", max_length=7)
    note = models.TextField("备注", blank=True)

    class Meta:
        ordering = ["plan_code", "indicator", "period", "entered_at", "id"]
        verbose_name = "计划指标实际值"
        verbose_name_plural = "计划指标实际值"
        indexes = [models.Index(fields=["plan_code", "indicator", "period"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_code", "indicator", "period"],
                condition=Q(superseded_at__isnull=True),
                name="stats_one_actual_in_force",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="stats_actual_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_code} {self.indicator} {self.period} = {self.value}"


class IndicatorValue(EnteredFigure):
    """A region's yearly figure that statistics compare with, such as GDP (亿元)."""

    indicator = models.CharField("指标", max_length=50)
    region_code = models.CharField("行政区划代码", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    unit = models.CharField("单位", max_length=10)
    source_note = models.TextField("数据来源", blank=True)

    class Meta:
        ordering = ["indicator", "year", "region_code", "entered_at", "id"]
        verbose_name = "地区指标值"
        verbose_name_plural = "地区指标值"
        indexes = [models.Index(fields=["indicator", "year", "region_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "year"],
                condition=Q(superseded_at__isnull=True),
                name="stats_one_indicator_value_in_force",
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="stats_indicator_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_code} {self.year} = {self.value} {self.unit}"
