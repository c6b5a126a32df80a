"""Report settings (cover header, contacts, title-page producer) from a JSON file.

The file holds one object, or a list of objects, each with ``period`` and any of the
:class:`beacon.reports.models.ReportSettings` fields; fields left out keep their value (or the
default). ``beacon report_settings FILE`` loads one; ``beacon demo`` loads the demo's.

Loading goes through the same writer as the report settings page
(:func:`beacon.reports.settings_service.save_report_settings`): the values are checked the same
way, each changed field is recorded with its history, and loading the same file again changes
nothing. A file loads whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

from django.db import transaction

from beacon.core import jsonio
from beacon.demo import HERE
from beacon.reports.settings_service import CONTACT_KEYS as _CONTACT_KEYS
from beacon.reports.settings_service import DATE_FIELDS, FIELDS, SaveReportSettings, SettingsError, save_report_settings

__all__ = ["DEMO_REPORT_SETTINGS", "FIELDS", "DATE_FIELDS", "CONTACT_KEYS", "SettingsError", "parse",
           "seed_report_settings"]

DEMO_REPORT_SETTINGS = HERE / "report-settings.json"
CONTACT_KEYS = set(_CONTACT_KEYS)


def parse(data) -> list[dict]:
    from beacon.domain.periods import PeriodError, Quarter

    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SettingsError(f"entry {i}: expected an object")
        unknown = set(item) - set(FIELDS) - {"period"}
        if unknown:
            raise SettingsError(f"entry {i}: unknown field(s) {', '.join(sorted(unknown))}; known: period, {', '.join(FIELDS)}")
        try:
            period = Quarter.parse(str(item.get("period", ""))).label
        except PeriodError as exc:
            raise SettingsError(f"entry {i}: period: {exc}") from None
        contacts = item.get("contacts", [])
        if not isinstance(contacts, list) or any(not isinstance(c, dict) or set(c) - CONTACT_KEYS for c in contacts):
            raise SettingsError(f"entry {i}: contacts must be a list of objects with {', '.join(sorted(CONTACT_KEYS))}")
        entry = {"period": period, **{k: item[k] for k in FIELDS if k in item}}
        for key in DATE_FIELDS:
            if entry.get(key):
                try:
                    entry[key] = dt.date.fromisoformat(str(entry[key]))
                except ValueError:
                    raise SettingsError(f"entry {i}: {key}: {entry[key]!r} is not a date (YYYY-MM-DD)") from None
            elif key in entry:
                entry[key] = None
        out.append(entry)
    return out


def seed_report_settings(path: str | Path, *, by: str | None = None, reason: str = "") -> list[str]:
    """Create or update the settings in ``path`` (each changed field recorded with its history,
    as made by ``by``, default the login name); returns the periods set."""
    path = Path(path)
    entries = parse(jsonio.loads(path.read_text(encoding="utf-8")))
    who = by or getpass.getuser()
    with transaction.atomic():
        for i, entry in enumerate(entries, 1):
            values = {k: v for k, v in entry.items() if k != "period"}
            try:
                save_report_settings(SaveReportSettings(
                    period=entry["period"], values=values, by=who, reason=reason,
                    source=f"report settings file {path.name}",
                ))
            except SettingsError as exc:
                raise SettingsError(f"entry {i} ({entry['period']}): {exc.details() or exc.message}") from None
    return [e["period"] for e in entries]
