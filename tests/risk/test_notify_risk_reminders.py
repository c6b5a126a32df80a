"""Risk reminders: actions and reviews due or overdue go to the risk's owners (RiskAssignment
users, active) and the risk managers; a month's action is due by the month's end; a revised date
is a new event; closed risks, completed, superseded and retired actions say nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from beacon.core import notifications as n
from beacon.core import permissions as perm
from beacon.core.models import Notification
from beacon.domain.notifications import NotificationKind
from beacon.domain.risk import Rating
from beacon.risk import lifecycle, reminders
from beacon.risk.models import Action, RiskAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(clock):
    clock.set("2023-01-05")
    perm.ensure_groups()
    owner = User.objects.create_user("owner", email="owner@example.org")
    gone = User.objects.create_user("gone", email="gone@example.org", is_active=False)
    manager = User.objects.create_user("manager", email="manager@example.org")
    manager.groups.add(Group.objects.get(name=perm.RISK_MANAGER))
    User.objects.create_user("bystander", email="bystander@example.org")
    first = lifecycle.add_risk("Cyber attack", ["A. Officer, Director"], by="setup", current=Rating(3, 4),
                               target=Rating(2, 4))
    second = lifecycle.add_risk("Flooding", ["B. Officer, Director"], by="setup", current=Rating(3, 4),
                                target=Rating(2, 4))
    for user in (owner, gone):
        RiskAssignment.objects.create(user=user, risk=first)
    return {"first": first, "second": second, "owner": owner, "manager": manager}


def _by_kind(notices):
    out = {}
    for x in notices:
        out.setdefault(x.kind, set()).add(x.user_id)
    return out


def test_actions_and_reviews_due_and_overdue(risks):
    first, second, owner, manager = risks["first"], risks["second"], risks["owner"], risks["manager"]
    month = lifecycle.add_action(first, "Patch the servers", "IT", "January 2023", by="setup")
    exact = lifecycle.add_action(first, "Test the backups", "IT", "2023-01-04", by="setup")
    review = lifecycle.add_action(second, "Flood plan", "Resilience", "February 2023 (review)", by="setup")
    lifecycle.add_action(second, "Later work", "Resilience", "December 2023", by="setup")
    lifecycle.add_action(second, "Undated work", "Resilience", "TBC", by="setup")
    notices = reminders.reminders(dt.date(2023, 1, 25))
    kinds = _by_kind(notices)
    assert kinds == {NotificationKind.ACTION_DUE: {owner.pk, manager.pk},  # January: due by 31 January
                     NotificationKind.ACTION_OVERDUE: {owner.pk, manager.pk}}  # due 4 January
    due = next(x for x in notices if x.kind == NotificationKind.ACTION_DUE)
    assert due.due == dt.date(2023, 1, 31) and due.url == f"/risks/{first.risk_id}/"
    assert due.event_key == f"action_due:{first.risk_id}:#{month.pk}:2023-01-31"
    assert due.subject == f"Risk action due: {first.risk_id} Patch the servers"
    overdue = next(x for x in notices if x.kind == NotificationKind.ACTION_OVERDUE)
    assert overdue.event_key == f"action_overdue:{first.risk_id}:#{exact.pk}:2023-01-04"
    # a review dated February: due from 21 February, overdue in March; only the managers (no owner assigned)
    assert _by_kind(reminders.reminders(dt.date(2023, 2, 21)))[NotificationKind.REVIEW_DUE] == {manager.pk}
    late = [x for x in reminders.reminders(dt.date(2023, 3, 1)) if x.kind == NotificationKind.REVIEW_OVERDUE]
    assert [x.subject for x in late] == [f"Review of risk action overdue: {second.risk_id} Flood plan"]
    assert late[0].event_key.startswith(f"review_overdue:{second.risk_id}:#{review.pk}:")


def test_finished_work_and_closed_risks_say_nothing(risks, clock):
    first, second = risks["first"], risks["second"]
    done = lifecycle.add_action(first, "Done already", "IT", "2023-01-02", by="setup")
    Action.objects.filter(pk=done.pk).update(status="complete")
    retired = lifecycle.add_action(first, "Retired", "IT", "2023-01-02", by="setup")
    Action.objects.filter(pk=retired.pk).update(removed_at=clock.now())
    old = lifecycle.add_action(first, "Replaced", "IT", "2023-01-02", by="setup")
    lifecycle.supersede_actions([old], [{"title": "Its replacement", "due": "2024-01-01"}], by="setup")
    lifecycle.add_action(second, "On a closed risk", "IT", "2023-01-02", by="setup")
    second.status = "closed"
    second.save()
    assert reminders.reminders(dt.date(2023, 1, 5)) == []


def test_a_revised_date_reminds_again_once(risks, clock):
    first, owner = risks["first"], risks["owner"]
    action = lifecycle.add_action(first, "Patch the servers", "IT", "2023-01-04", by="setup")
    assert n.run_reminders(dt.date(2023, 1, 5)) >= 2
    assert n.run_reminders(dt.date(2023, 1, 6)) == 0
    lifecycle.revise_action_date(action, "2023-01-10", by="setup")
    clock.set("2023-01-11")
    n.run_reminders(dt.date(2023, 1, 11))
    keys = sorted(Notification.objects.filter(user=owner).values_list("event_key", flat=True))
    assert keys == [f"action_overdue:{first.risk_id}:#{action.pk}:2023-01-04",
                    f"action_overdue:{first.risk_id}:#{action.pk}:2023-01-10"]


def test_people_for_risks(risks):
    first, second, owner, manager = risks["first"], risks["second"], risks["owner"], risks["manager"]
    assert reminders.people_for_risks([first.pk, second.pk]) == {first.pk: [owner.pk, manager.pk],
                                                                 second.pk: [manager.pk]}
