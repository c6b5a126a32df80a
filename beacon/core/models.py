"""What every area shares: directorates and their sub-areas, the audit log, import runs, and who
may act for which directorate (assignments, API tokens).

Nothing here is ever silently overwritten: every change made through an import, a form or a
lifecycle operation is recorded as a :class:`Revision` (who, when, old, new, why), written by
:mod:`beacon.core.audit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from beacon.core import blobs, clock
from beacon.domain import notifications

DEFAULT_KPI_HEADING = "Key Performance Indicators"


class Directorate(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, help_text="The Executive Summary name.")
    section_title = models.CharField(max_length=200, blank=True, help_text="Section heading, when it differs.")
    cabinet_members = models.JSONField(default=list, blank=True)
    corporate_director = models.CharField(max_length=200, blank=True)
    director_label = models.CharField(max_length=100, default="Corporate Director")
    display_order = models.IntegerField(default=0)
    kpi_heading = models.CharField(
        max_length=200, blank=True,
        help_text=f'The heading of its KPI panels in the report (blank: "{DEFAULT_KPI_HEADING}").',
    )

    class Meta:
        ordering = ["display_order", "code"]

    def __str__(self):
        return self.name

    @property
    def heading(self) -> str:
        return self.section_title or self.name

    @property
    def panel_heading(self) -> str:
        """The heading of the directorate's KPI panels: its ``kpi_heading``, else the default."""
        return self.kpi_heading or DEFAULT_KPI_HEADING

    @property
    def cabinet_member_label(self) -> str:
        """Pluralised from the count (spec 2.2): never "Cabinet Member" over two names."""
        return "Cabinet Member" if len(self.cabinet_members) == 1 else "Cabinet Members"


class SubArea(models.Model):
    """A summary block inside a directorate (CYPE has two)."""

    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, related_name="sub_areas")
    name = models.CharField(max_length=200)
    display_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["directorate__display_order", "display_order", "name"]
        constraints = [models.UniqueConstraint(fields=["directorate", "name"], name="unique_sub_area")]

    def __str__(self):
        return self.name


class Revision(models.Model):
    """One change to one field of one record. Append-only.

    The record is identified by its type and primary key (``content_type``, ``object_id``; the
    ``record`` itself through :attr:`record`). ``entity`` and ``key`` say the same for people:
    the record's kind ("observation", "risk", "control") and a label ("CS1 2022/23 Q2",
    "CRR0001", "CRR0001 #17"). A revision recorded before identities were kept, of a record
    since deleted, has no identity (both null) and only its label."""

    # No foreign-key constraint in the database: the type is only ever taken from Django's own
    # registry (ContentType.objects.get_for_model), and deleting a type is still refused while a
    # revision names it (PROTECT is Django's). The constraint cost a check per revision, at the
    # commit: 1,000,000 of them took about 9 s of a 1,000,000-observation import on PostgreSQL
    # (docs/performance.md).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False,
        help_text="The changed record's type.",
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The changed record's primary key.")
    record = GenericForeignKey("content_type", "object_id")
    entity = models.CharField(max_length=40, help_text="The record's kind, e.g. observation, kpi, target, risk")
    key = models.CharField(max_length=200, help_text="The record's label for people, e.g. CS1 2022/23 Q2")
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="The import file or form.")

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            models.Index(fields=["entity", "key"], name="performance_entity_6475e1_idx"),
            models.Index(fields=["content_type", "object_id"], name="core_revision_record_idx"),
            # the audit view (beacon.core.audit_view): newest first, and one person's changes
            models.Index(fields=["changed_at", "id"], name="core_revision_at_idx"),
            models.Index(fields=["changed_by", "changed_at", "id"], name="core_revision_by_at_idx"),
        ]

    def __str__(self):
        return f"{self.entity} {self.key}: {self.field}"


class ImportRun(models.Model):
    """What an import did: kept so anyone can see when data arrived and from where."""

    source = models.CharField(max_length=500)
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField()
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-imported_at"]


class KeptUpload(models.Model):
    """An uploaded bundle waiting for a person to confirm its import (the data page). The bytes are
    in the shared file store (:mod:`beacon.core.blobs`) under their SHA-256, which is also the
    upload's token, so the server that shows the preview, the one that takes the confirmation and
    the worker that imports need share nothing but the database and the store. ``preview_sha``
    names the preview a background job worked out (a JSON document in the store), for an upload
    too large to preview within a request. Rows are forgotten after a day, or once imported; the
    store keeps bytes it was given (it never deletes), so a forgotten upload's bytes stay there,
    unnamed by any row."""

    token = models.CharField(max_length=64, primary_key=True, help_text="The SHA-256 of the uploaded file.")
    name = models.CharField(max_length=200, help_text="The uploaded file's name, made safe.")
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(default=clock.now)
    preview_sha = models.CharField(max_length=64, blank=True,
                                   help_text="The stored preview of a large upload (a JSON document), once worked out.")

    content = blobs.stored_bytes("token", "The uploaded file's bytes, in the shared file store.")
    preview_content = blobs.stored_bytes("preview_sha", "The stored preview (JSON), in the shared file store.")

    class Meta:
        indexes = [models.Index(fields=["uploaded_at"], name="core_keptupload_at")]

    def __str__(self):
        return f"{self.name} ({self.token[:12]}...)"


