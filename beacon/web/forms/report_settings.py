"""The report settings page's form: every field of a quarter's report settings (the cover
header, the contacts, the title page's producer, the risk overview's dates), each with a hint
saying what the paper prints when it is left blank. The contacts are rows of role, name, title,
phone and email; a row left blank is left out.

The form is thin: the checks (lengths, dates, e-mail addresses) are the service's
(:func:`beacon.reports.settings_service.save_report_settings`), whose errors are put on the
fields here. It is stale-safe: it carries the values it showed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms

from beacon.core import jsonio
from beacon.core.stale import StaleEdit, seal
from beacon.domain.periods import Quarter, date_words
from beacon.reports.settings_service import CONTACT_KEYS, CONTACT_LABELS, FIELDS, LABELS, blank_prints

from . import StaleSafeForm, TextField

CONTACT_ROWS = 4
"""Rows for contacts on the page (more when more are held, so none is lost by saving)."""

TEXT_AREAS = {"from_text": "3", "past_pathway": "2", "future_pathway": "2"}
WIDTHS = {"meeting_date": "20", "decision_no": "10", "classification": "20", "electoral_division": "20",
          "producer_phone": "20", "risk_data_to": "10", "risk_compare_to": "10"}


def _long_date(iso: str) -> str:
    return date_words(dt.date.fromisoformat(iso))


def hints(period: Quarter) -> dict[str, str]:
    """What each field is for and what a blank one prints, in the council's words."""
    blank = blank_prints(period)
    return {
        "council": "Printed on the title page and before the title on the cover. Left blank, no council name is printed.",
        "from_text": "One person or office a line. Left blank, the cover prints "
                     + " and ".join(f"“{line}”" for line in blank["from_text"].split("\n")) + ".",
        "to_text": f"The meeting or body the paper goes to. Left blank, the cover prints “{blank['to_text']}”.",
        "meeting_date": "For example 5 January 2023, printed after “To”. Left blank, no date is printed.",
        "decision_no": f"Left blank, the cover prints “{blank['decision_no']}”.",
        "subject": f"Left blank, the cover prints “{blank['subject']}”.",
        "classification": f"Left blank, the cover prints “{blank['classification']}”.",
        "past_pathway": f"Left blank, the cover prints “{blank['past_pathway']}”.",
        "future_pathway": f"Left blank, the cover prints “{blank['future_pathway']}”.",
        "electoral_division": f"Left blank, the cover prints “{blank['electoral_division']}”.",
        "producer": "Printed on the appendix's title page as “Produced by”. Left blank, it is not printed.",
        "producer_email": "Printed on the appendix's title page. Left blank, it is not printed.",
        "producer_phone": "Printed on the appendix's title page. Left blank, it is not printed.",
        "risk_data_to": "The date the Corporate Risk Register overview describes, for example 31/12/2022 (its counts are "
                        f"at the end of that month). Left blank, the end of the quarter ({_long_date(blank['risk_data_to'])}).",
        "risk_compare_to": "The earlier date the overview's counts are compared with, for example 30/09/2022. Left blank, "
                           f"the end of the previous quarter ({_long_date(blank['risk_compare_to'])}).",
    }


def _widget(name: str) -> forms.Widget:
    if name in TEXT_AREAS:
        return forms.Textarea(attrs={"govuk_rows": TEXT_AREAS[name]})
    attrs = {"govuk_width": WIDTHS[name]} if name in WIDTHS else {}
    if name in ("risk_data_to", "risk_compare_to"):
        attrs["govuk_type"] = "date"
    if name == "producer_email":
        attrs["govuk_type"] = "email"
    return forms.TextInput(attrs=attrs)


def contact_field(n: int, part: str) -> str:
    """The form field (and its id) of part ``part`` of contact row ``n`` (from 1)."""
    return f"contact-{n}-{part}"


def _contacts(text: str) -> list[dict]:
    try:
        items = jsonio.loads(text or "[]")
    except ValueError:
        return []
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


