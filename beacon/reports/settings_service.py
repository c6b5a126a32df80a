"""Saving a quarter's report settings (cover header, contacts, title-page producer, the risk
overview's dates): the one writer, used by the report settings page and by JSON loading
(``beacon report_settings FILE``, ``beacon demo``).

:func:`save_report_settings` checks the values (lengths as the model allows, dates, e-mail
addresses), merges them field by field with the settings as they stand now against what the
form showed (:func:`beacon.core.stale.merge_or_refuse`, inside the locked transaction, so two
people saving at once cannot overwrite each other), and writes each changed field with its
history (:func:`beacon.core.audit.save_with_history`; the contacts are recorded as JSON text).
Saving the same values again changes nothing and records nothing.

A published edition keeps the settings it was published with: a change here feeds the drafts
and the next corrected edition only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from beacon.core import audit, clock, jsonio
from beacon.core.stale import StaleEdit, merge_or_refuse
from beacon.domain.periods import PeriodError, Quarter, typed_date

FIELDS = (
    "council", "from_text", "to_text", "meeting_date", "decision_no", "subject", "classification",
    "past_pathway", "future_pathway", "electoral_division", "contacts", "producer", "producer_email",
    "producer_phone", "risk_data_to", "risk_compare_to",
)
DATE_FIELDS = ("risk_data_to", "risk_compare_to")
EMAIL_FIELDS = ("producer_email",)
CONTACT_KEYS = ("role", "name", "title", "phone", "email")
CONTACT_MAX_LENGTH = 200
"""The longest text a contact's role, name, title, phone or e-mail may hold (the cover's table
has narrow columns; the model stores the contacts as JSON, without a length of its own)."""

LABELS = {
    "council": "Council",
    "from_text": "From",
    "to_text": "To",
    "meeting_date": "Meeting date",
    "decision_no": "Decision number",
    "subject": "Subject",
    "classification": "Classification",
    "past_pathway": "Past pathway of paper",
    "future_pathway": "Future pathway of paper",
    "electoral_division": "Electoral division",
    "contacts": "Contact details",
    "producer": "Produced by",
    "producer_email": "Producer's email address",
    "producer_phone": "Producer's phone number",
    "risk_data_to": "Risk register described at",
    "risk_compare_to": "Risk register compared with",
}
CONTACT_LABELS = {"role": "role", "name": "name", "title": "title", "phone": "phone", "email": "email address"}

ENTITY = "report settings"
PAGE_SOURCE = "report settings page"


class SettingsError(ValueError):
    """Report settings that cannot be saved. ``field_errors`` maps each field in error (a
    contact's part as ``contact-<n>-<part>``, ``n`` counting from 1) to its reason; ``message``
    is the short sentence a page shows above them; ``str()`` names every field (for the command
    line)."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None):
        self.message = message
        self.field_errors = dict(field_errors or {})
        detail = self.details()
        super().__init__(f"{message}: {detail}" if detail else message)

    def details(self) -> str:
        """Every field in error with its reason, named as a settings file names it."""
        return "; ".join(f"{_json_name(k)}: {v}" for k, v in self.field_errors.items())


def _json_name(key: str) -> str:
    """A field's name as a settings file spells it (``contact-2-email`` is ``contacts[2].email``)."""
    if key.startswith("contact-"):
        _, n, part = key.split("-", 2)
        return f"contacts[{n}].{part}"
    return key


@dataclass(frozen=True)
class SaveReportSettings:
    """Set some of a quarter's report settings.

    ``values`` maps field names (:data:`FIELDS`) to their new value: text; a date (or
    ``YYYY-MM-DD`` text, blank or None for the default) for the two risk overview dates; a list of
    contacts (mappings of :data:`CONTACT_KEYS`; a contact with every part blank is left out) for
    ``contacts``. Fields not given keep their value. ``opened`` is what the form showed
    (:func:`values_of`), None when the caller showed nothing (a settings file)."""

    period: str
    values: Mapping[str, Any]
    by: str
    opened: Mapping[str, str] | None = None
    reason: str = ""
    source: str = PAGE_SOURCE


@dataclass(frozen=True)
class Saved:
    """What a save did: the settings row, and the fields it changed (their labels)."""

    settings: Any
    changed: tuple[str, ...]


# --- values as text (what a form shows and what the merge compares) ------------------------
def contact(item: Mapping[str, Any]) -> dict[str, str]:
    """A contact with every part, in order, as stripped text (a part left out is blank)."""
    return {k: str(item.get(k) or "").strip() for k in CONTACT_KEYS}


def contacts_text(contacts: Sequence[Mapping[str, Any]] | None) -> str:
    """The contacts as the JSON text the merge compares and the history records."""
    return jsonio.dumps([contact(c) for c in contacts or ()], indent=None)


def values_of(row) -> dict[str, str]:
    """A settings row's editable values as text: what the page shows (and seals as opened) and
    what a save is merged against. ``row`` may be unsaved (a quarter with no settings yet)."""
    out = {}
    for name in FIELDS:
        value = getattr(row, name)
        if name == "contacts":
            out[name] = contacts_text(value if isinstance(value, list) else [])
        elif name in DATE_FIELDS:
            out[name] = value.isoformat() if value else ""
        else:
            out[name] = value or ""
    return out


def readable(name: str, text: str) -> str:
    """A value's text as people read it: the contacts one per line (``role: name, title,
    phone, email``) rather than JSON; any other field as it is."""
    if name != "contacts" or not text:
        return text
    try:
        items = jsonio.loads(text)
    except ValueError:
        return text
    if not isinstance(items, list):
        return text
    lines = []
    for item in items:
        if not isinstance(item, dict):
            return text
        c = contact(item)
        rest = ", ".join(v for v in (c["name"], c["title"], c["phone"], c["email"]) if v)
        lines.append(f"{c['role']}: {rest}" if c["role"] else rest)
    return "\n".join(lines)


def blank_prints(period: Quarter) -> dict[str, str]:
    """What the paper prints for each field left blank (``cover_header`` and the templates'
    defaults), for the page's hints."""
    from beacon.domain.qpr_model import PeriodInfo, Variant
    from beacon.reports.documents.context import addressee, default_subject

    info = PeriodInfo(label=period.label, financial_year=period.financial_year.label, quarter=period.number,
                      variant=Variant.YEAR_END if period.is_year_end else Variant.QUARTERLY)
    return {
        "from_text": "Leader of the Council\nChief Executive Officer",
        "to_text": addressee({}, info),
        "decision_no": "n/a",
        "subject": default_subject(info),
        "classification": "Unrestricted",
        "past_pathway": "None",
        "future_pathway": "None",
        "electoral_division": "All",
        "risk_data_to": period.end.isoformat(),
        "risk_compare_to": period.previous().end.isoformat(),
    }


# --- checking ------------------------------------------------------------------------------
def _quarter(label: str) -> Quarter:
    try:
        return Quarter.parse(str(label))
    except PeriodError as exc:
        raise SettingsError("The report settings were not saved", {"period": str(exc)}) from None


def _date(text: Any) -> dt.date | None:
    if text is None or isinstance(text, dt.date):
        return text
    text = str(text).strip()
    if not text:
        return None
    return typed_date(text)  # ISO from files and date pickers, or 30/11/2022 as typed


def _email_problem(text: str) -> str | None:
    try:
        validate_email(text)
    except ValidationError:
        return f"{text!r} is not an email address (write it like name@example.org)"
    return None


def _too_long(text: str, limit: int | None) -> str | None:
    if limit is not None and len(text) > limit:
        return f"must be {limit} characters or fewer (it has {len(text)})"
    return None


def _checked(values: Mapping[str, Any]) -> dict[str, str]:
    """The given values as text (:func:`values_of`'s form), or :class:`SettingsError` naming
    every field in error."""
    from beacon.reports.models import ReportSettings

    errors: dict[str, str] = {}
    out: dict[str, str] = {}
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise SettingsError("The report settings were not saved",
                            {k: f"is not a report setting (known: {', '.join(FIELDS)})" for k in unknown})
    for name, value in values.items():
        if name == "contacts":
            out[name] = _checked_contacts(value, errors)
        elif name in DATE_FIELDS:
            try:
                day = _date(value)
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            out[name] = day.isoformat() if day else ""
        else:
            if value is not None and not isinstance(value, str):
                errors[name] = "must be text"
                continue
            text = (value or "").replace("\r\n", "\n").strip()  # a text area sends CR LF
            problem = _too_long(text, ReportSettings._meta.get_field(name).max_length)
            if problem is None and name in EMAIL_FIELDS and text:
                problem = _email_problem(text)
            if problem:
                errors[name] = problem
            out[name] = text
    if errors:
        raise SettingsError("The report settings were not saved", errors)
    return out


def _checked_contacts(value: Any, errors: dict[str, str]) -> str:
    if value is None:
        value = []
    if isinstance(value, str):  # the JSON text a form or a revision holds
        try:
            value = jsonio.loads(value) if value.strip() else []
        except ValueError:
            errors["contacts"] = "are not a list of contacts"
            return ""
    if not isinstance(value, (list, tuple)):
        errors["contacts"] = "must be a list of contacts"
        return ""
    kept = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, Mapping) or set(item) - set(CONTACT_KEYS) or \
                any(v is not None and not isinstance(v, str) for v in item.values()):
            errors[f"contact-{n}-role"] = f"contact {n} must have text for any of {', '.join(CONTACT_KEYS)}"
            continue
        c = contact(item)
        if not any(c.values()):  # a blank row of the form
            continue
        for part in CONTACT_KEYS:
            problem = _too_long(c[part], CONTACT_MAX_LENGTH)
            if problem is None and part == "email" and c[part]:
                problem = _email_problem(c[part])
            if problem:
                errors[f"contact-{n}-{part}"] = problem
        kept.append(c)
    return contacts_text(kept)


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _check_risk_dates(period: Quarter, merged: Mapping[str, str]) -> None:
    """The overview compares the end of one month with the end of an earlier one (as
    ``build_risk_overview`` requires): refuse dates that would make the paper fail to build."""
    data_to = _month_end(_date(merged["risk_data_to"]) or period.end)
    compare_to = _month_end(_date(merged["risk_compare_to"]) or period.previous().end)
    if compare_to >= data_to:
        raise SettingsError("The report settings were not saved", {
            "risk_compare_to": f"must be in a month before the one the overview describes ({data_to:%B %Y}); "
                               f"it is {compare_to:%B %Y}",
        })