class DirectorateAssignment(models.Model):
    """A data owner's directorate: they enter and submit its return (see
    :mod:`beacon.core.permissions`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directorate_assignments")
    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "directorate"], name="unique_directorate_assignment")]

    def __str__(self):
        return f"{self.user} – {self.directorate.code}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token is shown once.

    A token has a scope (``read``: only GET, HEAD and OPTIONS; ``read-write``: what its user's
    role allows) and, unless issued without one, an expiry (``BEACON_API_TOKEN_DAYS`` after it is
    issued, 90 by default). See ``docs/security.md``."""

    READ = "read"
    READ_WRITE = "read-write"
    SCOPES = [(READ, "read only"), (READ_WRITE, "read and write")]
    NEVER = object()  # ``issue(..., expires_at=ApiToken.NEVER)``: a token that does not expire

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=SCOPES, default=READ_WRITE,
                             help_text="Read only: the token may only read (GET). Read and write: what the user's role allows.")
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="After this the token is refused. Blank: never.")
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
    def issue(cls, user, name: str = "", scope: str = READ_WRITE, expires_at=None) -> tuple[ApiToken, str]:
        """A new token for ``user``: (the record, the token text, shown once). ``expires_at``
        defaults to ``BEACON_API_TOKEN_DAYS`` days from now; ``ApiToken.NEVER`` for none."""
        if scope not in dict(cls.SCOPES):
            raise ValueError(f"scope: {scope!r} is not one of {', '.join(dict(cls.SCOPES))}")
        if expires_at is None:
            expires_at = clock.now() + dt.timedelta(days=settings.BEACON_API_TOKEN_DAYS)
        elif expires_at is cls.NEVER:
            expires_at = None
        token = "bcn_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, prefix=token[:8], digest=cls.hash(token), scope=scope,
                                 expires_at=expires_at)
        return obj, token

    @classmethod
    def find(cls, token: str) -> ApiToken | None:
        """The token in use (not revoked, its user active) with this text, expired or not; None
        for any other text."""
        obj = cls.objects.select_related("user").filter(digest=cls.hash(token), revoked=False).first()
        if obj is None or not obj.user.is_active:
            return None
        return obj

    def expired(self, at=None) -> bool:
        return self.expires_at is not None and (at or clock.now()) >= self.expires_at

    @property
    def may_write(self) -> bool:
        return self.scope == self.READ_WRITE

    def record_use(self) -> None:
        type(self).objects.filter(pk=self.pk).update(last_used_at=clock.now())

    @classmethod
    def user_for(cls, token: str):
        """The active user a live, unexpired token belongs to (its use recorded), or None."""
        obj = cls.find(token)
        if obj is None or obj.expired():
            return None
        obj.record_use()
        return obj.user


class Job(models.Model):
    """A piece of work run in the background (publishing, rendering a pack, a large import): what
    it is, who started it, how far it has got, and how it ended. :mod:`beacon.core.jobs` is the
    only writer; the queue itself is django-tasks' (``run_job`` is its one task)."""

    STATUSES = [("queued", "Waiting to start"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]
    UNFINISHED = ("queued", "running")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=300, null=True, blank=True,
                           help_text="While a job with this key is unfinished, starting another returns it.")
    status = models.CharField(max_length=10, choices=STATUSES, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    step = models.CharField(max_length=500, blank=True)
    result_message = models.TextField(blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times a worker has started it.")
    worker = models.CharField(max_length=100, blank=True, help_text="The worker running it (or that last ran it).")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(status__in=("queued", "running")),
                                    name="core_job_unfinished_key"),
        ]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="core_job_status_heartbeat"),
            models.Index(fields=["-created_at"], name="core_job_created"),
        ]

    def __str__(self):
        return f"{self.title} ({self.status})"


class Notification(models.Model):
    """Something a person is told about: a return due, an action overdue, a risk flagged. One
    row per person and event (``event_key``): an event is never notified twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event_key = models.CharField(max_length=300, help_text="The event, e.g. return_due:2022/23 Q3:CYPE.")
    kind = models.CharField(max_length=30, choices=notifications.choices(notifications.NotificationKind))
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When it went out by e-mail, alone or in a digest.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event_key"], name="unique_notification")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]


class NotificationPreference(models.Model):
    """How one person hears of their notifications by e-mail, and the kinds they do not want."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    delivery = models.CharField(max_length=20, choices=notifications.choices(notifications.Delivery),
                                default=notifications.Delivery.DAILY_DIGEST)
    muted_kinds = models.JSONField(default=list, blank=True, help_text="Kinds not e-mailed (still listed).")
    last_digest_on = models.DateField(null=True, blank=True)
