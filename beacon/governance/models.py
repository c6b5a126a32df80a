"""The governance records (governance.md §§1-12; import-format.md, Governance).

Every record has a stable key that a bundle names it by (a body's ``code``, a person's, a
meeting's, a paper's and a motion's ``key``; the others by the columns the format names), and
its printed forms beside its normalised values (``*_as_printed``). Changes are written through
:mod:`beacon.core.audit`, so every field keeps its history. Approved minutes and dispatched packs
are frozen (``Minutes.frozen_at``, :class:`Pack`).
"""

from __future__ import annotations

from django.db import models

from beacon.core import blobs
from beacon.domain import governance as g


def _choices(enum) -> list[tuple[str, str]]:
    return enum.choices()


class Body(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=_choices(g.BodyKind))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    aliases = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=_choices(g.BodyStatus), default=g.BodyStatus.ACTIVE)
    disbanded_on = models.DateField(null=True, blank=True)
    quorum = models.PositiveIntegerField(null=True, blank=True)
    default_access = models.CharField(max_length=10, choices=_choices(g.Access), default=g.Access.PUBLIC)
    meeting_frequency = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.name


class TermsOfReference(models.Model):
    """One version of a body's terms of reference: a new version never replaces an old one."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="terms_of_reference")
    version = models.PositiveIntegerField()
    adopted_on = models.DateField(null=True, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["body", "version"]
        constraints = [models.UniqueConstraint(fields=["body", "version"], name="unique_terms_version")]


class Person(models.Model):
    key = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=12, blank=True)
    initials = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    honours = models.JSONField(default=list, blank=True)
    is_member = models.BooleanField(null=True, blank=True)
    political_group = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["surname", "forename", "key"]

    def __str__(self):
        return self.key


class RoleAssignment(models.Model):
    """A time-bounded role (§2): who held which post or portfolio, on which body, from and to when,
    with the other printed forms of its title."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=24, choices=_choices(g.RoleKind))
    portfolio_or_post = models.CharField(max_length=200, blank=True)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="roles")
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    as_printed = models.CharField(max_length=300, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person", "role", "portfolio_or_post"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "portfolio_or_post", "body"], name="unique_role_assignment"),
        ]


class Meeting(models.Model):
    key = models.CharField(max_length=60, unique=True)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    scheduled_end = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=12, choices=_choices(g.MeetingType), blank=True)
    type_as_printed = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=_choices(g.MeetingStatus), default=g.MeetingStatus.SCHEDULED)
    presiding = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="presided")
    business_moved_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="business_moved_from",
        help_text="For a cancelled meeting: the meeting that took its business.",
    )
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["date", "start_time", "key"]

    def __str__(self):
        return self.key


class Agenda(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    heading = models.CharField(max_length=200, blank=True)
    dispatch_date = models.DateField(null=True, blank=True)
    issuing_office = models.CharField(max_length=200, blank=True)
    addressees = models.CharField(max_length=300, blank=True)
    preamble = models.TextField(blank=True)
    signatory = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signatory_post = models.CharField(max_length=200, blank=True)
    signatory_phone = models.CharField(max_length=40, blank=True)
    contact_officer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    unrestricted_note = models.TextField(blank=True)
    exempt_note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=400)
    section = models.CharField(max_length=12, choices=_choices(g.Section), default=g.Section.UNRESTRICTED)
    exempt_reason = models.TextField(blank=True)
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The paragraph of Schedule 12A to the Local Government Act 1972.")
    public_interest_reason = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=_choices(g.ItemCategory))
    is_oral = models.BooleanField(default=False)
    page_from = models.PositiveIntegerField(null=True, blank=True)
    page_to = models.PositiveIntegerField(null=True, blank=True)
    paper = models.OneToOneField("Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_item")
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="unique_agenda_item")]


class Paper(models.Model):
    """A document in an agenda pack (§6): a report with its cover header, or minutes."""

    key = models.CharField(max_length=80, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="papers")
    item = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=_choices(g.PaperKind), default=g.PaperKind.REPORT)
    subject = models.CharField(max_length=400)
    from_people = models.JSONField(default=list, blank=True, help_text="Person keys, in printed order.")
    from_as_printed = models.JSONField(default=list, blank=True)
    to_body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_date = models.DateField(null=True, blank=True)
    to_as_printed = models.CharField(max_length=200, blank=True)
    decision_no = models.CharField(max_length=40, null=True, blank=True)
    decision_no_as_printed = models.CharField(max_length=40, blank=True)
    is_key_decision = models.BooleanField(null=True, blank=True)
    classification = models.CharField(max_length=12, choices=_choices(g.Section), blank=True)
    past_pathway = models.CharField(max_length=300, blank=True)
    future_pathway = models.CharField(max_length=300, blank=True)
    electoral_division = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    recommendation = models.TextField(blank=True, help_text="The header Recommendation(s) as printed.")
    recommendation_body = models.TextField(blank=True, help_text="The final section's recommendation as printed.")
    author = models.JSONField(default=list, blank=True)
    relevant_director = models.JSONField(default=list, blank=True)
    contacts = models.JSONField(default=list, blank=True)
    contact_block_label = models.JSONField(default=list, blank=True)
    contact_details = models.JSONField(
        default=list, blank=True,
        help_text='The closing contact block when it names posts rather than people (a paper made from the report '
                  'settings): [{"role", "name", "title", "phone", "email"}], in printed order.')
    background_documents = models.TextField(blank=True)
    appendices = models.TextField(blank=True)
    ends_with_blank_page = models.BooleanField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=_choices(g.PaperSource), default=g.PaperSource.IMPORTED)
    document_ref = models.CharField(
        max_length=200, blank=True,
        help_text="For a paper Beacon renders: the document it carries as its appendix (a QPR edition, "
                  "a register edition, or the minutes of a meeting), as the reports area names it.")
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "item"]

    def __str__(self):
        return self.key


