"""Reminders end to end: a return falling due reaches its data owner (a notification and an
e-mail on the day), late and sent back too; a submitted return waits for the lead; an overdue
risk action reaches its risk owner and the risk manager; the daily job, run twice, by the worker
loop or by ``beacon remind``, sends every e-mail once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from beacon.core import jobs
from beacon.core import notifications as n
from beacon.core.models import Job, Notification
from beacon.domain.notifications import Delivery, NotificationKind
from beacon.domain.periods import Quarter
from beacon.returns.commands import OpenPeriod, SendBack
from beacon.returns.models import Return
from beacon.returns.services import open_period, send_back

from web_fixtures import NEXT, make_data, make_risks, make_users, submit_through_services

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 10)


@pytest.fixture
def people(clock):
    clock.set("2026-11-20")
    make_data()
    users = make_users()
    for name, user in users.items():
        user.email = f"{name}@example.org"
        user.save()
    return users


@pytest.fixture
def opened(people):
    open_period(OpenPeriod(Quarter.parse(NEXT), DUE, "lead"))
    return people


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_a_return_falling_due_reaches_its_data_owner_once(opened, clock):
    owner, owner_b, lead = opened["owner"], opened["owner_b"], opened["lead"]
    n.save_preference(owner_b.pk, Delivery.IMMEDIATE, [])
    clock.set("2026-12-02T07:30:00")  # eight days before: not yet
    assert n.run_reminders() == 0
    assert mail.outbox == []

    clock.set("2026-12-03T07:30:00")  # seven days before: due
    assert n.run_reminders() == 2
    assert _kinds(owner) == [NotificationKind.RETURN_DUE] and _kinds(owner_b) == [NotificationKind.RETURN_DUE]
    assert _kinds(lead) == []
    row = Notification.objects.get(user=owner)
    assert row.subject == "Return due: the Alpha Services return for 2022/23 Q3 is due by Thursday, 10 December 2026"
    assert row.url == "/returns/2022-23-Q3/AA/" and row.due == DUE
    # the daily digest (the default) and the immediate e-mail, each on the day
    (digest,) = _to("owner@example.org")
    assert digest.subject == "Beacon: 1 new notification (Thursday, 3 December 2026)"
    assert "Return due (1)" in digest.body and "due in 7 days (Thursday, 10 December 2026)" in digest.body
    assert "http://127.0.0.1:8000/returns/2022-23-Q3/AA/" in digest.body
    (immediate,) = _to("owner_b@example.org")
    assert immediate.subject.startswith("Beacon: Return due: the Beta Services return")

    # the same day again, and the days after: nothing twice
    assert n.run_reminders() == 0
    clock.set("2026-12-09T07:30:00")
    assert n.run_reminders() == 0
    assert len(mail.outbox) == 2

    # the day after the due date: late (the draft is still not submitted)
    clock.set("2026-12-11T07:30:00")
    assert n.run_reminders() == 2
    assert _kinds(owner) == [NotificationKind.RETURN_DUE, NotificationKind.RETURN_LATE]
    late = _to("owner@example.org")[-1]
    assert "Return late (1)" in late.body and "1 day overdue (due Thursday, 10 December 2026)" in late.body
    assert n.run_reminders() == 0
    assert len(mail.outbox) == 4


def test_submitted_waits_for_the_lead_and_sent_back_reaches_the_owner(opened, clock, django_capture_on_commit_callbacks):
    owner, lead = opened["owner"], opened["lead"]
    n.save_preference(lead.pk, Delivery.IMMEDIATE, [])
    n.save_preference(owner.pk, Delivery.IMMEDIATE, [])
    ret = Return.objects.get(directorate__code="AA")
    clock.set("2026-11-25T10:00:00")
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_services(ret, {"A1": "91", "A2": "8"}, "owner")
    assert _kinds(lead) == [NotificationKind.APPROVAL_WAITING]
    (waiting,) = _to("lead@example.org")
    assert waiting.subject == "Beacon: Waiting for approval: the Alpha Services return for 2022/23 Q3"
    assert "owner submitted the Alpha Services return" in waiting.body

    clock.set("2026-11-26T10:00:00")
    with django_capture_on_commit_callbacks(execute=True):
        send_back(SendBack(ret.pk, "A2 looks too low: check it", "lead"))
    returned = Notification.objects.get(user=owner, kind=NotificationKind.RETURN_RETURNED)
    assert "\u201cA2 looks too low: check it\u201d" in returned.body
    assert [m.subject for m in _to("owner@example.org")] == [
        "Beacon: Return sent back: the Alpha Services return for 2022/23 Q3 needs changes"]
    # the daily run finds nothing more to say about them
    clock.set("2026-11-27T07:30:00")
    before = len(mail.outbox)
    n.run_reminders()
    assert len(mail.outbox) == before
    # sent back a second time after a new submission: a new event
    clock.set("2026-11-28T10:00:00")
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_services(ret, {"A1": "91", "A2": "9"}, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        send_back(SendBack(ret.pk, "Still wrong", "lead"))
    assert Notification.objects.filter(user=owner, kind=NotificationKind.RETURN_RETURNED).count() == 2
    assert Notification.objects.filter(user=lead, kind=NotificationKind.APPROVAL_WAITING).count() == 2


def test_an_overdue_action_reaches_its_risk_owner(people, clock):
    first, _ = make_risks(people)  # its action is due "March 2027": by 31 March 2027
    first.actions.update(due_date=dt.date(2027, 3, 1))  # as the register's parser dates a month
    owner, manager, reader = people["riskowner"], people["riskmanager"], people["reader"]
    clock.set("2027-03-23T07:30:00")
    assert n.run_reminders() == 0
    clock.set("2027-03-24T07:30:00")
    n.run_reminders()
    assert _kinds(owner) == [NotificationKind.ACTION_DUE] and _kinds(manager) == [NotificationKind.ACTION_DUE]
    clock.set("2027-04-01T07:30:00")
    n.run_reminders()
    assert _kinds(owner) == [NotificationKind.ACTION_DUE, NotificationKind.ACTION_OVERDUE]
    assert _kinds(reader) == []
    overdue = Notification.objects.get(user=owner, kind=NotificationKind.ACTION_OVERDUE)
    assert overdue.subject == f"Risk action overdue: {first.risk_id} Review the safeguarding training"
    assert overdue.url == f"/risks/{first.risk_id}/" and overdue.due == dt.date(2027, 3, 31)
    assert "Owner: Training team" in overdue.body and "Due: March 2027 (by Wednesday, 31 March 2027)" in overdue.body
    mails = _to("riskowner@example.org")
    assert len(mails) == 2 and "Risk action overdue (1)" in mails[1].body
    assert n.run_reminders() == 0 and len(_to("riskowner@example.org")) == 2
    # completed: no more reminders (a revised date would be a new event)
    first.actions.update(status="complete", due_text="2027-05-01", due_date=dt.date(2027, 5, 1))
    clock.set("2027-05-02T07:30:00")
    assert n.run_reminders() == 0


def test_the_daily_job_starts_once_and_sends_once(opened, clock, settings):
    settings.BEACON_REMINDERS_AT = "07:00"
    n._started_on = None
    clock.set("2026-12-03T06:59:00")
    assert n.start_daily_reminders() is None  # before the time: no query, no job
    assert not Job.objects.exists()
    clock.set("2026-12-03T07:01:00")
    view = n.start_daily_reminders()
    assert view is not None and Job.objects.get().key == "send-reminders:2026-12-03"
    assert n.start_daily_reminders() is None
    n._started_on = None  # a second worker (its own process) finds today's job
    assert n.start_daily_reminders() is None
    assert jobs.run_queued() == 1
    done = jobs.get(view.id)
    assert done.status.value == "done"
    assert done.result.message.startswith("Reminders for 2026-12-03: 2 new notifications (")
    assert "returns 2" in done.result.message and "2 digests" in done.result.message
    n._started_on = None
    assert n.start_daily_reminders() is None  # finished: still not again today
    sent = len(mail.outbox)
    assert sent == 2
    # beacon remind, twice, for the same day: nothing new, nothing sent again
    for _ in range(2):
        out = io.StringIO()
        call_command("remind", date="2026-12-03", stdout=out, stderr=io.StringIO(), verbosity=0)
        assert out.getvalue().startswith("Reminders for 2026-12-03: 0 new notifications")
    assert len(mail.outbox) == sent
    # the next day the worker starts the next one
    clock.set("2026-12-04T07:05:00")
    assert n.start_daily_reminders() is not None
    settings.BEACON_REMINDERS_AT = "off"
    n._started_on = None
    clock.set("2026-12-05T07:05:00")
    assert n.start_daily_reminders() is None
    n._started_on = None


def test_beacon_remind_rejects_a_bad_date(opened):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("remind", date="2026-13-01", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_closed_year_says_nothing_more(opened, clock):
    from beacon.returns.models import YearClosure

    YearClosure.objects.create(financial_year="2022/23", closed_by="lead", closed_at=clock.now())
    clock.set("2026-12-11T07:30:00")
    assert n.run_reminders() == 0
    YearClosure.objects.update(reopened_by="lead", reopened_at=clock.now(), reopen_reason="A correction")
    assert n.run_reminders() == 2  # late, to each directorate's data owner
