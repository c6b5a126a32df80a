"""Two people editing one record: the rule that decides, field by field, what a save keeps.

A form (or an API client) says what each field held when it was opened (``opened``), and what
it submits now (``submitted``); the record holds ``current``. For each submitted field:

* nobody else changed it since it was opened (``current == opened``): the submitted value is
  saved;
* somebody else changed it, and this form left it as it was opened (``submitted == opened``):
  the other person's value is kept (a merge, not a loss);
* both changed it to the same value: nothing to decide;
* both changed it differently: a **conflict**. Nothing is saved; the person is shown the value
  they opened, the value held now, and what they typed, and decides.

Values are compared as text, the way forms hold them (``same`` decides what counts as equal).
A field missing from ``opened`` was not on the form when it was opened: its submitted value
is saved only if nobody has set it since (``current`` empty), otherwise it is a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldConflict:
    """One field both people changed: what it held when opened, now, and what was typed."""

    field: str
    opened: str
    current: str
    submitted: str


@dataclass(frozen=True)
class Merge:
    """What a save may write (``values``: field -> value to store), the fields where another
    person's change was kept (``kept``), and the conflicts that stop the save."""

    values: Mapping[str, str]
    kept: tuple[str, ...]
    conflicts: tuple[FieldConflict, ...]

    @property
    def ok(self) -> bool:
        return not self.conflicts


def plain_same(a: str, b: str) -> bool:
    return (a or "").strip() == (b or "").strip()


def merge_fields(
    opened: Mapping[str, str],
    current: Mapping[str, str],
    submitted: Mapping[str, str],
    same: Callable[[str, str], bool] = plain_same,
) -> Merge:
    """Merge a submitted form into the record as it is now (see the module's rule)."""
    values: dict[str, str] = {}
    kept: list[str] = []
    conflicts: list[FieldConflict] = []
    for field, new in submitted.items():
        now = current.get(field, "")
        if field not in opened:
            base = ""
        else:
            base = opened[field]
        if same(now, base):
            values[field] = new
        elif same(new, base):
            values[field] = now
            kept.append(field)
        elif same(new, now):
            values[field] = now
        else:
            conflicts.append(FieldConflict(field, base, now, new))
    return Merge(values, tuple(kept), tuple(conflicts))


def changed_since(opened: Mapping[str, str], current: Mapping[str, str],
                  same: Callable[[str, str], bool] = plain_same) -> tuple[str, ...]:
    """The fields whose value is no longer what it was when the form was opened."""
    return tuple(f for f in opened if not same(opened[f], current.get(f, "")))