class PaperSection(models.Model):
    """A numbered section of a paper's body ("1. Introduction", ..., "n. Recommendation(s)")."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveIntegerField()
    heading = models.CharField(max_length=200)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["paper", "number"]
        constraints = [models.UniqueConstraint(fields=["paper", "number"], name="unique_paper_section")]


class PaperFile(models.Model):
    """A file a clerk uploaded as a paper's pages (a PDF, or a Word document converted to one).
    Append-only: a replacement is a new row, the earlier one kept."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, help_text="The file's SHA-256: its name in the file store.")
    size = models.IntegerField()
    page_count = models.PositiveIntegerField()
    content = blobs.stored_bytes("sha256")  # the bytes, kept in the file store (beacon/core/blobs.py)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["paper", "-uploaded_at", "-pk"]


class Recommendation(models.Model):
    """One part of a paper's recommendation (§7), stored once and printed twice (header and final
    section)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="recommendations")
    seq = models.PositiveIntegerField(default=1)
    label = models.CharField(max_length=4, blank=True)
    verb = models.CharField(max_length=10, choices=_choices(g.RecommendationVerb))
    verb_as_printed = models.CharField(max_length=40, blank=True)
    stem = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    printed_in = models.JSONField(default=list, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["paper", "seq"]
        constraints = [models.UniqueConstraint(fields=["paper", "label"], name="unique_recommendation_label")]


class Pathway(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="pathway")
    step = models.PositiveIntegerField()
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=_choices(g.PathwayRole))
    status = models.CharField(max_length=8, choices=_choices(g.PathwayStatus))
    skip_reason = models.TextField(blank=True)
    from_header = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["paper", "step"]
        constraints = [models.UniqueConstraint(fields=["paper", "step"], name="unique_pathway_step")]


class Minutes(models.Model):
    """The minutes of one meeting as a document (§8.1, §9): a draft until the next meeting
    approves them; then frozen (``frozen_at``), never edited again."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    heading = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=10, choices=_choices(g.MinutesStatus), blank=True)
    numbering = models.CharField(max_length=12, choices=_choices(g.Numbering), blank=True)
    approved_at_meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes")
    approved_at_minute = models.PositiveIntegerField(null=True, blank=True)
    signed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    noted_at_meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="noted_minutes")
    noted_at_minute = models.PositiveIntegerField(null=True, blank=True)
    printed_as_paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "minutes"


class MinuteItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minute_items")
    minute_number = models.PositiveIntegerField()
    item_number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=400)
    presiding = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paragraphs = models.PositiveIntegerField(default=0)
    unnumbered_paragraphs = models.JSONField(default=list, blank=True)
    text = models.JSONField(default=list, blank=True, help_text="The minute's paragraphs, when written in Beacon.")
    outcome_kind = models.CharField(max_length=20, choices=_choices(g.OutcomeKind))
    outcome = models.TextField(blank=True)
    speakers = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "minute_number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number"], name="unique_minute_number")]


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    minute_number = models.PositiveIntegerField()
    seq = models.PositiveIntegerField(default=1)
    verb = models.CharField(max_length=24, choices=_choices(g.ResolutionVerb))
    text = models.TextField()
    form = models.CharField(max_length=10, choices=_choices(g.ResolutionForm), default=g.ResolutionForm.RESOLVED)
    source = models.CharField(max_length=12, choices=_choices(g.ResolutionSource))
    motion = models.ForeignKey("Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="resolutions")
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.PROTECT, related_name="resolutions")
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "minute_number", "seq"]
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number", "seq"], name="unique_resolution")]


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    category = models.CharField(max_length=24, choices=_choices(g.AttendanceCategory))
    minute_number = models.PositiveIntegerField(null=True, blank=True)
    role_text = models.CharField(max_length=300, blank=True)
    name_as_printed = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "category", "minute_number", "position", "pk"]


class Declaration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    minute_number = models.PositiveIntegerField(null=True, blank=True)
    item_number = models.PositiveIntegerField(null=True, blank=True)
    interest_type = models.CharField(max_length=24, choices=_choices(g.InterestType), blank=True)
    action = models.CharField(max_length=10, choices=_choices(g.DeclarationAction), blank=True)
    text = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)


