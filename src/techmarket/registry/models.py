"""Parties, contracts and what happens to them: versions, audit events, numbers, certificates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from techmarket.accounts.models import Agency
from techmarket.domain.identifiers import masked_party_id
from techmarket.domain.income import STANDING, IncomeStatus
from techmarket.domain.objections import ObjectionStatus
from techmarket.domain.workflow import Status
from techmarket.registry import rules

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class Party(models.Model):
    """An organisation (USCC) or natural person (resident ID) shared by many contracts."""

    identifier = models.CharField(max_length=18, null=True, blank=True, unique=True)
    name = models.CharField(max_length=200)
    nature = models.CharField(max_length=3)
    region_code = models.CharField(max_length=6, blank=True, default="")
    country = models.CharField(max_length=3, default="CHN")

    class Meta:
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
        Agency, on_delete=models.PROTECT, related_name="contracts", db_index=False
    )
    seller_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="sold")
    buyer_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="bought")

    external_id = models.CharField(max_length=100, blank=True, default="")
    name = models.CharField(max_length=200)
    contract_type = models.CharField(max_length=12)
    subtype = models.CharField(max_length=30, blank=True, default="")
    signed_on = models.DateField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    total_amount = models.DecimalField(**AMOUNT)
    tech_amount = models.DecimalField(**AMOUNT)
    non_tech_equipment = models.DecimalField(null=True, blank=True, **AMOUNT)
    non_tech_materials = models.DecimalField(null=True, blank=True, **AMOUNT)
    non_tech_other = models.DecimalField(null=True, blank=True, **AMOUNT)
    payment_method = models.CharField(max_length=12)
    tech_field = models.CharField(max_length=2)
    ip_type = models.CharField(max_length=2)
    patent_numbers = models.TextField(blank=True, default="")
    objective = models.CharField(max_length=4, blank=True, default="")
    plan_source = models.CharField(max_length=12, default="none")
    # The parties as written in this contract (a party's current name or region may differ later).
    seller_name = models.CharField(max_length=200)
    seller_id = models.CharField(max_length=18, blank=True, default="")
    seller_nature = models.CharField(max_length=3)
    seller_region = models.CharField(max_length=6, blank=True, default="")
    seller_country = models.CharField(max_length=3, default="CHN")
    buyer_name = models.CharField(max_length=200)
    buyer_id = models.CharField(max_length=18, blank=True, default="")
    buyer_nature = models.CharField(max_length=3)
    buyer_region = models.CharField(max_length=6, blank=True, default="")
    buyer_country = models.CharField(max_length=3, default="CHN")

    status = models.CharField(
        max_length=24, default=Status.DRAFT, choices=[(s.value, s.value) for s in Status]
    )
    rule_set = models.CharField(max_length=10, blank=True, default="")
    applied_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    clock_started_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    registration_number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    registered_on = models.DateField(null=True, blank=True)
    is_large = models.BooleanField(default=False)
    vat_exempt = models.BooleanField(default=False)
    income_tax_transfer = models.BooleanField(default=False)
    risk_flags = models.JSONField(default=list, blank=True)
    refusal_reason = models.CharField(max_length=4, blank=True, default="")
    note = models.TextField(blank=True, default="")
    fingerprint = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    reviewed_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["registered_on"]),
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

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=24)
    content = models.JSONField()
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="version_unique_number")
        ]


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEvent(models.Model):
    """One step in a global, gap-free, hash-chained sequence. Rows are never changed."""

    seq = models.BigIntegerField(primary_key=True)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=24, blank=True, default="")
    to_status = models.CharField(max_length=24, blank=True, default="")
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

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
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)


class NumberCounter(models.Model):
    """(agency, year) -> last serial issued; row-locked when a number is issued."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="counter_unique_agency_year")
        ]


class Certificate(models.Model):
    """技术合同登记证明: issued at registration, superseded by an amendment or a cancellation."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="certificates")
    registration_number = models.CharField(max_length=40)
    verification_code = models.CharField(max_length=20, unique=True)
    total_amount = models.DecimalField(**AMOUNT)
    tech_amount = models.DecimalField(**AMOUNT)
    issued_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)


class BatchList(models.Model):
    """登记清单: a seller's printed list of registered contracts under one verification code.

    Each entry keeps the certificate in force when the list was made, so the verify page can
    tell that a listed contract was amended or cancelled since.
    """

    verification_code = models.CharField(max_length=20, unique=True)
    seller_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="batch_lists")
    is_large = models.BooleanField()  # a list holds large contracts only, or none at all
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    contracts = models.ManyToManyField(
        Contract, through="BatchListEntry", related_name="batch_lists"
    )


class BatchListEntry(models.Model):
    """One line of a batch list: the contract and the certificate printed for it."""

    batch_list = models.ForeignKey(BatchList, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField()
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]
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

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField(max_length=150)
    raised_by_role = models.CharField(max_length=20)
    # The supervising agency whose staff objected; null when the seller did.
    raised_by_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10,
        default=ObjectionStatus.OPEN.value,
        choices=[(s.value, s.value) for s in ObjectionStatus],
    )
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")
    correction = models.CharField(max_length=12, blank=True, default="")  # amend / cancel

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status=ObjectionStatus.OPEN.value),
                name="objection_one_open_per_contract",
            )
        ]


class CalendarOverride(models.Model):
    """An admin's correction to the working-day calendar (holiday arrangements come yearly)."""

    day = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    note = models.CharField(max_length=200, blank=True, default="")


class DraftRequest(models.Model):
    """An `Idempotency-Key` a caller sent with a new draft: a retry returns the same contract."""

    actor = models.CharField(max_length=150)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="draft_request_unique_key")
        ]


class Attachment(models.Model):
    """A file that goes with a contract (the signed contract, a scanned approval).

    The file lies outside the web root under `storage_name`, a random name; `name` is the
    person's file name, cleaned, shown and offered on download only. Rows are never deleted.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=150)

    class Meta:
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
