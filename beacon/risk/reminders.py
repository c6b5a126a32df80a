"""Reminders about the risk register (a source for :func:`beacon.core.notifications.run_reminders`).

* **Risk action due / overdue**: a mitigating action of an active risk, not complete (nor closed
  as not completed, superseded or removed), whose due date falls within ``BEACON_REMINDER_DAYS``
  (7) days (due) or has passed (overdue).
* **Risk review due / overdue**: the same for an action dated as a review ("March 2023 (review)",
  ``Action.due_kind == "review"``). The register holds no review date for a risk itself (only
  ``review_note``), so these are the only review dates Beacon can remind of.

The register dates a month the first ("March 2023" is 2023-03-01); a month's action is due by the
month's last day (:func:`beacon.domain.notifications.action_deadline`). A revised due date is a
new event: its owners are reminded again.

They go to the risk's owners (:class:`~beacon.risk.models.RiskAssignment` users) and the risk
managers: :func:`people_for_risks`, which other parts (risk flags) use too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model

from beacon.core import notifications, permissions
from beacon.core.pages import page_path
from beacon.domain.notifications import NotificationKind, Timing, action_deadline, long_date, timing
from beacon.domain.risk import ActionStatus, RiskStatus

from .models import Action, RiskAssignment

SOURCE = "risk-actions"
CLOSED = (ActionStatus.COMPLETE.value, ActionStatus.NOT_COMPLETED.value)


def lead_days() -> int:
    return int(getattr(settings, "BEACON_REMINDER_DAYS", 7))


def risk_managers() -> list[int]:
    return list(get_user_model().objects.filter(is_active=True, groups__name=permissions.RISK_MANAGER)
                .order_by("pk").values_list("pk", flat=True))


def people_for_risks(risk_pks: Iterable[int]) -> dict[int, list[int]]:
    """Risk primary key -> the people told about it: its owners (RiskAssignment users, active)
    then the risk managers, each once."""
    wanted = set(risk_pks)
    managers = risk_managers()
    owners: dict[int, list[int]] = {pk: [] for pk in wanted}
    rows = (RiskAssignment.objects.filter(risk_id__in=wanted, user__is_active=True)
            .order_by("user_id").values_list("risk_id", "user_id"))
    for risk_id, user_id in rows:
        owners[risk_id].append(user_id)
    return {pk: list(dict.fromkeys([*people, *managers])) for pk, people in owners.items()}


def risk_url(risk_id: str) -> str:
    return page_path("web:risk", risk_id)


def reminders(today: dt.date) -> list[notifications.Notice]:
    """Every action and review notice due on ``today`` (the daily run's source)."""
    actions = (Action.objects.select_related("risk")
               .filter(risk__status=RiskStatus.ACTIVE.value, removed_at__isnull=True, due_date__isnull=False,
                       superseded_by__isnull=True)
               .exclude(status__in=CLOSED)
               .order_by("risk__risk_id", "order", "pk"))
    candidates = []
    for action in actions:
        deadline = action_deadline(action.due_text, action.due_date)
        when = timing(deadline, today, lead_days())
        if when != Timing.LATER:
            candidates.append((action, deadline, when))
    if not candidates:
        return []
    people = people_for_risks({a.risk_id for a, _, _ in candidates})
    out = []
    for action, deadline, when in candidates:
        risk = action.risk
        review = action.due_kind == "review"
        overdue = when == Timing.OVERDUE
        kind = {(False, False): NotificationKind.ACTION_DUE, (False, True): NotificationKind.ACTION_OVERDUE,
                (True, False): NotificationKind.REVIEW_DUE, (True, True): NotificationKind.REVIEW_OVERDUE}[
            (review, overdue)]
        title = " ".join(action.title.split())
        short = title if len(title) <= 120 else title[:117].rstrip() + "..."
        noun = "Review of risk action" if review else "Risk action"
        state = "overdue" if overdue else "due"
        subject = f"{noun} {state}: {risk.risk_id} {short}"
        body = (f"{risk.risk_id} {risk.title}\n"
                f"{'Review of the action' if review else 'Action'}: {title}\n"
                f"Owner: {action.owner or 'not recorded'}\n"
                f"Due: {action.due_text or long_date(deadline)} (by {long_date(deadline)}); "
                f"status {action.status_label}.\n"
                + ("Record its progress, or revise its date with the reason."
                   if overdue else "Record its progress when it is done."))
        key = f"{kind.value}:{risk.risk_id}:#{action.pk}:{deadline.isoformat()}"
        for user_id in people.get(risk.pk, []):
            out.append(notifications.Notice(user_id, key, kind, subject, body, risk_url(risk.risk_id), deadline))
    return out
