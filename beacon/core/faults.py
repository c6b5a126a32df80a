"""Faults that are nobody's mistake and pass: the database busy with other changes, the
database unreachable, the disk full. :func:`fault_of` names the fault an exception is (or was
raised from), and :class:`Fault` says it in plain words, for the pages and the API
(``beacon/web/views/errors.py``: a 503 with ``Retry-After``) and the ``beacon`` command (one
line, no traceback). Every write is one transaction, so after any of them nothing is
half-written: "nothing was saved" is true.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError

@dataclass(frozen=True)
class Fault:
    """What a page or the API says about a fault: ``detail`` is the one line (the API's
    ``detail``, the CLI's message); the page shows ``heading``, ``words`` and ``advice``."""

    heading: str
    words: str
    advice: str
    when: str
    retry_after: int | None

    @property
    def detail(self) -> str:
        parts = [p.rstrip(".") for p in (self.words, self.advice) if p]
        return "; ".join(p[0].lower() + p[1:] if p.startswith(("Try", "Tell")) else p for p in parts)


BUSY = Fault("Beacon is busy saving other changes", "Beacon is busy saving other changes: nothing was saved.",
             "Try again in a minute.", "in a minute", 60)
DATABASE_DOWN = Fault("Sorry, the service is unavailable",
                      "Beacon cannot reach its database just now: nothing was saved.",
                      "Try again in a few minutes. If it keeps happening, tell your administrator.",
                      "in a few minutes", 300)
DISK_FULL = Fault("Sorry, the service cannot save anything", "The disk is full: nothing was written.",
                  "Tell your administrator, who needs to make space on the server; then try again.",
                  "once your administrator has made space", None)

_BUSY_WORDS = ("database is locked", "database table is locked", "lock timeout", "could not obtain lock",
               "deadlock detected", "could not serialize access")
_FULL_WORDS = ("disk is full", "no space left on device", "could not extend file")


def fault_of(exc: BaseException | None) -> Fault | None:
    """The fault an exception (or the one it was raised from) is, or None for a plain error."""
    from .locks import LockBusy

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if isinstance(exc, LockBusy):
            return Fault(BUSY.heading, f"{str(exc)[0].upper()}{str(exc)[1:]}.".replace("..", "."), "",
                         "in a minute", 60)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return DISK_FULL
        if isinstance(exc, (OperationalError, InterfaceError)):
            if any(w in text for w in _FULL_WORDS):
                return DISK_FULL
            if any(w in text for w in _BUSY_WORDS):
                return BUSY
            return DATABASE_DOWN
        exc = exc.__cause__ or exc.__context__
    return None
