"""Papers due for a meeting's dispatch: a report item with no paper (not oral) on a meeting not
yet dispatched reminds the democratic services officers, from seven days before the agenda's
dispatch date (or the cycle's deadline); once each; overdue after it; never for an oral item, an
item with its paper, or a meeting already past."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from beacon.core import notifications as n
from beacon.core import permissions as perm
from beacon.core.models import Notification
from beacon.domain import governance as g
from beacon.governance import cycle, reminders, services
from beacon.governance.commands import AddItem, SaveAgenda
from beacon.governance.models import CycleRule

from clerk_fixtures import make_governance

pytestmark = pytest.mark.django_db

MEETING = "CABINET-2023-01-05"


@pytest.fixture
def clerk(clock):
    clock.set("2022-12-01")
    perm.ensure_groups()
    user = User.objects.create_user("clerk1", email="clerk1@example.org")
    user.groups.add(Group.objects.get(name=perm.CLERK))
    User.objects.create_user("reader1", email="reader1@example.org")
    make_governance()
    services.add_item(AddItem(by="clerk", meeting=MEETING, title="Quarterly Performance Report"))
    services.add_item(AddItem(by="clerk", meeting=MEETING, title="Verbal update", is_oral=True))
    services.add_item(AddItem(by="clerk", meeting=MEETING, title="Questions", category=g.ItemCategory.QUESTIONS))
    return user


def _papers(today):
    return [x for x in reminders.reminders(today)]


def test_a_report_item_without_a_paper_reminds_the_clerk(clerk, clock):
    services.save_agenda(SaveAgenda(by="clerk", meeting=MEETING, dispatch_date=dt.date(2022, 12, 22)))
    assert _papers(dt.date(2022, 12, 14)) == []
    (notice,) = _papers(dt.date(2022, 12, 15))
    assert notice.user_id == clerk.pk and notice.kind == "paper_due"
    assert notice.subject == ("Paper due for dispatch: Cabinet, Thursday, 5 January 2023, "
                              "item 3 Quarterly Performance Report")
    assert "dispatched by Thursday, 22 December 2022 (the agenda's dispatch date)" in notice.body
    assert notice.url == f"/meetings/{MEETING}/manage/" and notice.due == dt.date(2022, 12, 22)
    assert n.run_reminders(dt.date(2022, 12, 15)) == 1
    assert n.run_reminders(dt.date(2022, 12, 16)) == 0
    (overdue,) = _papers(dt.date(2022, 12, 23))
    assert overdue.subject.startswith("Paper overdue for dispatch: Cabinet")
    assert n.run_reminders(dt.date(2022, 12, 23)) == 1
    assert Notification.objects.filter(user=clerk).count() == 2
    assert not Notification.objects.filter(user__username="reader1").exists()
    assert _papers(dt.date(2023, 1, 6)) == []  # the meeting is past


def test_the_cycle_gives_the_deadline_when_the_agenda_has_none(clerk, clock):
    assert _papers(dt.date(2022, 12, 20)) == []  # no dispatch date, no rule: no deadline known
    cycle.load_rules()
    days = max(CycleRule.objects.filter(body__code="CABINET").values_list("dispatch_days", flat=True))
    deadline = dt.date(2023, 1, 5) - dt.timedelta(days=days)
    assert _papers(deadline - dt.timedelta(days=8)) == []
    (notice,) = _papers(deadline)
    assert notice.due == deadline and f"({days} days before the meeting)" in notice.body


def test_a_document_placed_by_the_cycle_without_its_paper(clerk, clock):
    cycle.load_rules()
    (placement,) = [p for p in cycle.propose_placements("qpr:2022/23 Q2", "clerk") if p.meeting_id]
    assert placement.meeting.key == MEETING and placement.paper_id is None
    notices = _papers(placement.dispatch_deadline)
    subjects = [x.subject for x in notices]
    assert ("Paper due for dispatch: Cabinet, Thursday, 5 January 2023, Quarterly Performance Report "
            "(qpr:2022/23 Q2)") in subjects
    assert all(x.due == placement.dispatch_deadline for x in notices)  # the cycle's deadline
