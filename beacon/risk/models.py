"""The corporate risk register (risk spec §2): registers, risks, the dated history of every
rating, controls, mitigating actions with their date revisions and progress updates,
lifecycle events, issued ids and editions.

Likelihood and impact are stored; score, level, "At target" and direction of travel are always
derived (``beacon.domain.risk``), never stored as typed figures. Nothing is silently
overwritten: ratings are appended, changed fields are recorded as
:class:`beacon.core.models.Revision` rows, and lifecycle events are append-only.
"""

from django.conf import settings
from django.db import models

from beacon.core import blobs
from beacon.domain.risk import ActionStatus, EventKind, Rating, RiskStatus
from beacon.domain import kri

# the stored values, from the enums that hold their labels (beacon.domain.risk)
STATUSES = tuple(s.value for s in RiskStatus)
ACTION_STATUSES = tuple(s.value for s in ActionStatus)
EVENTS = tuple(e.value for e in EventKind)
# events about one action or control of a risk: history of that item, not rows of risk_events.csv,
# so several may share a risk and a date
ITEM_EVENTS = tuple(e.value for e in EventKind if e.is_item_event)


def _choices(values):
    return [(v, v.replace("_", " ")) for v in values]


class Register(models.Model):
    """A list of risks with a scope: the corporate register, or a directorate or service one.

    The council's words are data (``registers.csv``): ``name`` is the title printed on its
    editions ("KCC Corporate Risk Register"), ``owner_body`` the body that receives the
    register (the live register's editions, and a whole-council body for ``beacon register``),
    and ``other_bodies`` the other bodies that receive it whole (e.g. "Governance & Audit
    Committee", "County Council": whole-council bodies for ``beacon register``)."""

    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    owner_body = models.CharField(max_length=200, blank=True)
    other_bodies = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    @classmethod
    def corporate(cls) -> "Register":
        register, _ = cls.objects.get_or_create(
            code="corporate", defaults={"name": "Corporate Risk Register", "owner_body": "Cabinet"}
        )
        return register

    @property
    def whole_council_bodies(self) -> list[str]:
        """The bodies whose editions hold the whole register: ``owner_body``, then ``other_bodies``."""
        return [b for b in [self.owner_body, *(self.other_bodies or [])] if b]

    @classmethod
    def named(cls, code: str) -> "Register":
        if not code or code == "corporate":
            return cls.corporate()
        register, _ = cls.objects.get_or_create(code=code, defaults={"name": code})
        return register


class IssuedId(models.Model):
    """Every risk id ever issued or seen, so that none is reused (§3.5). Includes ids that left
    the register and are known only from events (CRR0051, CRR0055, CRR0010)."""

    risk_id = models.CharField(max_length=7, unique=True)
    first_recorded_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["risk_id"]


class Risk(models.Model):
    risk_id = models.CharField(max_length=7, unique=True, help_text="CRR and four digits; permanent.")
    title = models.CharField(max_length=500)
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="risks")
    owners = models.JSONField(default=list, help_text='"Name, post" entries, without the "On behalf of" prefix')
    owners_on_behalf_of = models.CharField(max_length=20, blank=True, help_text='"CMT" when printed "On behalf of CMT:"')
    owner_directorates = models.JSONField(default=list)
    cabinet_members = models.JSONField(default=list)
    cabinet_on_behalf_of = models.CharField(max_length=20, blank=True, help_text='"Cabinet" when printed "On behalf of Cabinet:"')
    cause = models.TextField(blank=True)
    event = models.TextField(blank=True)
    consequence = models.TextField(blank=True)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    current_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    target_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    target_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    timescale_to_target = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=_choices(STATUSES), default="active")
    replaced_by = models.JSONField(default=list, blank=True, help_text="ids that replaced or absorbed it")
    review_note = models.TextField(blank=True)
    scope_note = models.TextField(blank=True, help_text="the latest de-scoping, if any")

    class Meta:
        ordering = ["risk_id"]

    def __str__(self):
        return f"{self.risk_id} {self.title}"

    @property
    def current(self) -> Rating:
        return Rating(self.current_likelihood, self.current_impact, "current")

    @property
    def target(self) -> Rating:
        return Rating(self.target_likelihood, self.target_impact, "target")


class RiskRating(models.Model):
    """One rating change (§2.4). Never overwritten: a change is a new row."""

    KINDS = (("current", "current"), ("target", "target"))

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="ratings")
    kind = models.CharField(max_length=10, choices=KINDS)
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    effective_date = models.DateField()
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=500, blank=True, help_text="edition, import or lifecycle event")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["risk__risk_id", "kind", "effective_date", "pk"]

    @property
    def rating(self) -> Rating:
        return Rating(self.likelihood, self.impact, self.kind)


