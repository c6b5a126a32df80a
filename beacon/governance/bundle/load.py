"""Write a checked governance bundle to the database, keeping history.

Every row is matched on its natural key (import-format.md names them: a body's ``code``, a
person's, meeting's, paper's and motion's ``id``, ``agenda_items`` by ``meeting`` + ``number``,
``minute_items`` by ``meeting`` + ``minute_number``, and so on) and written through
:func:`beacon.bundle.load.upsert`, so a changed field is recorded as a Revision and an unchanged
row is left alone: importing the same bundle twice changes nothing. Numbers printed in the papers
(page ranges, minute and item numbers, vote counts) are stored as printed, never renumbered.
Person-key lists (``from``, ``author``, ``relevant_director``, ``contacts``, ``speakers``) are
stored as lists of person keys. A column a file does not have leaves the stored value as it is.
"""

from __future__ import annotations

from collections import defaultdict

from beacon.bundle.importer import LoadContext
from beacon.bundle.load import upsert
from beacon.bundle.schema import Record
from beacon.domain.governance_rules import normalise_decision_no

from . import specs
from .specs import KEY_COLUMN
from .validate import GovernanceBundle, ordered


def _is_json(model, name: str) -> bool:
    from django.db import models as dj

    return isinstance(model._meta.get_field(name), dj.JSONField)


def _is_text(model, name: str) -> bool:
    from django.db import models as dj

    f = model._meta.get_field(name)
    return isinstance(f, (dj.CharField, dj.TextField)) and not f.null


class _Objects:
    """The rows loaded so far, by file and key, for resolving references."""

    def __init__(self):
        self.by_file: dict[str, dict[str, object]] = defaultdict(dict)

    def get(self, file: str, key):
        if key is None:
            return None
        found = self.by_file[file].get(key)
        if found is None:  # a key of the bundle is always loaded first; this is a safeguard
            table = specs.TABLES[file]
            field = table.key[KEY_COLUMN[file]]
            found = table.model.objects.get(**{field: key})
            self.by_file[file][key] = found
        return found


def _value(table: specs.Table, column: str, record: Record, objects: _Objects):
    value = record[column]
    if column in table.refs and isinstance(value, str):
        return objects.get(table.refs[column], value)
    return value


def _lookup(table: specs.Table, record: Record, objects: _Objects) -> dict:
    out = {}
    for column, name in table.key.items():
        value = _value(table, column, record, objects)
        out[name] = "" if value is None and _is_text(table.model, name) else value
    return out


def _values(table: specs.Table, record: Record, objects: _Objects) -> dict:
    out = {}
    for column, name in table.fields.items():
        if column not in record.present:
            continue
        value = _value(table, column, record, objects)
        if value is None and name in table.defaults:
            value = table.defaults[name]
        if value is None and _is_json(table.model, name):
            value = []
        out[name] = value
    return out


def _label(table: specs.Table, record: Record) -> str:
    return " ".join(str(record[c]) for c in table.key if record[c] not in (None, ""))


def load(parsed: GovernanceBundle, ctx: LoadContext) -> None:
    objects = _Objects()
    for name, table in specs.TABLES.items():
        seq: dict[str, int] = defaultdict(int)
        for r in ordered(parsed.get(name), name):
            values = _values(table, r, objects)
            if name == specs.PAPERS:
                _decision_no(r, values)
            if name == "recommendations.csv":  # the parts of a paper's recommendation, in printed order
                seq[r["paper"]] += 1
                values["seq"] = seq[r["paper"]]
            obj = upsert(ctx, r, table.model, _lookup(table, r, objects), values, table.entity, _label(table, r))
            if name in KEY_COLUMN:
                objects.by_file[name][r[KEY_COLUMN[name]]] = obj


def _decision_no(r: Record, values: dict) -> None:
    """``decision_no`` as given; when only ``decision_no_as_printed`` is, normalised from it
    ("n/a" and "N/A" are no number)."""
    if r["decision_no"] is None and ("decision_no_as_printed" in r.present or "decision_no" in r.present):
        values["decision_no"] = normalise_decision_no(r["decision_no_as_printed"])
