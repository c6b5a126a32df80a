"""The clerk's forms (meetings, agendas, items, papers, the cycle): each turns what was typed into
a typed command of :mod:`beacon.governance.commands` or :mod:`beacon.governance.cycle`; the checks
of the records' state are the services'. Field ids are the field names (with a prefix where a page
holds several forms), so the error summary links to them. The forms that edit a stored record
carry the values they showed (:class:`~beacon.web.forms.StaleSafeForm`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django import forms

from beacon.core import clock
from beacon.core.stale import StaleEdit, seal
from beacon.domain import cycle as rules
from beacon.domain import governance as g
from beacon.domain.packs import time_words
from beacon.governance import commands as c
from beacon.governance import models as m

from . import GovukForm, Labelled, ParsedField, StaleSafeForm, TextField, iso_date

TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


def typed_time(text: str) -> dt.time:
    """A time as typed: 10:00, 16:30, 10.00 am, 4.30 pm, 10am."""
    match = TIME.match(text or "")
    if not match:
        raise ValueError("write a time such as 10:00 or 4.30 pm")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError("write a time such as 10:00 or 4.30 pm")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError("write a time such as 10:00 or 4.30 pm")
    return dt.time(hour, minute)


class Choice(Labelled, forms.ChoiceField):
    def __init__(self, *, label: str, choices, required: bool = False, blank: str | None = None, **kwargs):
        options = list(choices)
        if blank is not None:
            options = [("", blank), *options]
        super().__init__(label=label, choices=options, required=required, **kwargs)
        self.error_messages["required"] = "choose one"
        self.error_messages["invalid_choice"] = "choose one of the options"


class Flag(Labelled, forms.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _date_field(label: str, hint: str = "For example 5/1/2023 or 5 January 2023.", required: bool = False) -> ParsedField:
    # a text box, not the browser's date picker: the picker shows the browser's own format (often
    # American), which the hint cannot describe
    field = ParsedField(iso_date, label=label, required=required, help_text=hint,
                        widget=forms.TextInput(attrs={"govuk_width": "10"}))
    field.error_messages["required"] = "give a date"
    field.is_date = True
    return field


def typed_date_initial(value) -> str:
    """A stored date (a date, or its ISO text) as the date boxes show it: 5/1/2023."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day}/{value.month}/{value.year}" if isinstance(value, dt.date) else value


class _DatesShownInWords:
    """Date boxes filled from a stored record show the date as people type it, not ISO."""

    def _show_dates(self) -> None:
        for name, field in self.fields.items():
            if getattr(field, "is_date", False) and self.initial.get(name):
                self.initial[name] = typed_date_initial(self.initial[name])


def _time_field(label: str, hint: str = "For example 10:00 or 4.30 pm.") -> ParsedField:
    return ParsedField(typed_time, label=label, required=False, help_text=hint,
                       widget=forms.TextInput(attrs={"govuk_width": "5"}))


def body_choices():
    return [(b.code, b.name) for b in m.Body.objects.order_by("name")]


def person_name(p: m.Person) -> str:
    return " ".join(x for x in (p.title, p.forename or p.initials, p.surname) if x) or p.key


def people_choices():
    """People by name; two people of one name are told apart by their email, else their group."""
    people = list(m.Person.objects.order_by("surname", "forename", "key"))
    names = [person_name(p) for p in people]
    return [(p.key, f"{name}, {p.email or p.political_group or 'no email recorded'}" if names.count(name) > 1 else name)
            for p, name in zip(people, names)]


def meeting_label(mt: m.Meeting) -> str:
    label = f"{mt.body.name}, {mt.date.day} {mt.date:%B %Y}"
    if mt.start_time is not None:
        label += f", {time_words(mt.start_time)}"
    return label


def scheduled_choices(exclude: m.Meeting | None = None):
    """The scheduled meetings still to come (a past meeting takes no new business)."""
    qs = m.Meeting.objects.select_related("body").filter(status=g.MeetingStatus.SCHEDULED,
                                                         date__gte=clock.today()).order_by("date", "key")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return [(mt.key, meeting_label(mt)) for mt in qs]