class ReportSettingsForm(StaleSafeForm):
    """Every setting of one quarter; ``current`` (the values as text, the service's
    ``values_of``) fills an unbound form and decides how many contact rows there are."""

    def __init__(self, *args, period: Quarter, current: Mapping[str, str], **kwargs):
        held = _contacts(current.get("contacts", ""))
        if not args or args[0] is None:
            kwargs.setdefault("initial", self.initial_for(current))
        super().__init__(*args, opened_values=dict(current), **kwargs)
        self.period = period
        texts = hints(period)
        for name in FIELDS:
            if name == "contacts":
                continue
            self.fields[name] = TextField(label=LABELS[name], help_text=texts[name], widget=_widget(name))
        self.contact_rows = 0
        self._add_contact_rows(max(CONTACT_ROWS, len(held), self._posted_rows() if self.is_bound else 0))
        self.fields["reason"] = TextField(label="Reason for the change (optional)", widget=forms.Textarea(attrs={"govuk_rows": "2"}),
                                          help_text="Kept with the history of each field you change.")
        self.contacts_error = ""
        self.stale: StaleEdit | None = None

    def _add_contact_rows(self, rows: int) -> None:
        for n in range(self.contact_rows + 1, rows + 1):
            for part in CONTACT_KEYS:
                attrs = {"govuk_width": "20"} if part == "phone" else {}
                if part == "email":
                    attrs["govuk_type"] = "email"
                self.fields[contact_field(n, part)] = TextField(
                    label=CONTACT_LABELS[part].capitalize(), error_label=f"Contact {n} {CONTACT_LABELS[part]}",
                    widget=forms.TextInput(attrs=attrs))
        self.contact_rows = max(self.contact_rows, rows)

    def _posted_rows(self) -> int:
        rows = 0
        for key in self.data:
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "contact" and parts[1].isdigit():
                rows = max(rows, int(parts[1]))
        return min(rows, 50)

    @staticmethod
    def initial_for(values: Mapping[str, str]) -> dict[str, str]:
        initial = {name: values.get(name, "") for name in FIELDS if name != "contacts"}
        for n, c in enumerate(_contacts(values.get("contacts", "")), 1):
            for part in CONTACT_KEYS:
                initial[contact_field(n, part)] = str(c.get(part) or "")
        return initial

    # --- what the page shows ---
    HEADER = ("council", "from_text", "to_text", "meeting_date", "decision_no", "subject", "classification",
              "past_pathway", "future_pathway", "electoral_division")
    PRODUCER = ("producer", "producer_email", "producer_phone")
    RISK = ("risk_data_to", "risk_compare_to")

    def header_fields(self):
        return [self[name] for name in self.HEADER]

    def producer_fields(self):
        return [self[name] for name in self.PRODUCER]

    def risk_fields(self):
        return [self[name] for name in self.RISK]

    def contact_fieldsets(self) -> list[tuple[int, list]]:
        return [(n, [self[contact_field(n, part)] for part in CONTACT_KEYS]) for n in range(1, self.contact_rows + 1)]

    # --- what the service gets ---
    def values(self) -> dict:
        """The settings as typed: text, the two dates as text, the contacts as rows (blank rows
        included; the service leaves them out, and numbers its errors by row)."""
        c = self.cleaned_data
        out = {name: c.get(name) or "" for name in FIELDS if name != "contacts"}
        out["contacts"] = [{part: c.get(contact_field(n, part)) or "" for part in CONTACT_KEYS}
                           for n in range(1, self.contact_rows + 1)]
        return out

    def reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()

    def add_service_errors(self, field_errors: Mapping[str, str]) -> dict[str, str]:
        """The service's errors on their fields (a whole-contacts error above the contact rows);
        returns those that belong to no field."""
        errors = dict(field_errors)
        whole = errors.pop("contacts", "")
        if whole:
            self.contacts_error = whole if whole.startswith(LABELS["contacts"]) else f"{LABELS['contacts']}: {whole}"
        return self.add_field_errors(errors)

    def add_stale_error(self, exc: StaleEdit, now: Mapping[str, str]) -> None:
        """A save refused because the settings changed since the page was opened: each field both
        people changed says then, now and what was typed; a field this form left alone now shows
        the other person's value; and the form carries today's values as opened, so saving again,
        after checking, goes through."""
        self.stale = exc
        self.add_service_errors(exc.field_errors)
        opened = self.opened_values() or {}
        data = self.data.copy()
        for name, value in now.items():
            if name in exc.field_errors or name not in opened or opened[name] == value:
                continue
            if name == "contacts":
                typed = [{part: (data.get(contact_field(n, part)) or "").strip() for part in CONTACT_KEYS}
                         for n in range(1, self.contact_rows + 1)]
                shown = _contacts(opened[name])
                if [t for t in typed if any(t.values())] == [{p: str(c.get(p) or "") for p in CONTACT_KEYS} for c in shown]:
                    held = _contacts(value)
                    self._add_contact_rows(len(held))
                    for n in range(1, self.contact_rows + 1):
                        c = held[n - 1] if n <= len(held) else {}
                        for part in CONTACT_KEYS:
                            data[contact_field(n, part)] = str(c.get(part) or "")
            elif name in self.fields and (data.get(name) or "").strip() == opened[name].strip():
                data[name] = value
        data["opened"] = seal(dict(now))
        self.data = data

    def summary(self) -> dict[str, str]:
        out = {}
        if self.contacts_error:
            out[contact_field(1, "role")] = self.contacts_error
        for bound in self:
            if bound.errors:
                out[bound.id_for_label] = " ".join(bound.errors)
        return out
