"""The pure rules of reminders: when a thing is due or overdue, a month's action deadline, how a
date is said, and the e-mails' wording (one notification; a day's digest grouped by kind)."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.domain.notifications import (
    Delivery, Message, NotificationKind, Timing, action_deadline, digest_email, digest_groups, immediate_email,
    long_date, month_end, timing, unread_words, when_words,
)

D = dt.date


def test_timing_window():
    due = D(2023, 1, 10)
    assert timing(due, D(2023, 1, 2)) is Timing.LATER
    assert timing(due, D(2023, 1, 3)) is Timing.DUE  # seven days before
    assert timing(due, D(2023, 1, 10)) is Timing.DUE  # the day itself
    assert timing(due, D(2023, 1, 11)) is Timing.OVERDUE
    assert timing(due, D(2023, 1, 9), lead_days=0) is Timing.LATER
    assert timing(due, D(2023, 1, 10), lead_days=0) is Timing.DUE
    assert timing(None, D(2023, 1, 11)) is Timing.LATER
    with pytest.raises(ValueError):
        timing(due, D(2023, 1, 1), lead_days=-1)


def test_month_deadlines():
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2023, 12, 31)) == D(2023, 12, 31)
    assert action_deadline("March 2023", D(2023, 3, 1)) == D(2023, 3, 31)
    assert action_deadline("March 2023 (Review)", D(2023, 3, 1)) == D(2023, 3, 31)
    assert action_deadline("2023-04", D(2023, 4, 1)) == D(2023, 4, 30)
    assert action_deadline("2023-04-12", D(2023, 4, 12)) == D(2023, 4, 12)
    assert action_deadline("2023-04-12 (review)", D(2023, 4, 12)) == D(2023, 4, 12)
    assert action_deadline("TBC", None) is None


def test_when_words():
    today = D(2023, 1, 5)
    assert long_date(D(2023, 1, 5)) == "Thursday, 5 January 2023"
    assert when_words(D(2023, 1, 5), today) == "due today (Thursday, 5 January 2023)"
    assert when_words(D(2023, 1, 6), today) == "due tomorrow (Friday, 6 January 2023)"
    assert when_words(D(2023, 1, 12), today) == "due in 7 days (Thursday, 12 January 2023)"
    assert when_words(D(2023, 1, 4), today) == "1 day overdue (due Wednesday, 4 January 2023)"
    assert when_words(D(2022, 12, 31), today) == "5 days overdue (due Saturday, 31 December 2022)"
    assert when_words(None, today) == "no date set"


def test_immediate_email():
    m = Message(NotificationKind.ACTION_OVERDUE, "Risk action overdue:\n CRR0001  Train staff", "Body text",
                "https://beacon.example/risks/CRR0001/", D(2023, 1, 4))
    subject, body = immediate_email(m, D(2023, 1, 5), "https://beacon.example/notifications/preferences/")
    assert subject == "Beacon: Risk action overdue: CRR0001 Train staff"  # one line
    assert "Body text" in body and "When: 1 day overdue (due Wednesday, 4 January 2023)." in body
    assert "Open it in Beacon: https://beacon.example/risks/CRR0001/" in body
    assert body.rstrip().endswith("https://beacon.example/notifications/preferences/")


def test_digest_groups_by_kind_in_a_fixed_order():
    msgs = [Message(NotificationKind.PAPER_DUE, "Paper B", due=D(2023, 1, 9)),
            Message(NotificationKind.RETURN_DUE, "Return", due=D(2023, 1, 10)),
            Message(NotificationKind.PAPER_DUE, "Paper A", due=None),
            Message(NotificationKind.PAPER_DUE, "Paper C", due=D(2023, 1, 8))]
    groups = digest_groups(msgs)
    assert [k for k, _ in groups] == [NotificationKind.RETURN_DUE, NotificationKind.PAPER_DUE]
    assert [m.subject for m in groups[1][1]] == ["Paper C", "Paper B", "Paper A"]
    subject, body = digest_email(msgs, D(2023, 1, 5), "https://b/notifications/")
    assert subject == "Beacon: 4 new notifications (Thursday, 5 January 2023)"
    assert body.index("Return due (1)") < body.index("Paper due for dispatch (3)")
    assert "* Paper C: due in 3 days (Sunday, 8 January 2023)" in body
    assert "* Paper A\n" in body
    assert "All your notifications: https://b/notifications/" in body
    one, _ = digest_email(msgs[:1], D(2023, 1, 5))
    assert one == "Beacon: 1 new notification (Thursday, 5 January 2023)"
    with pytest.raises(ValueError):
        digest_email([], D(2023, 1, 5))


def test_words_and_labels():
    assert unread_words(0) == "Notifications"
    assert unread_words(3) == "Notifications (3 unread)"
    assert all(k.label for k in NotificationKind) and all(d.label for d in Delivery)
    assert Timing.OVERDUE.label == "Overdue"


def test_a_long_digest_lists_the_newest_and_counts_the_rest():
    msgs = [Message(NotificationKind.ACTION_OVERDUE, f"Action {i}") for i in range(7)]
    subject, body = digest_email(msgs, D(2023, 1, 5), limit=5)
    assert subject == "Beacon: 7 new notifications (Thursday, 5 January 2023)"
    assert "The 5 newest are listed here; 2 older ones are on your notifications page." in body
    assert "Risk action overdue (5)" in body and "* Action 6" in body and "* Action 1\n" not in body
    _, one_left = digest_email(msgs[:6], D(2023, 1, 5), limit=5)
    assert "1 older one is on your notifications page" in one_left