class Control(models.Model):
    """A mitigation in place: no date and no status (§2.5)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    title = models.TextField()
    owner = models.TextField(blank=True)
    order = models.IntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="set when it left the register; kept for history")

    class Meta:
        ordering = ["risk__risk_id", "order", "pk"]

    @property
    def history_key(self) -> str:
        return history_key(self)


def history_key(item: "Control | Action") -> str:
    """The key of a control's or an action's revisions: its identity (risk id and row id), never its
    text, so that a new title, or a long title cut two ways, keeps one history."""
    return f"{item.risk.risk_id} #{item.pk}"


class Action(models.Model):
    """A mitigating action (§2.6). (risk, title) is unique: a date change is a revision."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.TextField()
    owner = models.TextField(blank=True)
    due_text = models.CharField(max_length=200, blank=True, help_text="verbatim, e.g. 'March 2023 (review)'")
    due_date = models.DateField(null=True, blank=True, help_text="parsed; a month is dated the first")
    due_kind = models.CharField(max_length=12, default="completion", help_text="completion or review")
    status = models.CharField(max_length=20, choices=_choices(ACTION_STATUSES), default="planned")
    order = models.IntegerField(default=0)
    superseded_by = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="supersedes")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["risk__risk_id", "order", "pk"]

    @property
    def latest_update(self):
        return self.updates.order_by("-recorded_at", "-pk").first()

    @property
    def status_label(self) -> str:
        """The status in words, as the papers print it (the enum's ``heading``)."""
        return ActionStatus(self.status).heading

    @property
    def history_key(self) -> str:
        return history_key(self)


class ActionDateRevision(models.Model):
    """A revised due date: the old one is kept (§3.6)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="date_revisions")
    old_text = models.CharField(max_length=200, blank=True)
    old_date = models.DateField(null=True, blank=True)
    new_text = models.CharField(max_length=200, blank=True)
    new_date = models.DateField(null=True, blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]


class ActionUpdate(models.Model):
    """A dated progress update (§2.7)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    reported_in = models.CharField(max_length=300, blank=True)
    status_as_printed = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=_choices(ACTION_STATUSES))
    short_name = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    updated_on = models.DateField(
        null=True, blank=True,
        help_text="the date the update speaks for (e.g. the QPR's data date); null: the day it was recorded",
    )
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).heading

    @property
    def dated(self):
        """The date of the update: ``updated_on``, or the day it was recorded."""
        return self.updated_on or self.recorded_at.date()


