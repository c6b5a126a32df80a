"""Reminders about papers due for a meeting's dispatch (a source for
:func:`beacon.core.notifications.run_reminders`), to the democratic services officers.

A meeting still scheduled and not yet dispatched (no pack) has a dispatch deadline: its agenda's
dispatch date when the clerk set one; else the earliest deadline the cycle gave its placements;
else its body's route in the cycle (the meeting's date less the most ``dispatch_days`` of the
body's cycle rules). A meeting with none of these has no deadline Beacon can know, and gives no
reminder.

From ``BEACON_REMINDER_DAYS`` (7) days before that deadline until the meeting:

* each agenda item that is a report, has no paper and is not marked oral (the pack would list it
  without pages, "to follow");
* each step of the cycle placed on the meeting (a QPR, a register edition) whose paper is not
  made yet.

One notice per item (or placement) and deadline; a later deadline is a new event. After the
deadline the notice says the paper is overdue (the same kind, "Paper due for dispatch").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Min

from beacon.core import notifications, permissions
from beacon.core.pages import page_path
from beacon.domain import cycle as cycle_rules
from beacon.domain import governance as g
from beacon.domain.notifications import NotificationKind, Timing, long_date, timing

from . import models as m

SOURCE = "governance-papers"


def lead_days() -> int:
    return int(getattr(settings, "BEACON_REMINDER_DAYS", 7))


def clerks() -> list[int]:
    return list(get_user_model().objects.filter(is_active=True, groups__name=permissions.CLERK)
                .order_by("pk").values_list("pk", flat=True))


def _url(meeting: m.Meeting) -> str:
    return page_path("web:meeting_manage", meeting.key)


def dispatch_deadline(meeting: m.Meeting, placement_deadline: dt.date | None,
                      body_days: int | None) -> tuple[dt.date | None, str]:
    """The meeting's dispatch deadline and where it comes from, in words."""
    agenda = getattr(meeting, "agenda", None)
    if agenda is not None and agenda.dispatch_date:
        return agenda.dispatch_date, "the agenda's dispatch date"
    if placement_deadline is not None:
        return placement_deadline, "the cycle's dispatch deadline"
    if body_days is not None:
        return cycle_rules.dispatch_deadline(meeting.date, body_days), f"{body_days} days before the meeting"
    return None, ""


def _meeting_words(meeting: m.Meeting) -> str:
    return f"{meeting.body.name}, {long_date(meeting.date)}"


def reminders(today: dt.date) -> list[notifications.Notice]:
    """Every paper-due notice on ``today`` (the daily run's source)."""
    meetings = list(m.Meeting.objects.select_related("body", "agenda")
                    .filter(status=g.MeetingStatus.SCHEDULED.value, date__gte=today, packs__isnull=True)
                    .order_by("date", "key"))
    if not meetings:
        return []
    people = clerks()
    if not people:
        return []
    placement_deadlines = dict(m.Placement.objects.filter(meeting__in=meetings)
                               .exclude(status=g.PlacementStatus.SKIPPED.value)
                               .values("meeting_id").annotate(first=Min("dispatch_deadline"))
                               .values_list("meeting_id", "first"))
    body_days = dict(m.CycleRule.objects.values("body_id").annotate(days=Max("dispatch_days"))
                     .values_list("body_id", "days"))
    out: list[notifications.Notice] = []
    for meeting in meetings:
        deadline, source = dispatch_deadline(meeting, placement_deadlines.get(meeting.pk), body_days.get(meeting.body_id))
        when = timing(deadline, today, lead_days())
        if when == Timing.LATER:
            continue
        overdue = when == Timing.OVERDUE
        url = _url(meeting)
        state = "overdue" if overdue else "due"
        for item in (meeting.items.filter(category=g.ItemCategory.REPORT.value, paper__isnull=True, is_oral=False)
                     .order_by("number")):
            subject = f"Paper {state} for dispatch: {_meeting_words(meeting)}, item {item.number} {item.title}"
            body = (f"Item {item.number} ({item.title}) of {_meeting_words(meeting)} is a report with no paper. "
                    f"The agenda is to be dispatched by {long_date(deadline)} ({source}). "
                    "Create or upload its paper, or mark the item oral; otherwise the agenda lists it without "
                    "pages and its report follows in a supplement.")
            key = f"paper_{state}:{meeting.key}:item {item.number}:{deadline.isoformat()}"
            out += [notifications.Notice(u, key, NotificationKind.PAPER_DUE, subject[:300], body, url, deadline)
                    for u in people]
        for placement in (m.Placement.objects.select_related("rule")
                          .filter(meeting=meeting, paper__isnull=True)
                          .exclude(status=g.PlacementStatus.SKIPPED.value).order_by("pk")):
            what = cycle_rules.ARTEFACTS.get(placement.rule.artefact, placement.rule.artefact)
            subject = f"Paper {state} for dispatch: {_meeting_words(meeting)}, {what} ({placement.document_ref})"
            body = (f"The cycle places {what} ({placement.document_ref}) on {_meeting_words(meeting)}, and its "
                    f"paper is not made yet. The agenda is to be dispatched by {long_date(deadline)} ({source}).")
            key = f"paper_{state}:{meeting.key}:{placement.document_ref}:{deadline.isoformat()}"
            out += [notifications.Notice(u, key, NotificationKind.PAPER_DUE, subject[:300], body, url, deadline)
                    for u in people]
    return out
