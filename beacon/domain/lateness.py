"""When a quarterly return is late: the one rule, for the board, the return page and the API.

A return is late when it was first submitted after its due date, or when it has not been
submitted and the due date has passed. Being approved, sent back or reopened later does not
change it: a return submitted late stays late, one submitted on time stays on time.
"""

from __future__ import annotations

import datetime as dt


def is_late(due: dt.date, submitted: dt.date | None, today: dt.date) -> bool:
    """Whether a return due on ``due`` is late, given the day it was first submitted (None: not
    yet) and today's date."""
    if submitted is not None:
        return submitted > due
    return today > due