# --- saving --------------------------------------------------------------------------------
def _stored(name: str, text: str) -> Any:
    if name == "contacts":
        return [contact(c) for c in jsonio.loads(text or "[]")]
    if name in DATE_FIELDS:
        return _date(text)
    return text


def _readable_stale(exc: StaleEdit) -> StaleEdit:
    """The same refusal with the contacts written for people rather than as JSON."""
    changes = tuple(
        dataclasses.replace(c, opened=readable(c.field, c.opened), current=readable(c.field, c.current),
                            submitted=None if c.submitted is None else readable(c.field, c.submitted))
        for c in exc.changes
    )
    return StaleEdit(exc.what, changes)


def save_report_settings(command: SaveReportSettings) -> Saved:
    """Check, merge and save a quarter's report settings, each changed field with its history.

    Raises :class:`SettingsError` (the fields in error and why) or
    :class:`~beacon.core.stale.StaleEdit` (a field someone else changed since the form was
    opened, changed differently here); either way nothing is saved."""
    from beacon.reports.models import ReportSettings

    period = _quarter(command.period)
    submitted = _checked(command.values)
    what = f"The report settings for {period.long_label}"
    with transaction.atomic():
        row, created = ReportSettings.objects.select_for_update().get_or_create(period=period.label)
        current = values_of(row)
        try:
            merged = dict(merge_or_refuse(what, command.opened, current, submitted, LABELS))
        except StaleEdit as exc:
            raise _readable_stale(exc) from None
        if any(merged.get(name, current[name]) != current[name] for name in DATE_FIELDS):
            _check_risk_dates(period, {**current, **merged})
        change = audit.Change(by=command.by, at=clock.now(), reason=command.reason.strip(), source=command.source)
        changed = _write(row, current, merged, change, period)
        if created and not changed:  # nothing to keep: a quarter without settings stays without
            row.delete()
    return Saved(row, tuple(LABELS[name] for name in changed))


