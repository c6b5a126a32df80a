"""Export the governance records as bundle files that re-import unchanged.

Every governance file that has rows is written with all its columns (Beacon's extension columns
included); references are written as the keys the format names them by.
"""

from __future__ import annotations

import datetime as dt

from beacon.core.audit import value_text

from . import specs
from .specs import KEY_COLUMN

_ORDER = {
    "recommendations.csv": ("paper__key", "seq"),
    "pathways.csv": ("paper__key", "step"),
    "agenda_items.csv": ("meeting__date", "meeting__key", "number"),
    "minute_items.csv": ("meeting__date", "meeting__key", "minute_number"),
    "resolutions.csv": ("meeting__date", "meeting__key", "minute_number", "seq"),
    "attendance.csv": ("meeting__date", "meeting__key", "category", "minute_number", "position", "pk"),
    "votes.csv": ("motion__key", "vote", "position", "pk"),
}


def _cell(value) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value_text(value)


def export_files() -> dict[str, tuple[list[str], list[dict]]]:
    files: dict[str, tuple[list[str], list[dict]]] = {}
    keys: dict[str, dict[int, str]] = {}
    for name, column in KEY_COLUMN.items():
        table = specs.TABLES[name]
        keys[name] = dict(table.model.objects.values_list("pk", table.key[column]))
    for name, table in specs.TABLES.items():
        rows = table.model.objects.all()
        if name in _ORDER:
            rows = rows.order_by(*_ORDER[name])
        else:
            rows = rows.order_by("pk")
        columns = table.spec.column_names
        mapping = {**table.key, **table.fields}
        out = []
        for row in rows:
            cells = {}
            for column in columns:
                if column not in mapping:  # computed, not stored
                    cells[column] = _computed(name, column, row)
                    continue
                field = mapping[column]
                if column in table.refs and not _is_list(table, field):
                    value = keys[table.refs[column]].get(getattr(row, f"{field}_id"))
                else:
                    value = getattr(row, field)
                cells[column] = _cell(value)
            out.append(cells)
        if out:
            files[name] = (columns, out)
    return files


def _computed(name: str, column: str, row) -> str:
    if (name, column) == ("agenda_items.csv", "pages_pending"):
        return "true" if row.paper_id is not None and row.page_from is None and row.page_to is None else ""
    raise KeyError(f"{name}: {column} is neither stored nor computed")


def _is_list(table: specs.Table, field: str) -> bool:
    from django.db import models as dj

    return isinstance(table.model._meta.get_field(field), dj.JSONField)