class StaleMixin:
    """A refused save: the form says nothing was saved, each field both people changed says
    then, now and what was typed, and the form carries the values as they stand now."""

    stale: StaleEdit | None = None

    def add_stale_error(self, exc: StaleEdit, now: Mapping[str, str]) -> None:
        self.stale = exc
        self.add_error(None, exc.message)
        self.add_field_errors({self.add_prefix(k): v for k, v in exc.field_errors.items() if k in self.fields})
        opened = self.opened_values() or {}
        data = self.data.copy()
        for name, value in now.items():
            key = self.add_prefix(name)
            if name not in self.fields or name in exc.field_errors or name not in opened:
                continue
            if isinstance(self.fields[name], forms.BooleanField):
                if (key in data) == (opened[name] == "true"):
                    if value == "true":
                        data[key] = "1"
                    else:
                        data.pop(key, None)
            elif (data.get(key) or "").strip() == opened[name].strip():
                data[key] = value
        data[self.add_prefix("opened")] = seal(dict(now))
        self.data = data

    def add_service_error(self, exc: c.GovernanceError) -> str | None:
        """The service's errors on their fields; returns the message of those with no field."""
        rest = self.add_field_errors({self.add_prefix(k) if k in self.fields else k:
                                      exc.unlabelled(k) if k in self.fields else v for k in exc.field_errors
                                      for v in [exc.field_errors[k]]})
        if rest or not exc.field_errors:
            return " ".join([exc.message + ":", *rest.values()]) if rest else exc.message
        return None


# --- meetings --------------------------------------------------------------------------------
class AddMeetingForm(StaleMixin, GovukForm):
    body = Choice(label="Body", choices=(), required=True, blank="Choose a body")
    date = _date_field("Date", "For example 5/1/2023.", required=True)
    start_time = _time_field("Start time")
    scheduled_end = _time_field("Scheduled end (optional)")
    venue = TextField(label="Venue", help_text="As the agenda prints it, for example Council Chamber.")
    type = Choice(label="Type of meeting", choices=g.MeetingType.choices(), required=True)
    key = TextField(label="Identifier (optional)", help_text="Left blank: the body's code and the date, for example "
                                                            "CABINET-2023-01-05.", widget=forms.TextInput(attrs={"govuk_width": "20"}))
    standing_items = Flag(label="Start the agenda with the standing items",
                          help_text="Apologies, then Declarations of Interest.")


    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"type": g.MeetingType.ORDINARY.value, "standing_items": True})
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "Choose a body"), *body_choices()]

    def command(self, by: str) -> c.AddMeeting:
        d = self.cleaned_data
        return c.AddMeeting(by=by, body=d["body"], date=d["date"], start_time=d.get("start_time"),
                            scheduled_end=d.get("scheduled_end"), venue=d.get("venue") or "", type=d["type"],
                            key=(d.get("key") or "").strip(), standing_items=bool(d.get("standing_items")))


class MeetingDetailsForm(_DatesShownInWords, StaleMixin, StaleSafeForm):
    date = _date_field("Date", required=True)
    start_time = _time_field("Start time")
    scheduled_end = _time_field("Scheduled end (optional)")
    venue = TextField(label="Venue")
    type = Choice(label="Type of meeting", choices=g.MeetingType.choices(), blank="Not stated")
    presiding = Choice(label="Presiding", choices=(), blank="Not recorded")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        self._show_dates()
        self.fields["presiding"].choices = [("", "Not recorded"), *people_choices()]

    def command(self, meeting: str, by: str) -> c.EditMeeting:
        d = self.cleaned_data
        return c.EditMeeting(by=by, meeting=meeting, date=d["date"], start_time=d.get("start_time"),
                             scheduled_end=d.get("scheduled_end"), venue=d.get("venue") or "", type=d.get("type") or "",
                             presiding=d.get("presiding") or "", opened=self.opened_values())


class CancelForm(StaleMixin, GovukForm):
    reason = TextField(label="Why is the meeting cancelled?", widget=forms.Textarea(attrs={"govuk_rows": "2"}),
                       help_text="Recorded with the meeting; pathway steps planned at it are skipped with this reason.")
    moved_to = Choice(label="Meeting that takes its business (optional)", choices=(), blank="None")

    def __init__(self, *args, meeting: m.Meeting, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)
        self.fields["moved_to"].choices = [("", "None"), *scheduled_choices(exclude=meeting)]

    def command(self, meeting: str, by: str) -> c.CancelMeeting:
        d = self.cleaned_data
        return c.CancelMeeting(by=by, meeting=meeting, reason=d.get("reason") or "", moved_to=d.get("moved_to") or "")