class Motion(models.Model):
    key = models.CharField(max_length=80, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    minute_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=_choices(g.MotionKind))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    proposer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    recommended_by = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    put_text = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=_choices(g.MotionOutcome))
    outcome_as_printed = models.CharField(max_length=200, blank=True)
    recorded_vote = models.BooleanField(null=True, blank=True)
    for_count_printed = models.PositiveIntegerField(null=True, blank=True)
    against_count_printed = models.PositiveIntegerField(null=True, blank=True)
    abstain_count_printed = models.PositiveIntegerField(null=True, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "minute_number", "key"]


class Vote(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    vote = models.CharField(max_length=8, choices=_choices(g.VoteChoice))
    name_as_printed = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["motion", "vote", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "person"], name="unique_vote")]


class Election(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="elections")
    minute_number = models.PositiveIntegerField()
    office = models.CharField(max_length=300)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="elections")
    person_as_printed = models.CharField(max_length=200, blank=True)
    proposer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=_choices(g.ElectionOutcome))
    outcome_as_printed = models.CharField(max_length=200, blank=True)
    acceptance_declared = models.BooleanField(null=True, blank=True)
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "minute_number", "office"]
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number", "office", "person"], name="unique_election")]


class QuestionSession(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="question_sessions")
    minute_number = models.PositiveIntegerField()
    rules_reference = models.TextField(blank=True)
    submitted = models.PositiveIntegerField(null=True, blank=True)
    put = models.PositiveIntegerField(null=True, blank=True)
    asked = models.PositiveIntegerField(null=True, blank=True)
    replies_given = models.BooleanField(null=True, blank=True)
    record_note = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number"], name="unique_question_session")]


class Question(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    minute_number = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    asker = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    respondent = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    supplementary = models.TextField(blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "minute_number", "seq"]
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number", "seq"], name="unique_question")]


class Petition(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="petitions")
    minute_number = models.PositiveIntegerField()
    presented_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    presented_to = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=400)
    referred_to_role = models.CharField(max_length=300, blank=True)
    referred_to_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(blank=True)
    scheme_version = models.CharField(max_length=100, blank=True)
    source_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "minute_number", "subject"], name="unique_petition")]


class CycleRule(models.Model):
    """Where an artefact travels (§11): e.g. a quarterly QPR to Cabinet, asked to NOTE; the refreshed
    register to Cabinet, then to Governance & Audit. ``step`` orders a route's bodies."""

    artefact = models.CharField(max_length=40, help_text="qpr_quarterly, qpr_year_end, register_refresh, register_assurance, register_directorate")
    step = models.PositiveIntegerField(default=1)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="cycle_rules")
    ask = models.CharField(max_length=10, choices=_choices(g.RecommendationVerb), default=g.RecommendationVerb.NOTE)
    dispatch_days = models.PositiveIntegerField(default=14, help_text="Days before the meeting the agenda is dispatched.")
    directorate = models.CharField(max_length=32, blank=True, help_text="For a directorate edition: the directorate's code.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["artefact", "step", "pk"]
        constraints = [models.UniqueConstraint(fields=["artefact", "step", "body", "directorate"], name="unique_cycle_rule")]


class Placement(models.Model):
    """One step of the cycle for one document: proposed on a meeting, then accepted or moved by the
    clerk, or skipped with its reason when the meeting is cancelled."""

    document_ref = models.CharField(max_length=200)
    rule = models.ForeignKey(CycleRule, on_delete=models.PROTECT, related_name="placements")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    dispatch_deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=_choices(g.PlacementStatus), default=g.PlacementStatus.PROPOSED)
    skip_reason = models.TextField(blank=True)
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document_ref", "rule__step", "pk"]
        constraints = [models.UniqueConstraint(fields=["document_ref", "rule"], name="unique_placement")]


class Pack(models.Model):
    """An agenda pack as dispatched (§5): rendered once and frozen. ``version`` 1 is the pack
    dispatched; each supplement after dispatch is the next version, keeping the page numbers of the
    pack already published. ``pages`` records each item's page range as assembled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    audience = models.CharField(max_length=10, choices=_choices(g.PackAudience), default=g.PackAudience.PUBLIC)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=300)
    pages = models.JSONField(default=dict, help_text="Item number -> [first page, last page], as assembled.")
    items = models.JSONField(default=list, blank=True,
                             help_text="The item numbers this pack's agenda lists (a supplement: those it adds).")
    page_count = models.PositiveIntegerField()
    pdf = blobs.stored_bytes("sha256")  # the PDF, kept in the file store (beacon/core/blobs.py)
    html = models.TextField()
    sha256 = models.CharField(max_length=64, help_text="The PDF's SHA-256: its name in the file store.")
    dispatched_by = models.CharField(max_length=150)
    dispatched_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "audience", "version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "audience", "version"], name="unique_pack_version")]
