"""Report settings (cover header, contacts, title-page producer) from a JSON file.

The file holds one object, or a list of objects, each with ``period`` and any of the
:class:`beacon.reports.models.ReportSettings` fields; fields left out keep their value (or the
default). ``beacon report-settings FILE`` loads one; ``beacon demo`` loads the demo's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from beacon.core import jsonio
from beacon.demo import HERE

DEMO_REPORT_SETTINGS = HERE / "report-settings.json"

FIELDS = (
    "council", "from_text", "to_text", "meeting_date", "decision_no", "subject", "classification",
    "past_pathway", "future_pathway", "electoral_division", "contacts", "producer", "producer_email",
    "producer_phone", "risk_data_to", "risk_compare_to",
)
DATE_FIELDS = ("risk_data_to", "risk_compare_to")
CONTACT_KEYS = {"role", "name", "title", "phone", "email"}


class SettingsError(ValueError):
    pass


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


def seed_report_settings(path: str | Path) -> list[str]:
    """Create or update the settings in ``path``; returns the periods set."""
    from beacon.reports.models import ReportSettings

    entries = parse(jsonio.loads(Path(path).read_text(encoding="utf-8")))
    for entry in entries:
        period = entry.pop("period")
        ReportSettings.objects.update_or_create(period=period, defaults=entry)
        entry["period"] = period
    return [e["period"] for e in entries]
