"""The minutes pages' forms (the clerk writes a meeting's minutes): starting them from the agenda,
the attendance, one minute, a motion with its recorded vote, a declaration of interest, placing
the minutes on the next meeting and recording their approval or noting. Each builds a typed
command of :mod:`beacon.governance.minutes`; the forms that edit stored values carry what they
showed (``opened``), so two clerks saving at once are merged or refused, never overwritten."""

from __future__ import annotations

from django import forms

from beacon.core import clock
from beacon.core.stale import StaleEdit, seal
from beacon.domain.governance import (
    DeclarationAction,
    InterestType,
    MotionKind,
    MotionOutcome,
    Numbering,
    OutcomeKind,
)
from beacon.domain.minutes import paragraphs_of
from beacon.governance import minutes as svc
from beacon.governance import models as gm

from . import GovukForm, Labelled, StaleSafeForm, TextField


class Choice(Labelled, forms.ChoiceField):
    def __init__(self, *, label: str, choices, required: bool = False, message: str = "", **kwargs):
        super().__init__(label=label, choices=choices, required=required, **kwargs)
        if message:
            self.error_messages["required"] = message
        self.error_messages["invalid_choice"] = "choose one of the options"


class Whole(Labelled, forms.IntegerField):
    def __init__(self, *, label: str, required: bool = False, message: str = "enter a whole number", **kwargs):
        super().__init__(label=label, required=required, min_value=0, **kwargs)
        self.error_messages.update({"required": message, "invalid": "enter a whole number, like 3",
                                    "min_value": "enter a whole number, 0 or more"})
        self.widget.attrs.update({"govuk_width": "3", "govuk_type": "text"})


class Several(Labelled, forms.MultipleChoiceField):
    def __init__(self, *, label: str, choices, **kwargs):
        super().__init__(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs)
        self.error_messages["invalid_choice"] = "%(value)s is not one of the choices"


class Tick(Labelled, forms.BooleanField):
    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, required=False, **kwargs)


def _textarea(rows: int = 3):
    return forms.Textarea(attrs={"govuk_rows": str(rows)})


def people_choices(blank: str = "Choose a person", members_only: bool = False):
    people = gm.Person.objects.all()
    if members_only:
        people = people.filter(is_member=True)
    return [("", blank), *((p.key, svc.display_name(p)) for p in people.order_by("surname", "forename", "key"))]


class ServiceErrors:
    """Puts a service's refusal on the form: each field's sentence at the field, the rest as the
    form's own error."""

    field_map: dict[str, str] = {}

    def add_service_error(self, exc: svc.MinutesError) -> None:
        mapped = {self.add_prefix(self.field_map.get(k, k)): v for k, v in exc.field_errors.items()}
        rest = self.add_field_errors(mapped)
        if rest or not exc.field_errors:
            self.add_error(None, f"{exc.message}: {' '.join(rest.values())}" if rest else exc.message)

    @property
    def anchor(self) -> str:
        return f"{self.prefix or 'form'}-error"

    def summary(self) -> dict[str, str]:
        out = {self.anchor: " ".join(self.non_field_errors())} if self.non_field_errors() else {}
        for bound in self:
            if bound.errors and not bound.is_hidden:
                out[bound.auto_id] = " ".join(bound.errors)
        return out


# --- starting --------------------------------------------------------------------------------


