"""The rules of a register edition's life (risk spec §2.2), pure Python.

* **Status**: an edition is the current one for its body and date, or superseded by a later
  one frozen for the same body and date, or withdrawn (frozen by mistake). Neither a superseded
  nor a withdrawn edition is ever deleted: papers may cite it. The words a page or a document
  prints for each status are on :class:`EditionStatus`, so colour is never the only cue.
* **Dates to question**: an edition dated before the register's first data, after today, or
  far from any data is most likely a typing mistake (2062 for 2026); :func:`date_questions`
  says why in plain words, and the person confirms the date before it is frozen.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

# how far (in days) an edition date may lie from the nearest register data before it is questioned
FAR_FROM_DATA_DAYS = 366


class EditionStatus(str, Enum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The status in words, as lists and documents print it."""
        return {"current": "Current", "superseded": "Superseded", "withdrawn": "Withdrawn"}[self.value]

    @property
    def replaced(self) -> bool:
        """Superseded or withdrawn: no longer the edition for its body and date."""
        return self is not EditionStatus.CURRENT


def status_notice(status: EditionStatus, *, when: dt.datetime | None, by: str, reason: str,
                  successor: str | None = None) -> str | None:
    """The sentence a superseded or withdrawn edition carries at its top (on its page and in each
    of its documents); None for a current edition."""
    if status is EditionStatus.CURRENT:
        return None
    on = f" on {when:%d/%m/%Y}" if when else ""
    who = f" by {by}" if by else ""
    if status is EditionStatus.WITHDRAWN:
        head = f"Withdrawn{on}{who}: this edition must not be relied on"
    else:
        head = f"Superseded{on}{who}" + (f", replaced by {successor}" if successor else "")
    return f"{head}. Reason: {reason}" if reason else f"{head}."


def date_questions(date: dt.date, today: dt.date, data_dates: list[dt.date]) -> list[str]:
    """Why an edition for ``date`` may be a mistake, in plain words (empty: nothing to question).

    ``data_dates`` are the dates the register's data speaks for (ratings, lifecycle events): a
    date before the first of them has nothing to show; one after ``today`` shows data that may
    still change; one more than :data:`FAR_FROM_DATA_DAYS` from the nearest shows a register
    nobody was keeping then."""
    out = []
    if not data_dates:
        return [f"there is no register data yet, so an edition of {date:%d/%m/%Y} would be empty"]
    first = min(data_dates)
    if date < first:
        out.append(f"there is no register data before {first:%d/%m/%Y}")
    if date > today:
        out.append(f"{date:%d/%m/%Y} is after today ({today:%d/%m/%Y}): the register may still change before then")
    if first <= date <= today:
        nearest = min(data_dates, key=lambda d: abs((d - date).days))
        if abs((nearest - date).days) > FAR_FROM_DATA_DAYS:
            out.append(f"the nearest register data to {date:%d/%m/%Y} is from {nearest:%d/%m/%Y}, more than a year away")
    return out