def _write(row, current: Mapping[str, str], merged: Mapping[str, str], change: audit.Change,
           period: Quarter) -> list[str]:
    """Write the fields whose text changed: the contacts recorded as JSON text, every other
    field through ``save_with_history``. Returns the names of the fields changed."""
    from beacon.reports.models import ReportSettings

    changed = [name for name in FIELDS if name in merged and merged[name] != current[name]]
    plain = {name: _stored(name, merged[name]) for name in changed if name != "contacts"}
    if plain:
        audit.save_with_history(ReportSettings, {"pk": row.pk}, plain, entity=ENTITY, key=period.label, change=change)
    if "contacts" in changed:
        fresh = ReportSettings.objects.get(pk=row.pk)
        fresh.contacts = _stored("contacts", merged["contacts"])
        fresh.save(update_fields=["contacts"])
        audit.record_revision(change, fresh, ENTITY, period.label, "contacts", current["contacts"], merged["contacts"])
    row.refresh_from_db()
    return changed


def history(row, limit: int = 50) -> list[dict[str, str]]:
    """The settings' recent changes, newest first, as people read them: when, who, the field's
    label, the value before and after (contacts one per line), why and from where."""
    if row is None or row.pk is None:
        return []
    out = []
    for r in audit.history_of(row).order_by("-changed_at", "-pk")[:limit]:
        out.append({"at": r.changed_at, "by": r.changed_by, "field": LABELS.get(r.field, r.field),
                    "old": readable(r.field, r.old_value), "new": readable(r.field, r.new_value),
                    "reason": r.reason, "source": r.source})
    return out
