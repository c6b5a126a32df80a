"""beacon.core.notifications: notices recorded once per person and event, e-mailed once, digests once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail

from beacon.core import notifications as n
from beacon.core.models import Notification, NotificationPreference
from beacon.domain.notifications import Delivery, NotificationKind

pytestmark = pytest.mark.django_db


def _user(name, email=None, delivery=None, muted=()):
    user = User.objects.create_user(name, email=f"{name}@example.org" if email is None else email)
    if delivery is not None:
        n.save_preference(user.pk, delivery, muted)
    return user


def _notice(user, key="return_due:2022/23 Q3:CYPE", kind=NotificationKind.RETURN_DUE, due=None):
    return n.Notice(user.pk, key, kind, f"Subject {key}", "Body", "/returns/", due)


def test_notify_records_once_per_person_and_event(clock):
    clock.set("2023-01-05")
    alice, bob = _user("alice"), _user("bob")
    assert n.notify([_notice(alice), _notice(bob), _notice(alice)]) == 2
    assert n.notify([_notice(alice), _notice(bob)]) == 0
    assert n.notify([_notice(alice, "other")]) == 1
    assert Notification.objects.filter(user=alice).count() == 2


def test_immediate_email_sent_once_after_commit(clock, django_capture_on_commit_callbacks):
    clock.set("2023-01-05")
    alice = _user("alice", delivery=Delivery.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        assert n.notify([_notice(alice, due=dt.date(2023, 1, 6))]) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Beacon: Subject return_due:2022/23 Q3:CYPE"
    assert "due tomorrow (Friday, 6 January 2023)" in message.body
    assert Notification.objects.get().emailed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        n.notify([_notice(alice)])
        n.send_pending_immediate()
    assert len(mail.outbox) == 1


def test_muted_kind_and_no_address_and_none_are_not_emailed(clock, django_capture_on_commit_callbacks):
    clock.set("2023-01-05")
    muted = _user("muted", delivery=Delivery.IMMEDIATE, muted=[NotificationKind.RETURN_DUE])
    noaddress = _user("noaddress", email="", delivery=Delivery.IMMEDIATE)
    none = _user("none", delivery=Delivery.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert n.notify([_notice(muted), _notice(noaddress), _notice(none)]) == 3
    assert n.send_digests(dt.date(2023, 1, 5)) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0


def test_digest_once_a_day_lists_what_was_not_emailed(clock):
    clock.set("2023-01-05")
    carol = _user("carol")  # no preference row: the default is the daily digest
    n.notify([_notice(carol, "a", due=dt.date(2023, 1, 4)), _notice(carol, "b", NotificationKind.ACTION_OVERDUE)])
    assert mail.outbox == []
    assert n.send_digests(dt.date(2023, 1, 5)) == 1
    assert n.send_digests(dt.date(2023, 1, 5)) == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Beacon: 2 new notifications (Thursday, 5 January 2023)"
    assert "Return due (1)" in body and "Risk action overdue (1)" in body
    assert "1 day overdue (due Wednesday, 4 January 2023)" in body
    assert NotificationPreference.objects.get(user=carol).last_digest_on == dt.date(2023, 1, 5)
    # later the same day: a new notice waits for tomorrow's digest
    n.notify([_notice(carol, "c")])
    assert n.send_digests(dt.date(2023, 1, 5)) == 0
    assert n.send_digests(dt.date(2023, 1, 6)) == 1
    assert len(mail.outbox) == 2 and "a\n" not in mail.outbox[1].body
    assert "Subject c" in mail.outbox[1].body and "Subject a" not in mail.outbox[1].body


def test_run_reminders_twice_sends_each_once(clock):
    clock.set("2023-01-05")
    dora = _user("dora")
    n.register_source("test-source", lambda today: [_notice(dora, f"test:{today}")])
    try:
        assert n.run_reminders(dt.date(2023, 1, 5)) >= 1
        assert n.run_reminders(dt.date(2023, 1, 5)) == 0
    finally:
        n._SOURCES.pop("test-source")
    assert len([m for m in mail.outbox if m.to == ["dora@example.org"]]) == 1


def test_failed_send_is_retried(clock, monkeypatch, django_capture_on_commit_callbacks):
    clock.set("2023-01-05")
    erin = _user("erin", delivery=Delivery.IMMEDIATE)

    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr(n.EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        n.notify([_notice(erin)])
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert n.send_pending_immediate() == 1
    assert len(mail.outbox) == 1


def test_mark_read_only_own(clock):
    clock.set("2023-01-05")
    alice, bob = _user("alice"), _user("bob")
    n.notify([_notice(alice, "x"), _notice(alice, "y"), _notice(bob, "x")])
    mine = Notification.objects.filter(user=alice).first()
    theirs = Notification.objects.get(user=bob)
    assert n.unread_count(alice.pk) == 2
    assert n.mark_read(alice.pk, mine.pk)
    assert not n.mark_read(alice.pk, theirs.pk)
    assert n.unread_count(alice.pk) == 1 and n.unread_count(bob.pk) == 1
    assert n.mark_all_read(alice.pk) == 1
    assert n.unread_count(alice.pk) == 0


@pytest.mark.django_db(transaction=True)  # an idle worker closes its connection (close_old_connections)
def test_the_worker_loop_starts_the_daily_job_when_idle_never_with_once(clock, settings):
    from beacon.core import jobs
    from beacon.core.models import Job

    settings.BEACON_REMINDERS_AT = "07:00"
    clock.set("2023-01-05T08:00:00")
    n._started_on = None
    try:
        assert jobs.work(once=True) == 0
        assert not Job.objects.exists()  # --once starts nothing of its own
        loops = []

        def sleep(seconds):
            loops.append(seconds)

        # the loop: idle, so it starts today's job, then runs it on its next look at the queue
        ran = jobs.work(poll=0, sleep=sleep, should_stop=lambda: len(loops) >= 2)
        assert ran == 1
        job = Job.objects.get()
        assert (job.kind, job.key, job.status) == ("send-reminders", "send-reminders:2023-01-05", "done")
    finally:
        n._started_on = None


def test_what_was_read_is_not_emailed_and_a_mail_failure_never_breaks_the_caller(clock, monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    clock.set("2023-01-05")
    fred = _user("fred")
    n.notify([_notice(fred, "read"), _notice(fred, "unread")])
    n.mark_read(fred.pk, Notification.objects.get(event_key="read").pk)
    assert n.send_digests(dt.date(2023, 1, 5)) == 1
    assert "Subject unread" in mail.outbox[0].body and "Subject read" not in mail.outbox[0].body

    gina = _user("gina", delivery=Delivery.IMMEDIATE)
    monkeypatch.setattr(n, "get_connection", lambda: (_ for _ in ()).throw(OSError("no mail server")))
    with django_capture_on_commit_callbacks(execute=True):
        assert n.notify([_notice(gina)]) == 1  # no exception reaches the caller
    assert Notification.objects.get(user=gina).emailed_at is None
