"""The one clock Beacon reads.

Every "now" and "today" in Beacon comes from here, never from ``datetime.now()``,
``date.today()`` or ``django.utils.timezone.now()`` directly (a test checks this), so that a test
or a reproducible run can set the date:

* in tests, the ``clock`` fixture (``tests/conftest.py``) sets it: ``clock.set("2023-01-05")``;
* for a command or the server, the environment variable ``BEACON_CLOCK`` fixes it to a date
  (``2023-01-05``, taken as noon UK time) or an ISO date-time (``2023-01-05T09:30:00+00:00``);
* otherwise it is the system clock.

``today()`` is the calendar date in the council's time zone (``TIME_ZONE``, Europe/London), not
UTC's: just after midnight in British Summer Time it is already tomorrow in Kent.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

__all__ = ["now", "local_now", "today", "set_clock", "reset", "frozen", "parse_instant"]

_LOCAL = ZoneInfo("Europe/London")
_source: Callable[[], dt.datetime] | None = None


def parse_instant(text: str | dt.date | dt.datetime) -> dt.datetime:
    """An aware datetime from ``2023-01-05`` (noon UK time that day), an ISO date-time (UK time
    when it has no offset), a ``date`` or a ``datetime``."""
    if isinstance(text, dt.datetime):
        value = text
    elif isinstance(text, dt.date):
        value = dt.datetime.combine(text, dt.time(12, 0))
    else:
        raw = str(text).strip()
        try:
            value = (dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(12, 0)) if len(raw) == 10
                     else dt.datetime.fromisoformat(raw))
        except ValueError:
            raise ValueError(f"BEACON_CLOCK: {raw!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_LOCAL)
    return value.astimezone(dt.timezone.utc)


def _system() -> dt.datetime:
    fixed = os.environ.get("BEACON_CLOCK", "").strip()
    if fixed:
        return parse_instant(fixed)
    return dt.datetime.now(dt.timezone.utc)


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return (_source or _system)()


def local_now() -> dt.datetime:
    """The current instant in the council's time zone (for file names and printed times)."""
    return now().astimezone(_LOCAL)


def in_council_time(instant: dt.datetime) -> dt.datetime:
    """A stored instant in the council's time zone (the zone ``today`` reads)."""
    return instant.astimezone(_LOCAL)


def today() -> dt.date:
    """Today's date in the council's time zone."""
    return now().astimezone(_LOCAL).date()


def set_clock(at: str | dt.date | dt.datetime | Callable[[], dt.datetime], tick: bool = False) -> None:
    """Set the clock to an instant (or to a function returning one) until :func:`reset`.

    With ``tick`` the clock starts at that instant and runs on in real time; without, it stays.
    """
    global _source
    if callable(at):
        _source = at
        return
    fixed = parse_instant(at)
    if tick:
        started = time.monotonic()
        _source = lambda: fixed + dt.timedelta(seconds=time.monotonic() - started)  # noqa: E731
    else:
        _source = lambda: fixed  # noqa: E731


def reset() -> None:
    """Back to the system clock (or ``BEACON_CLOCK``)."""
    global _source
    _source = None


@contextmanager
def frozen(at: str | dt.date | dt.datetime) -> Iterator[None]:
    """``with frozen("2023-01-05"): ...`` runs the block with the clock fixed."""
    global _source
    before = _source
    set_clock(at)
    try:
        yield
    finally:
        _source = before