# --- agendas ---------------------------------------------------------------------------------
class AgendaForm(_DatesShownInWords, StaleMixin, StaleSafeForm):
    dispatch_date = _date_field(c.SaveAgenda.labels["dispatch_date"], "The date printed on the agenda, for example "
                                                                      "22/12/2022 (two weeks before the meeting).")
    addressees = TextField(label=c.SaveAgenda.labels["addressees"], help_text="As printed after “To:”.")
    preamble = TextField(label=c.SaveAgenda.labels["preamble"], widget=forms.Textarea(attrs={"govuk_rows": "2"}),
                         help_text="For example “to deal with the following business” (a Council summons).")
    signatory = Choice(label=c.SaveAgenda.labels["signatory"], choices=(), blank="Not recorded")
    signatory_post = TextField(label=c.SaveAgenda.labels["signatory_post"])
    signatory_phone = TextField(label=c.SaveAgenda.labels["signatory_phone"], widget=forms.TextInput(attrs={"govuk_width": "20"}))
    contact_officer = Choice(label=c.SaveAgenda.labels["contact_officer"], choices=(), blank="Not recorded")
    contact_phone = TextField(label=c.SaveAgenda.labels["contact_phone"], widget=forms.TextInput(attrs={"govuk_width": "20"}))
    contact_email = TextField(label=c.SaveAgenda.labels["contact_email"], widget=forms.TextInput(attrs={"govuk_type": "email"}))
    unrestricted_note = TextField(label=c.SaveAgenda.labels["unrestricted_note"], widget=forms.Textarea(attrs={"govuk_rows": "2"}))
    exempt_note = TextField(label=c.SaveAgenda.labels["exempt_note"], widget=forms.Textarea(attrs={"govuk_rows": "3"}),
                            help_text="Left as the standard text, it follows the items: “no exempt items” until one is added.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "agenda")
        super().__init__(*args, **kwargs)
        self._show_dates()
        people = [("", "Not recorded"), *people_choices()]
        self.fields["signatory"].choices = people
        self.fields["contact_officer"].choices = people

    def command(self, meeting: str, by: str) -> c.SaveAgenda:
        d = self.cleaned_data
        values = {name: d.get(name) or "" for name in c.SaveAgenda.FIELDS if name != "dispatch_date"}
        return c.SaveAgenda(by=by, meeting=meeting, dispatch_date=d.get("dispatch_date"), opened=self.opened_values(),
                            **values)


# --- items -----------------------------------------------------------------------------------
PARAGRAPHS = [(str(n), f"Paragraph {n}: {text}") for n, text in rules.SCHEDULE_12A.items()]


class ItemForm(StaleMixin, StaleSafeForm):
    """Add an item (``number`` blank: the next) or edit one."""

    title = TextField(label=c.ITEM_LABELS["title"], help_text="As the agenda prints it, without the page reference.")
    category = Choice(label=c.ITEM_LABELS["category"], choices=g.ItemCategory.choices(), required=True)
    is_oral = Flag(label="Oral item", help_text="The agenda marks it “(Oral)”: no paper.")
    exempt = Flag(label="Exempt item", help_text="Listed under EXEMPT ITEMS; never in the public pack.")
    exempt_paragraph = Choice(label=c.ITEM_LABELS["exempt_paragraph"], choices=PARAGRAPHS, blank="Not exempt",
                              help_text="The paragraph of Schedule 12A to the Local Government Act 1972 the information falls in.")
    public_interest_reason = TextField(label=c.ITEM_LABELS["public_interest_reason"],
                                       widget=forms.Textarea(attrs={"govuk_rows": "2"}),
                                       help_text="Why the public interest in keeping it exempt outweighs the public interest "
                                                 "in disclosing it.")
    exempt_reason = TextField(label="Reason for exclusion as printed (optional)",
                              widget=forms.Textarea(attrs={"govuk_rows": "2"}))

    def __init__(self, *args, adding: bool = False, **kwargs):
        kwargs.setdefault("prefix", "item")
        if adding:
            kwargs.setdefault("initial", {"category": g.ItemCategory.REPORT.value})
        super().__init__(*args, **kwargs)
        self.adding = adding
        if adding:
            self.fields["number"] = ParsedField(_whole, label=c.ITEM_LABELS["number"], required=False,
                                                help_text="Left blank: the next number.",
                                                widget=forms.TextInput(attrs={"govuk_width": "3"}))
            self.order_fields(["number"])

    def _paragraph(self) -> int | None:
        value = self.cleaned_data.get("exempt_paragraph")
        return int(value) if value else None

    def add_command(self, meeting: str, by: str) -> c.AddItem:
        d = self.cleaned_data
        return c.AddItem(by=by, meeting=meeting, title=d.get("title") or "", category=d["category"], number=d.get("number"),
                         is_oral=bool(d.get("is_oral")), exempt=bool(d.get("exempt")), exempt_paragraph=self._paragraph(),
                         public_interest_reason=d.get("public_interest_reason") or "",
                         exempt_reason=d.get("exempt_reason") or "")

    def edit_command(self, meeting: str, number: int, by: str) -> c.EditItem:
        d = self.cleaned_data
        return c.EditItem(by=by, meeting=meeting, number=number, title=d.get("title") or "", category=d["category"],
                          is_oral=bool(d.get("is_oral")), exempt=bool(d.get("exempt")), exempt_paragraph=self._paragraph(),
                          public_interest_reason=d.get("public_interest_reason") or "",
                          exempt_reason=d.get("exempt_reason") or "", opened=self.opened_values())


def _whole(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError("write a whole number, 1 or more")
    return int(text)


def item_initial(values: Mapping[str, str]) -> dict:
    return {**values, "is_oral": values.get("is_oral") == "true", "exempt": values.get("exempt") == "true"}


class MoveItemForm(StaleMixin, GovukForm):
    to = ParsedField(_whole, label="New number", required=True, widget=forms.TextInput(attrs={"govuk_width": "3"}))

    def __init__(self, *args, number: int, **kwargs):
        kwargs.setdefault("prefix", f"move-{number}")
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["to"].label = f"New number for item {number}"
        self.fields["to"].error_label = "New number"
        self.fields["to"].error_messages["required"] = "give the item's new number"

    def command(self, meeting: str, by: str) -> c.MoveItem:
        return c.MoveItem(by=by, meeting=meeting, number=self.number, to=self.cleaned_data["to"])


# --- papers and packs ------------------------------------------------------------------------
class CreatePaperForm(StaleMixin, GovukForm):
    document = Choice(label="Document", choices=(), required=True, blank="Choose a document",
                      help_text="A published Quarterly Performance Report or a risk register edition.")
    meeting = Choice(label="Meeting", choices=(), required=True, blank="Choose a meeting")
    item_number = ParsedField(_whole, label="Agenda item number (optional)", required=False,
                              help_text="Left blank: the next number.", widget=forms.TextInput(attrs={"govuk_width": "3"}))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "Choose a document"), *[(d.ref, d.label) for d in documents]]
        self.fields["meeting"].choices = [("", "Choose a meeting"), *scheduled_choices()]


class UploadForm(StaleMixin, GovukForm):
    file = forms.FileField(label="The paper's file", required=True,
                           help_text="A PDF, or a Word document (.docx), which Beacon converts to PDF.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "The paper's file: choose a file"
        self.fields["file"].error_messages["empty"] = "The paper's file: the file is empty"
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx"


# --- the cycle -------------------------------------------------------------------------------
class MovePlacementForm(StaleMixin, GovukForm):
    meeting = Choice(label="Move to", choices=(), required=True, blank="Choose a meeting")

    def __init__(self, *args, placement: m.Placement, meetings, **kwargs):
        kwargs.setdefault("prefix", f"move-{placement.pk}")
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.fields["meeting"].choices = [("", "Choose a meeting"), *[(mt.key, meeting_label(mt)) for mt in meetings]]
        self.has_choices = bool(meetings)
        self.fields["meeting"].error_label = f"Move to ({placement.rule.body.name})"


class SkipPlacementForm(StaleMixin, GovukForm):
    reason = TextField(label="Reason for skipping")

    def __init__(self, *args, placement: m.Placement, **kwargs):
        kwargs.setdefault("prefix", f"skip-{placement.pk}")
        super().__init__(*args, **kwargs)
        self.placement = placement
