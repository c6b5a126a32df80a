"""Reminders about quarterly returns (a source for :func:`beacon.core.notifications.run_reminders`).

* **Return due**: a return not yet submitted, from ``BEACON_REMINDER_DAYS`` (7) days before its
  period's due date up to that date, to the data owners of its directorate
  (:class:`~beacon.core.models.DirectorateAssignment`).
* **Return late**: the day after the due date, a return never submitted, to the same people.
* **Return sent back**: a return the performance lead sent back for changes (each sending back is
  its own event), to the same people.
* **Return waiting for approval**: a submitted return (each submission its own event), to the
  performance leads.

Nothing is said about the returns of a closed financial year (its data is final).

Each is one event per person (``event_key``), so the daily run can ask every day and nobody is
told twice. :func:`notify_return` tells the people concerned at once when a return is submitted
or sent back (the services call it after commit), rather than at the next daily run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from beacon.core import clock, notifications, permissions
from beacon.core.pages import page_path
from beacon.core.models import DirectorateAssignment
from beacon.domain.notifications import NotificationKind, Timing, long_date, timing

from .models import Return, YearClosure

SOURCE = "returns"

log = logging.getLogger(__name__)


def lead_days() -> int:
    return int(getattr(settings, "BEACON_REMINDER_DAYS", 7))


def _url(ret: Return) -> str:
    return page_path("web:return", ret.period.slug, ret.directorate.code)


def _owners() -> dict[int, list[int]]:
    """Directorate id -> the active data owners assigned to it."""
    out: dict[int, list[int]] = {}
    rows = DirectorateAssignment.objects.filter(user__is_active=True).values_list("directorate_id", "user_id")
    for directorate_id, user_id in rows.order_by("user_id"):
        out.setdefault(directorate_id, []).append(user_id)
    return out


def _leads() -> list[int]:
    return list(get_user_model().objects.filter(is_active=True, groups__name=permissions.LEAD)
                .order_by("pk").values_list("pk", flat=True))


def _stamp(instant: dt.datetime | None) -> str:
    return instant.isoformat(timespec="seconds") if instant else ""


def notices_for(ret: Return, today: dt.date, owners: dict[int, list[int]], leads: list[int]) -> Iterator[notifications.Notice]:
    """The notices one return gives rise to on ``today``."""
    period, directorate = ret.period, ret.directorate
    due = period.due_date
    what = f"the {directorate.name} return for {period.period}"
    url = _url(ret)
    to_owners = owners.get(directorate.pk, [])
    base = f"{period.period}:{directorate.code}"
    never_submitted = ret.first_submitted_at is None
    if ret.status in (Return.Status.NOT_STARTED, Return.Status.DRAFT) and never_submitted:
        when = timing(due, today, lead_days())
        if when == Timing.DUE:
            for user_id in to_owners:
                yield notifications.Notice(
                    user_id, f"return_due:{base}:{due.isoformat()}", NotificationKind.RETURN_DUE,
                    f"Return due: {what} is due by {long_date(due)}",
                    f"Enter and submit {what} by {long_date(due)}. It is "
                    f"{'in draft' if ret.status == Return.Status.DRAFT else 'not started'}.",
                    url, due)
        elif when == Timing.OVERDUE:
            for user_id in to_owners:
                yield notifications.Notice(
                    user_id, f"return_late:{base}:{due.isoformat()}", NotificationKind.RETURN_LATE,
                    f"Return late: {what} was due by {long_date(due)}",
                    f"{what[0].upper()}{what[1:]} was due by {long_date(due)} and has not been submitted. "
                    "Submit it as soon as you can, or tell the performance lead why not.",
                    url, due)
    if ret.status == Return.Status.RETURNED:
        comment = (ret.review_comment or "").strip()
        for user_id in to_owners:
            yield notifications.Notice(
                user_id, f"return_returned:{base}:{_stamp(ret.reviewed_at)}", NotificationKind.RETURN_RETURNED,
                f"Return sent back: {what} needs changes",
                f"{ret.reviewed_by or 'The performance lead'} sent back {what} for changes"
                + (f": \u201c{comment}\u201d" if comment else ".")
                + " Make the changes and submit it again.",
                url, due)
    if ret.status == Return.Status.SUBMITTED:
        for user_id in leads:
            yield notifications.Notice(
                user_id, f"approval_waiting:{base}:{_stamp(ret.submitted_at)}", NotificationKind.APPROVAL_WAITING,
                f"Waiting for approval: {what}",
                f"{ret.submitted_by or 'The data owner'} submitted {what}. Review it: approve it, or send "
                "it back with what needs to change.",
                url, due)


def reminders(today: dt.date) -> Iterable[notifications.Notice]:
    """Every returns notice due on ``today`` (the daily run's source)."""
    owners, leads = _owners(), _leads()
    closed = set(YearClosure.objects.filter(reopened_at__isnull=True).values_list("financial_year", flat=True))
    returns = (Return.objects.select_related("period", "directorate")
               .exclude(status__in=[Return.Status.APPROVED])
               .order_by("period__period_sort", "directorate__display_order", "directorate__code"))
    out: list[notifications.Notice] = []
    for ret in returns:
        if ret.period.quarter.financial_year.label in closed:
            continue  # a closed year's data is final: nothing more to enter or approve
        out.extend(notices_for(ret, today, owners, leads))
    return out


def notify_return(return_id: int) -> int:
    """Tell the people concerned about one return now (after it was submitted or sent back)."""
    ret = Return.objects.select_related("period", "directorate").filter(pk=return_id).first()
    if ret is None:
        return 0
    return notifications.notify(list(notices_for(ret, clock.today(), _owners(), _leads())))


def notify_return_after_commit(return_id: int) -> None:
    """Tell the people concerned once the surrounding transaction commits (a return submitted:
    the leads; sent back: its data owners). A failure to notify is logged, never undoes the
    change: the daily run tells them instead."""

    def run() -> None:
        try:
            notify_return(return_id)
        except Exception:
            log.exception("return %s: the notifications were not made; the daily run will make them", return_id)

    transaction.on_commit(run)
