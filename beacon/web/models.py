"""What the web application stores: who may do what (directorate and risk assignments, API
tokens). The quarterly return lives in its own app, :mod:`beacon.returns`.

Roles are Django groups (see :mod:`beacon.web.permissions`); a data owner's directorates and a
risk owner's risks are assignments here.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from beacon.core import clock
from beacon.performance.models import Directorate


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
