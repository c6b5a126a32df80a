"""What the web application stores: who may do what (directorate assignments, API tokens)
and the quarterly return with its history.

Roles are Django groups (see :mod:`beacon.web.permissions`); a data owner's directorates and a
risk owner's risks are assignments here.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from beacon.core import clock
from beacon.performance.models import ActivityIndicator, Directorate, Kpi


class DirectorateAssignment(models.Model):
    """A data owner's directorate: they enter and submit its return."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directorate_assignments")
    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "directorate"], name="unique_directorate_assignment")]

    def __str__(self):
        return f"{self.user} – {self.directorate.code}"


class RiskAssignment(models.Model):
    """A risk owner's risk: they re-rate it and record progress on its actions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_assignments")
    risk = models.ForeignKey("risk.Risk", on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "risk"], name="unique_risk_assignment")]

    def __str__(self):
        return f"{self.user} – {self.risk.risk_id}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple[ApiToken, str]:
        token = "bcn_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, prefix=token[:8], digest=cls.hash(token))
        return obj, token


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
    def slug(self) -> str:
        from beacon.domain.periods import Quarter

        return Quarter.parse(self.period).slug


class YearClosure(models.Model):
    """A financial year closed by the performance lead: its data is final (spec 3.7)."""

    financial_year = models.CharField(max_length=7, unique=True)
    closed_by = models.CharField(max_length=150)
    closed_at = models.DateTimeField()


class Return(models.Model):
    NOT_STARTED, DRAFT, SUBMITTED, RETURNED, APPROVED = "not_started", "draft", "submitted", "returned", "approved"
    STATUS_CHOICES = [
        (NOT_STARTED, "Not started"),
        (DRAFT, "Draft"),
        (SUBMITTED, "Submitted"),
        (RETURNED, "Returned for changes"),
        (APPROVED, "Approved"),
    ]

    period = models.ForeignKey(ReturnPeriod, on_delete=models.CASCADE, related_name="returns")
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=NOT_STARTED)
    commentary = models.TextField(blank=True, help_text="The directorate's commentary for the quarter.")
    submitted_by = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
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
        return self.status in (self.NOT_STARTED, self.DRAFT, self.RETURNED)


class ReturnLine(models.Model):
    """One KPI's or activity indicator's entry in a return, as the data owner typed it."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True)
    indicator = models.ForeignKey(ActivityIndicator, on_delete=models.CASCADE, null=True, blank=True)
    value_text = models.CharField(max_length=40, blank=True)
    value = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    note = models.TextField(blank=True, help_text="Data caveat printed with the value.")
    commentary = models.TextField(blank=True)
    month_values = models.JSONField(
        default=dict, blank=True,
        help_text='A monthly KPI\'s values as typed, by month: {"2022-10": "97", ...} (value_text stays empty).',
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ret", "kpi"], name="unique_return_kpi"),
            models.UniqueConstraint(fields=["ret", "indicator"], name="unique_return_indicator"),
        ]


class ReturnEvent(models.Model):
    """The history of a return: every save, submission and review. Append-only."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    by = models.CharField(max_length=150)
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
