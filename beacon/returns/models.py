"""What the quarterly return stores: the quarters opened for returns, each directorate's return
with its lines and history, and the financial years closed as final.

The tables were the web application's until the return became its own app (migrations
``web/0006`` and ``returns/0001``-``0002`` move them, rows included).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from beacon.core import clock
from beacon.core.audit import value_text
from beacon.core.models import Directorate
from beacon.domain.periods import Quarter
from beacon.performance.models import ActivityIndicator, Kpi


def number_text(value: Decimal | None) -> str:
    """A value as plain text (``97``, ``96.5``; blank for none), as revisions write it: how a
    return shows a value and keeps a monthly KPI's values."""
    return value_text(value)


class ReturnPeriod(models.Model):
    """A quarter the performance lead has opened for returns."""

    period = models.CharField(max_length=12, unique=True, help_text="Quarter label, e.g. 2022/23 Q3.")
    period_sort = models.IntegerField()
    due_date = models.DateField()
    opened_by = models.CharField(max_length=150)
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_sort"]

    def __str__(self):
        return self.period

    @property
    def quarter(self) -> Quarter:
        return Quarter.parse(self.period)

    @property
    def slug(self) -> str:
        return self.quarter.slug


class YearClosure(models.Model):
    """A financial year closed by the performance lead: its data is final (spec 3.7). A closure
    reopened (with the reason, who and when) no longer holds; the year may be closed again, a new
    closure. At most one closure of a year holds at a time."""

    financial_year = models.CharField(max_length=7)
    closed_by = models.CharField(max_length=150)
    closed_at = models.DateTimeField()
    reopened_by = models.CharField(max_length=150, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["financial_year", "closed_at"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year"], condition=models.Q(reopened_at__isnull=True),
                                    name="returns_year_closed_once"),
        ]

    def __str__(self):
        return self.financial_year


class Return(models.Model):
    """One directorate's return for a quarter."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        REOPENED = "reopened", "Reopened for correction"

    # the statuses in which the data owner can still enter values
    OPEN_STATUSES = (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED, Status.REOPENED)
    NOT_STARTED, DRAFT, SUBMITTED, RETURNED, APPROVED, REOPENED = Status

    period = models.ForeignKey(ReturnPeriod, on_delete=models.CASCADE, related_name="returns")
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    commentary = models.TextField(blank=True, help_text="The directorate's commentary for the quarter.")
    commentary_by = models.CharField(max_length=150, blank=True, help_text="Who wrote the directorate commentary.")
    remove_commentary = models.BooleanField(
        default=False, help_text="Approval removes the directorate commentary held for the quarter (left blank on purpose).")
    remove_commentary_reason = models.TextField(blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the return was first submitted: whether it was late (kept when reopened).")
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["period", "directorate__display_order", "directorate__code"]
        constraints = [models.UniqueConstraint(fields=["period", "directorate"], name="unique_return")]

    def save(self, *args, **kwargs):
        self.updated_at = clock.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.period.period} {self.directorate.code}"

    @property
    def editable(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReturnLine(models.Model):
    """One KPI's or activity indicator's entry in a return."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True)
    indicator = models.ForeignKey(ActivityIndicator, on_delete=models.CASCADE, null=True, blank=True)
    value = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    note = models.TextField(blank=True, help_text="Data caveat printed with the value.")
    commentary = models.TextField(blank=True)
    entered_by = models.CharField(max_length=150, blank=True, help_text="Who last entered the value or data note.")
    commentary_by = models.CharField(max_length=150, blank=True, help_text="Who wrote the commentary.")
    remove = models.BooleanField(
        default=False, help_text="Approval removes the held values this line leaves blank (value, data note, commentary).")
    remove_reason = models.TextField(blank=True, help_text="Why the held values are removed.")
    month_values = models.JSONField(
        default=dict, blank=True,
        help_text='A monthly KPI\'s values by month, as plain decimal text: {"2022-10": "97", ...} (value stays empty).',
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ret", "kpi"], name="unique_return_kpi"),
            models.UniqueConstraint(fields=["ret", "indicator"], name="unique_return_indicator"),
        ]

    @property
    def value_text(self) -> str:
        return number_text(self.value)

    def month_value(self, label: str) -> Decimal | None:
        text = (self.month_values or {}).get(label, "")
        return Decimal(text) if text else None


class ReturnEvent(models.Model):
    """The history of a return: every save, submission and review. Append-only."""

    class Action(models.TextChoices):
        OPENED = "opened", "Opened"
        SAVED = "saved", "Saved"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        REOPENED = "reopened", "Reopened for correction"

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.CharField(max_length=150)
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