class RiskEvent(models.Model):
    """A lifecycle event and its change note (§2.8). Append-only. ``risk_code`` may name an id
    that is no longer on any register (CRR0051)."""

    risk_code = models.CharField(max_length=7)
    risk = models.ForeignKey(Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    event = models.CharField(max_length=30, choices=_choices(EVENTS))
    occurred_after = models.DateField(null=True, blank=True)
    occurred_by = models.DateField(null=True, blank=True)
    rating = models.CharField(max_length=10, blank=True)
    direction = models.CharField(max_length=10, blank=True)
    from_score = models.PositiveSmallIntegerField(null=True, blank=True)
    to_score = models.PositiveSmallIntegerField(null=True, blank=True)
    related = models.JSONField(default=list, blank=True)
    register = models.CharField(max_length=100, blank=True, help_text="destination register")
    reported_in = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["risk_code", "occurred_by", "pk"]
        indexes = [models.Index(fields=["risk_code", "event"])]


class PublishedRisk(models.Model):
    """The summary row as printed, for checking only (§9.3); never used as data. A row belongs to
    the edition it was printed in (``edition_body``, ``edition_date``); a row of a bundle that does
    not say so (both empty) is the summary of no particular edition."""

    risk_code = models.CharField(max_length=7)
    edition_body = models.CharField(max_length=200, blank=True)
    edition_date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    current_rating_as_printed = models.CharField(max_length=50, blank=True)
    target_rating_as_printed = models.CharField(max_length=50, blank=True)
    direction_as_printed = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["edition_date", "edition_body", "risk_code"]
        constraints = [
            models.UniqueConstraint(fields=["risk_code", "edition_body", "edition_date"], name="unique_printed_row"),
            models.UniqueConstraint(fields=["risk_code"], condition=models.Q(edition_date__isnull=True),
                                    name="unique_unscoped_printed_row"),
        ]


class RevisionEffect(models.Model):
    """The date a recorded change to a risk, control or action took effect: the date the data
    speaks for (a lifecycle operation's ``on``, a bundle row's ``rated_on``), beside its
    :class:`beacon.core.models.Revision`, which says who recorded it and when. A revision
    without one took effect on the day it was recorded. Editions read the register as it stood on
    their date from these (``beacon.risk.states``)."""

    revision = models.OneToOneField("core.Revision", on_delete=models.CASCADE, related_name="risk_effect")
    effective_date = models.DateField()


class Edition(models.Model):
    """The register as presented to one body on one date: a frozen snapshot (§2.2)."""

    body = models.CharField(max_length=200)
    date = models.DateField()
    baseline_date = models.DateField()
    baseline_basis = models.CharField(max_length=200, blank=True, help_text="why this baseline")
    directorate = models.CharField(max_length=32, blank=True, help_text="for a Cabinet Committee edition")
    snapshot = models.JSONField(default=dict)
    footnotes = models.JSONField(default=list, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    # its life (beacon.domain.edition_rules): never deleted; superseded or withdrawn with who, when, why
    status = models.CharField(max_length=12, default="current",
                              choices=(("current", "current"), ("superseded", "superseded"), ("withdrawn", "withdrawn")))
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes")
    status_by = models.CharField(max_length=150, blank=True, help_text="who superseded or withdrew it")
    status_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    date_confirmed = models.JSONField(default=list, blank=True,
                                      help_text="the questions about its date that the person who froze it confirmed")

    class Meta:
        ordering = ["body", "date", "pk"]
        constraints = [models.UniqueConstraint(fields=["body", "date"], condition=models.Q(status="current"),
                                               name="unique_current_edition")]

    def __str__(self):
        return f"{self.body} {self.date:%d/%m/%Y}"


class EditionFile(models.Model):
    """A document of an edition, rendered once and stored (like a published QPR's files): every
    download gives the same bytes. One per format and status (a superseded or withdrawn edition's
    documents say so, so they are rendered once more, and stored, after the change)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=10)
    status = models.CharField(max_length=12, default="current")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, help_text="The file's SHA-256: its name in the file store.")
    size = models.IntegerField()
    content = blobs.stored_bytes("sha256")  # the bytes, kept in the file store (beacon/core/blobs.py)
    rendered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "format", "status"], name="unique_edition_file")]


class CandidateRisk(models.Model):
    """A theme being considered for the register, with no id yet (§3.6 "candidate risk"): e.g. the
    refugee and asylum situation, to be entered "if the aggregated risk exposure is deemed to
    warrant it". Entering it issues the next id."""

    STATUSES = (("open", "open"), ("entered", "entered"), ("dropped", "dropped"))

    theme = models.CharField(max_length=300, unique=True)
    note = models.TextField(blank=True)
    raised_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default="open")
    entered_as = models.CharField(max_length=7, blank=True, help_text="the risk id it was entered as")
    closed_on = models.DateField(null=True, blank=True)
    reported_in = models.CharField(max_length=500, blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["raised_on", "theme"]


class RiskAssignment(models.Model):
    """A risk owner's risk: they re-rate it and record progress on its actions (see
    :mod:`beacon.core.permissions`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_assignments")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "risk"], name="unique_risk_assignment")]

    def __str__(self):
        return f"{self.user} – {self.risk.risk_id}"


class RiskIndicator(models.Model):
    """A key risk indicator: a KPI or an activity indicator that evidences a risk (a KPI can
    evidence several risks), with the trigger rule that flags the risk for review."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="indicators")
    kpi = models.ForeignKey("performance.Kpi", on_delete=models.CASCADE, null=True, blank=True,
                            related_name="risk_links")
    activity = models.ForeignKey("performance.ActivityIndicator", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="risk_links")
    trigger = models.CharField(max_length=30, choices=kri.choices(kri.TriggerRule), default=kri.TriggerRule.NONE)
    quarters = models.PositiveSmallIntegerField(default=2, help_text="Consecutive quarters the trigger needs.")
    note = models.TextField(blank=True)
    display_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["risk", "display_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kpi__isnull=False, activity__isnull=True)
                           | models.Q(kpi__isnull=True, activity__isnull=False)),
                name="risk_indicator_one_indicator"),
            models.UniqueConstraint(fields=["risk", "kpi"], name="unique_risk_kpi"),
            models.UniqueConstraint(fields=["risk", "activity"], name="unique_risk_activity"),
        ]


class RiskRelation(models.Model):
    """One risk bearing on another: related, or contributes to."""

    from_risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="relations_out")
    to_risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=kri.choices(kri.RelationKind))
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_risk", "to_risk", "kind"], name="unique_risk_relation"),
            models.CheckConstraint(condition=~models.Q(from_risk=models.F("to_risk")), name="risk_relation_not_self"),
        ]


class RiskFlag(models.Model):
    """A risk flagged for review by an indicator's trigger rule, with the evidence. Raised once
    per indicator, rule and period (re-evaluating never raises it twice)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="flags")
    indicator = models.ForeignKey(RiskIndicator, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="flags")
    indicator_code = models.CharField(max_length=32, help_text="Kept if the link is removed.")
    trigger = models.CharField(max_length=30, choices=kri.choices(kri.TriggerRule))
    period = models.CharField(max_length=12, help_text="The latest period of the evidence.")
    evidence = models.TextField(help_text="The results that met the rule, in words.")
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=kri.choices(kri.FlagStatus), default=kri.FlagStatus.OPEN)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["risk", "-raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "indicator_code", "trigger", "period"], name="unique_risk_flag")
        ]