class StartForm(ServiceErrors, GovukForm):
    numbering = Choice(label="Minute numbers", choices=[(n.value, n.label) for n in Numbering], required=True,
                       message="choose how the minutes are numbered")
    first_number = Whole(label="First minute number (leave blank to continue the series)")
    items = Several(label="Agenda items that have a minute", choices=())

    def __init__(self, *args, meeting: gm.Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        items = list(gm.AgendaItem.objects.filter(meeting=meeting).order_by("number"))
        self.fields["items"].choices = [(str(i.number), f"Item {i.number}: {i.title}") for i in items]
        self.fields["numbering"].choices = [("per_meeting", "1, 2, ... at each meeting"),
                                            ("running", "A running series, continued from the previous meeting")]
        if not self.is_bound:
            self.initial = {"numbering": Numbering.PER_MEETING, "items": [str(i.number) for i in items]}

    def command(self, by: str) -> svc.StartMinutes:
        data = self.cleaned_data
        items = tuple(int(n) for n in data["items"]) if self.fields["items"].choices else None
        return svc.StartMinutes(self.meeting.key, by, Numbering(data["numbering"]), data["first_number"] or None, items)


# --- attendance ------------------------------------------------------------------------------

CATEGORY_CHOICES = [("", "Not recorded"), *((c.value, c.label) for c in svc.MEETING_CATEGORIES)]


class AttendanceForm(ServiceErrors, StaleSafeForm):
    """One row a person: their attendance, the role printed with their name (e.g. "Chairman"),
    virtual, late; and who chaired."""

    chair = Choice(label="Chair (presiding)", choices=())

    def __init__(self, *args, meeting: gm.Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.people = list(gm.Person.objects.order_by("-is_member", "surname", "forename", "key"))
        self.fields["chair"].choices = people_choices("Choose who chaired", members_only=False)
        values = svc.attendance_values(meeting)
        self.fields["chair"].initial = values.get("chair", "")
        self.rows = []
        for p in self.people:
            entry = svc.entry_of(p.key, values.get(f"person:{p.key}", ""))
            name = svc.display_name(p)
            self.fields[f"person-{p.key}"] = Choice(label=f"Attendance of {name}", choices=CATEGORY_CHOICES,
                                                    initial=entry.category)
            self.fields[f"role-{p.key}"] = TextField(label=f"Role printed with {name}", initial=entry.role_text)
            self.fields[f"virtual-{p.key}"] = Tick(label=f"{name} attended virtually", initial=entry.virtual)
            self.fields[f"late-{p.key}"] = Tick(label=f"{name} arrived late", initial=entry.late)
            self.rows.append((p, name, self[f"person-{p.key}"], self[f"role-{p.key}"], self[f"virtual-{p.key}"],
                              self[f"late-{p.key}"]))
        self.field_map = {f"person:{p.key}": f"person-{p.key}" for p in self.people} | {"attendance": "chair"}

    def command(self, by: str) -> svc.SaveAttendance:
        data = self.cleaned_data
        entries = tuple(svc.AttendanceEntry(p.key, data.get(f"person-{p.key}") or "", data.get(f"role-{p.key}") or "",
                                            bool(data.get(f"virtual-{p.key}")), bool(data.get(f"late-{p.key}")))
                        for p in self.people)
        return svc.SaveAttendance(self.meeting.key, by, entries, chair=data.get("chair") or "",
                                  opened=self.opened_values())

    def add_stale_error(self, exc: StaleEdit) -> None:
        self.add_error(None, exc.message)
        self.add_field_errors({self.field_map.get(k, k): v for k, v in exc.field_errors.items()})
        data = self.data.copy()
        data[self.add_prefix("opened")] = seal(svc.attendance_values(self.meeting))
        self.data = data


# --- one minute ------------------------------------------------------------------------------

OUTCOME_CHOICES = [(k.value, {OutcomeKind.RESOLVED: "Resolved (RESOLVED ...)",
                              OutcomeKind.NOTED: "Noted (... was noted.)",
                              OutcomeKind.STATEMENT: "A statement (for example, There were no apologies for absence.)"
                              }.get(k, k.label)) for k in OutcomeKind]


class MinuteForm(ServiceErrors, StaleSafeForm):
    title = TextField(label="Title", required=True, error_messages={"required": "enter the minute's title"})
    number = Whole(label="Minute number", required=True, message="enter the minute number")
    item_number = Choice(label="Agenda item", choices=())
    paragraphs = TextField(label="Paragraphs", widget=_textarea(10),
                           help_text="Leave a blank line between paragraphs. Beacon numbers them 1, 2, 3 ...")
    outcome_kind = Choice(label="Outcome", choices=OUTCOME_CHOICES, required=True, message="choose the outcome")
    outcome = TextField(label="Resolutions or statement", widget=_textarea(4),
                        help_text="One resolution a paragraph, as printed: RESOLVED to note the report.")

    def __init__(self, *args, minute: gm.MinuteItem, **kwargs):
        values = svc.minute_values(minute)
        speakers = [s for s in values["speakers"].split("\n") if s]
        officers = [tuple((line.split("|", 1) + [""])[:2]) for line in values["officers"].split("\n") if line]
        super().__init__(*args, opened_values=values, **kwargs)
        self.minute = minute
        self.fields["item_number"].choices = [("", "None (no agenda item)"), *(
            (str(i.number), f"Item {i.number}: {i.title}")
            for i in gm.AgendaItem.objects.filter(meeting=minute.meeting).order_by("number"))]
        if not self.is_bound:
            self.initial = {"title": values["title"], "number": values["number"], "item_number": values["item_number"],
                            "paragraphs": values["paragraphs"], "outcome_kind": values["outcome_kind"],
                            "outcome": values["outcome"]}
        people = people_choices()
        bound_rows = self._bound_count("speaker_") if self.is_bound else 0
        self.speaker_names = []
        for i in range(1, max(len(speakers) + 2, 3, bound_rows) + 1):
            name = f"speaker_{i}"
            self.fields[name] = Choice(label=f"Speaker {i}", choices=people,
                                       initial=speakers[i - 1] if i <= len(speakers) else "")
            self.speaker_names.append(name)
        bound_rows = self._bound_count("officer_") if self.is_bound else 0
        self.officer_rows = []
        for i in range(1, max(len(officers) + 1, 2, bound_rows) + 1):
            key, role = officers[i - 1] if i <= len(officers) else ("", "")
            self.fields[f"officer_{i}"] = Choice(label=f"Officer {i} in attendance for this item", choices=people, initial=key)
            self.fields[f"officer_{i}_role"] = TextField(label=f"Officer {i}'s role, as printed", initial=role)
            self.officer_rows.append((f"officer_{i}", f"officer_{i}_role"))
        self.field_map = {"speakers": "speaker_1", "officers": "officer_1"}

    def _bound_count(self, start: str) -> int:
        numbers = [k[len(start):] for k in self.data if k.startswith(start)]
        return max((int(n) for n in numbers if n.isdigit()), default=0)

    @property
    def speaker_fields(self):
        return [self[n] for n in self.speaker_names]

    @property
    def officer_fields(self):
        return [(self[a], self[b]) for a, b in self.officer_rows]

    def command(self, by: str) -> svc.SaveMinute:
        data = self.cleaned_data
        return svc.SaveMinute(
            self.minute.meeting.key, self.minute.minute_number, by, title=data["title"], new_number=data["number"],
            item_number=int(data["item_number"]) if data["item_number"] else None,
            paragraphs=tuple(paragraphs_of(data["paragraphs"] or "")), outcome_kind=data["outcome_kind"],
            outcome=data["outcome"] or "", speakers=tuple(data[n] for n in self.speaker_names if data.get(n)),
            officers=tuple((data[a], data.get(b) or "") for a, b in self.officer_rows if data.get(a)),
            opened=self.opened_values())

    def add_stale_error(self, exc: StaleEdit, now: dict[str, str]) -> None:
        """Refused: nothing saved; each field both changed says then, now and what was typed; a
        field this page left alone now shows the other clerk's change, and the form carries the
        values as they stand, so saving again (after checking) goes through."""
        self.add_error(None, exc.message)
        self.add_field_errors({self.field_map.get(k, k): v for k, v in exc.field_errors.items()})
        opened = self.opened_values() or {}
        data = self.data.copy()
        for name in ("title", "number", "item_number", "paragraphs", "outcome_kind", "outcome"):
            if name in exc.field_errors or name not in opened:
                continue
            if (data.get(name) or "").strip() == opened[name].strip():
                data[name] = now[name]
        data[self.add_prefix("opened")] = seal(now)
        self.data = data


# --- motions and recorded votes --------------------------------------------------------------


class MotionForm(ServiceErrors, GovukForm):
    kind = Choice(label="Kind of motion", choices=[(k.value, k.label) for k in MotionKind], required=True,
                  message="choose the kind of motion")
    parent = Choice(label="For an amendment: the motion it amends", choices=())
    proposer = Choice(label="Proposed by", choices=(), required=True, message="choose who proposed the motion")
    seconder = Choice(label="Seconded by", choices=())
    text = TextField(label="The motion", widget=_textarea(3), required=True,
                     error_messages={"required": "enter the motion as moved"})
    outcome = Choice(label="Outcome of the motion", choices=[(o.value, o.label) for o in MotionOutcome], required=True,
                     message="choose the outcome")
    recorded_vote = Tick(label="A recorded vote (the names of those voting are printed)")
    votes_for = Several(label="For", choices=())
    for_count = Whole(label="Number printed after For")
    votes_against = Several(label="Against", choices=())
    against_count = Whole(label="Number printed after Against")
    votes_abstain = Several(label="Abstain", choices=())
    abstain_count = Whole(label="Number printed after Abstain")

    def __init__(self, *args, minute: gm.MinuteItem, **kwargs):
        kwargs.setdefault("prefix", "motion")
        super().__init__(*args, **kwargs)
        self.minute = minute
        self.fields["parent"].choices = [("", "Not an amendment"), *(
            (m.key, f"Motion {i}: {m.text[:60]}") for i, m in enumerate(gm.Motion.objects.filter(
                meeting=minute.meeting, minute_number=minute.minute_number).order_by("pk"), start=1))]
        self.fields["proposer"].choices = people_choices()
        self.fields["seconder"].choices = people_choices("Not seconded")
        # only the members recorded present (present, substitute, also present) may vote
        members = [(p.key, svc.display_name(p)) for p in svc.voters_present(minute.meeting)]
        for name in ("votes_for", "votes_against", "votes_abstain"):
            self.fields[name].choices = members
            self.fields[name].error_messages["invalid_choice"] = (
                "tick only members recorded as present at the meeting (record the attendance first)")

    def command(self, by: str) -> svc.RecordMotion:
        d = self.cleaned_data
        return svc.RecordMotion(
            self.minute.meeting.key, self.minute.minute_number, by, proposer=d["proposer"], text=d["text"],
            outcome=d["outcome"], kind=d["kind"], seconder=d["seconder"] or "", recorded_vote=bool(d["recorded_vote"]),
            votes_for=tuple(d["votes_for"]), votes_against=tuple(d["votes_against"]),
            votes_abstain=tuple(d["votes_abstain"]), for_count=d["for_count"], against_count=d["against_count"],
            abstain_count=d["abstain_count"], parent_key=d["parent"] or "")


# --- declarations, placing, approving, noting ------------------------------------------------


class DeclarationForm(ServiceErrors, GovukForm):
    person = Choice(label="Who declared an interest", choices=(), required=True,
                    message="choose who declared the interest")
    item_number = Choice(label="In agenda item", choices=())
    interest_type = Choice(label="Kind of interest", choices=[("", "Not stated"), *((t.value, t.label) for t in InterestType)])
    action = Choice(label="Then", choices=[("", "Not stated"), *((a.value, a.label) for a in DeclarationAction)])
    text = TextField(label="As printed (optional)", widget=_textarea(2))

    def __init__(self, *args, meeting: gm.Meeting, **kwargs):
        kwargs.setdefault("prefix", "declaration")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["person"].choices = people_choices()
        self.fields["item_number"].choices = [("", "Not stated"), *(
            (str(i.number), f"Item {i.number}: {i.title}") for i in gm.AgendaItem.objects.filter(meeting=meeting))]

    def command(self, by: str) -> svc.RecordDeclaration:
        d = self.cleaned_data
        return svc.RecordDeclaration(self.meeting.key, by, d["person"],
                                     int(d["item_number"]) if d["item_number"] else None,
                                     d["interest_type"] or "", d["action"] or "", d["text"] or "")


def _meeting_label(m: gm.Meeting) -> str:
    return svc.meeting_name(m)


class PlaceForm(ServiceErrors, GovukForm):
    on_meeting = Choice(label="Meeting whose agenda takes the minutes", choices=(), required=True,
                        message="choose the meeting")

    def __init__(self, *args, meeting: gm.Meeting, **kwargs):
        kwargs.setdefault("prefix", "place")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["on_meeting"].choices = [(m.key, _meeting_label(m)) for m in svc.next_meetings(meeting)]

    def command(self, by: str) -> svc.PlaceMinutes:
        return svc.PlaceMinutes(self.meeting.key, self.cleaned_data["on_meeting"], by)


class ResolveForm(ServiceErrors, GovukForm):
    """The approving (or noting) meeting and the minute of its resolution. For an approval, only
    held meetings with these minutes on their agenda are offered, each with the one minute that
    may record it (the minute of the minutes item)."""

    at_meeting = Choice(label="Meeting", choices=(), required=True, message="choose the meeting")
    minute_number = Whole(label="Its minute number", required=True, message="enter the minute number")
    field_map = {"at_meeting": "at_meeting", "minute_number": "minute_number"}

    def __init__(self, *args, meeting: gm.Meeting, noting: bool = False, **kwargs):
        kwargs.setdefault("prefix", "note" if noting else "approve")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.noting = noting
        body = meeting.body.parent_id if noting else meeting.body_id
        later = list(gm.Meeting.objects.filter(body_id=body, date__gt=meeting.date).select_related("body")
                     .exclude(status="cancelled").order_by("date", "key")[:6])
        self.fields["at_meeting"].label = "Meeting that noted them" if noting else "Meeting that approved them"
        self.options: list[svc.ApprovingMinute] = []
        if noting:
            self.fields["at_meeting"].choices = [(m.key, svc.meeting_name(m)) for m in later]
            if not self.is_bound and later:
                self.initial = {"at_meeting": later[0].key, "minute_number": svc.next_free_minute(later[0])}
            return
        held = [m for m in later if m.date <= clock.today()]
        self.options = [o for o in (svc.approving_minute(meeting, m) for m in held) if o is not None]
        self.fields["at_meeting"].choices = [(o.meeting_key, o.meeting_name) for o in self.options]
        self.fields["minute_number"] = Choice(label="The minute recording the approval", required=True,
                                              message="choose the minute", choices=[
                                                  (str(o.minute_number), o.label) for o in self.options])
        self.fields["minute_number"].error_messages["invalid_choice"] = (
            "choose the minute of the agenda item that carries these minutes")
        if not self.is_bound and self.options:
            self.initial = {"at_meeting": self.options[0].meeting_key, "minute_number": str(self.options[0].minute_number)}

    def command(self, by: str):
        d = self.cleaned_data
        kind = svc.NoteMinutes if self.noting else svc.ApproveMinutes
        return kind(self.meeting.key, d["at_meeting"], int(d["minute_number"]), by)
