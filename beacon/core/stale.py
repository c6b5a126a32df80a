"""Stale-safe edits: every form and API call that changes stored data says what it saw, and
the service refuses or merges a save made from an out-of-date view (the rule is
:mod:`beacon.domain.merge`).

* A **form** carries the values it showed, sealed (signed, so they cannot be forged) in a hidden
  field: :func:`seal` writes it, :func:`unseal` reads it back. The service, inside its locked
  transaction, merges field by field with :func:`merge_or_refuse`.
* An **API** resource has a ``version``: :func:`version` of its editable values, sent as the
  ``ETag`` header and in the body; a write sends it back in ``If-Match`` (or the body's
  ``version``) and :func:`check_version` refuses a write made against another version.

Both refusals are a :class:`StaleEdit`, which says what changed since the person looked, in
the council's words, and which the pages and the API show (HTTP 409 / 412).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core import signing

from beacon.core import jsonio
from beacon.domain.merge import FieldConflict, Merge, merge_fields, plain_same

SALT = "beacon.stale.opened"


@dataclass(frozen=True)
class Changed:
    """A field that changed since the person opened the form: its label, then and now."""

    field: str
    label: str
    opened: str
    current: str
    submitted: str | None = None

    def sentence(self) -> str:
        then = self.opened or "blank"
        now = self.current or "blank"
        text = f"{self.label} was {then} when you opened the form and is now {now}"
        if self.submitted is not None:
            text += f"; you entered {self.submitted or 'blank'}"
        return text


class StaleEdit(Exception):
    """A save made from a view of the record that is out of date. ``changes`` lists what
    changed since (and, for a form, what was typed), ``field_errors`` maps each form field in
    conflict to its sentence."""

    def __init__(self, what: str, changes: tuple[Changed, ...] = ()):
        self.what = what
        self.changes = tuple(changes)
        self.message = f"{what} changed since you opened it: nothing was saved. Check what changed, then save again."
        super().__init__(self.message)

    @property
    def field_errors(self) -> dict[str, str]:
        return {c.field: c.sentence() for c in self.changes}


def seal(values: Mapping[str, str]) -> str:
    """The hidden field's value: the values a form showed, signed."""
    return signing.dumps(dict(values), salt=SALT, compress=True)


def unseal(token: str) -> dict[str, str] | None:
    """The values a form showed (None if the form carried none, or the seal is not ours)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def version(values: Mapping[str, str]) -> str:
    """A short fingerprint of a record's editable values: changes whenever any of them does."""
    text = jsonio.dumps(dict(values), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_version(what: str, expected: str | None, current: Mapping[str, str]) -> None:
    """Refuse a write made against another version of the record (``expected`` None: the
    caller sent none, and the write goes ahead as before)."""
    if expected is None:
        return
    if expected.strip().strip('"').removeprefix("W/").strip('"') != version(current):
        raise StaleEdit(what)


def merge_or_refuse(
    what: str,
    opened: Mapping[str, str] | None,
    current: Mapping[str, str],
    submitted: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    same: Callable[[str, str], bool] = plain_same,
) -> Mapping[str, str]:
    """The values to save: ``submitted`` merged into ``current`` field by field against what
    the form showed (``opened``). Raises :class:`StaleEdit` when a field was changed both by
    someone else and in this form. ``opened`` None (a caller that sent no view) saves
    ``submitted`` as it is."""
    if opened is None:
        return dict(submitted)
    merged: Merge = merge_fields(opened, current, submitted, same)
    if not merged.ok:
        labels = labels or {}
        raise StaleEdit(what, tuple(_changed(c, labels) for c in merged.conflicts))
    return merged.values


def _changed(c: FieldConflict, labels: Mapping[str, str]) -> Changed:
    return Changed(c.field, labels.get(c.field, c.field), c.opened, c.current, c.submitted)
