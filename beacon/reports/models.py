"""Report records: the cover settings of an edition, overrides of generated sentences, and
published (frozen) editions with their files."""

from functools import cached_property

from django.db import models

from beacon.core import blobs


class ReportSettings(models.Model):
    """The cover-report header and contacts of one edition (performance spec 2.1, 4.1).

    Data, not template text: an empty field falls back to a documented default (see
    ``beacon.reports.documents.context.cover_header``)."""

    period = models.CharField(max_length=12, unique=True, help_text="Canonical label, e.g. 2022/23 Q2.")
    council = models.CharField(
        max_length=200, blank=True,
        help_text="The council's name, printed on the title page and the cover (blank: not printed).",
    )
    from_text = models.TextField(blank=True, help_text='"From:" one line per person or office.')
    to_text = models.CharField(max_length=200, blank=True, help_text='"To:" e.g. Cabinet')
    meeting_date = models.CharField(max_length=60, blank=True, help_text='e.g. "5 January 2023"')
    decision_no = models.CharField(max_length=60, blank=True, default="n/a")
    subject = models.CharField(max_length=300, blank=True, help_text="Blank: generated from the period.")
    classification = models.CharField(max_length=100, default="Unrestricted")
    past_pathway = models.TextField(blank=True)
    future_pathway = models.TextField(blank=True)
    electoral_division = models.CharField(max_length=200, blank=True, default="All")
    contacts = models.JSONField(default=list, blank=True, help_text='[{"role", "name", "title", "phone", "email"}]')
    producer = models.CharField(max_length=200, blank=True, help_text='Title page "Produced by".')
    producer_email = models.CharField(max_length=200, blank=True)
    producer_phone = models.CharField(max_length=60, blank=True)
    risk_data_to = models.DateField(
        null=True, blank=True,
        help_text="The date the Corporate Risk Register overview describes (blank: the end of the quarter).",
    )
    risk_compare_to = models.DateField(
        null=True, blank=True,
        help_text="The earlier date its counts compare with (blank: the end of the previous quarter).",
    )

    class Meta:
        verbose_name_plural = "report settings"

    def __str__(self):
        return f"Report settings {self.period}"


class NarrativeOverride(models.Model):
    """A person's replacement for one generated sentence of one edition, kept with the period.

    ``key`` is the sentence key from ``beacon.domain.narrative`` (e.g. ``cover.2.2.green``,
    ``kpi.CS1``, ``block.CS``). ``generated`` records the sentence it replaced, so a reviewer
    can see when the data moved under an override."""

    period = models.CharField(max_length=12)
    key = models.CharField(max_length=120)
    text = models.TextField()
    generated = models.TextField(blank=True, help_text="The generated sentence when the override was made.")
    author = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "key"], name="unique_narrative_override")]
        ordering = ["period", "key"]

    def __str__(self):
        return f"{self.period} {self.key}"


class PublishedReport(models.Model):
    """A published edition: an immutable snapshot (performance spec 1, 3.7).

    ``model`` is the computed QPR model as rendered (with the narrative and settings in
    ``context``); ``data`` is the input data it was computed from, for ``beacon diff``.

    A quarter has one edition, or several when it was corrected: edition 1 is the first; a
    corrected edition (``corrects`` the one before it, with ``correction_reason`` and the
    ``differences`` in plain words) never changes the edition it corrects, which stays readable
    and is marked superseded (``corrected_by``). The current edition of a quarter is its newest.
    """

    period = models.CharField(max_length=12)
    edition = models.PositiveSmallIntegerField(default=1, help_text="1: the first edition; 2 and on: corrections.")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by",
        help_text="The edition this one corrects (blank: the first edition).",
    )
    correction_reason = models.TextField(blank=True, help_text="Why the edition it corrects was corrected.")
    differences = models.JSONField(
        default=list, blank=True,
        help_text="What differs from the edition it corrects, one sentence each (beacon.domain.qpr_editions).",
    )
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=150)
    rule_set = models.JSONField()
    model = models.JSONField(help_text="The computed QPR model, frozen.")
    context = models.JSONField(default=dict, help_text="Settings and narrative overrides used.")
    data = models.JSONField(help_text="The input data used (definitions, targets, observations, tables).")
    data_checksum = models.CharField(max_length=64)
    checks = models.JSONField(default=list)
    overridden_checks = models.JSONField(
        default=list, help_text='Failed checks published anyway: [{"id", "failures", "reason"}].'
    )

    class Meta:
        ordering = ["-published_at", "-edition"]
        constraints = [models.UniqueConstraint(fields=["period", "edition"], name="unique_published_edition")]

    def __str__(self):
        return f"Published {self.period}" + (f" (edition {self.edition})" if self.edition > 1 else "")

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @cached_property
    def superseded_by(self):
        """The corrected edition that replaces this one, or None (the current edition)."""
        return PublishedReport.objects.filter(corrects=self).first()

    @cached_property
    def frozen_model(self):
        """The computed model as it was frozen, typed (a ``QprModel``), read back through
        ``beacon.reports.publish.read_snapshot``: what pages print of a published edition."""
        from beacon.reports.publish import read_snapshot

        return read_snapshot(self).model


class PublishedFile(models.Model):
    report = models.ForeignKey(PublishedReport, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, help_text="The file's SHA-256: its name in the file store.")
    size = models.IntegerField()
    content = blobs.stored_bytes("sha256")  # the bytes, kept in the file store (beacon/core/blobs.py)

    class Meta:
        # the newest edition's file first: ``filter(report__period=..., format=...).first()`` is the current one
        ordering = ["-report__published_at", "-report__edition"]
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="unique_published_file")]
