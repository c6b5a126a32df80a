"""The notifications pages through Django's test client: the list (newest first, unread in words,
links to the thing), marking one and all as read without JavaScript, someone else's never; the
settings form; the header's count (one query, signed-in people only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.core import notifications as n
from beacon.core.models import Notification, NotificationPreference
from beacon.domain.notifications import Delivery, NotificationKind

from web_fixtures import make_data, make_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    make_data()
    return make_users()


def _notices(user, count=3):
    n.notify([n.Notice(user.pk, f"test:{i}", NotificationKind.ACTION_OVERDUE, f"Risk action overdue: number {i}",
                       f"Body {i}", "/risks/", dt.date(2026, 11, 1)) for i in range(count)])


def test_list_newest_first_unread_in_words_and_linked(client, people, clock):
    owner = people["riskowner"]
    clock.set("2026-11-18T09:00:00")
    _notices(owner, 1)
    clock.set("2026-11-19T09:00:00")
    n.notify([n.Notice(owner.pk, "later", NotificationKind.RETURN_DUE, "Return due: the later one", "", "/returns/")])
    client.force_login(owner)
    page = client.get("/notifications/").content.decode()
    assert page.index("Return due: the later one") < page.index("Risk action overdue: number 0")
    assert "You have 2 unread notifications." in page
    assert page.count(">Unread</strong>") == 2
    assert '<a class="govuk-link govuk-!-font-weight-bold" href="/risks/">Risk action overdue: number 0</a>' in page
    assert "Risk action overdue" in page and "18 days overdue (due Sunday, 1 November 2026)" in page
    assert "Notifications (2 unread)" in page  # the header


def test_mark_one_and_all_read_without_javascript(client, people):
    owner, other = people["riskowner"], people["reader"]
    _notices(owner, 3)
    _notices(other, 1)
    theirs = Notification.objects.get(user=other)
    client.force_login(owner)
    first = Notification.objects.filter(user=owner).first()
    response = client.post("/notifications/", {"notification": first.pk, "page": "1"})
    assert response.status_code == 302 and response.url == "/notifications/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    response = client.post("/notifications/", {"notification": theirs.pk}, follow=True)
    assert "not one of yours" in response.content.decode()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    page = client.get("/notifications/").content.decode()
    assert "You have 2 unread notifications." in page and ">Read<" not in page.split("<tbody")[0]
    client.post("/notifications/", {"action": "read_all"})
    assert n.unread_count(owner.pk) == 0 and n.unread_count(other.pk) == 1
    page = client.get("/notifications/").content.decode()
    assert "You have read all your notifications." in page and "Mark all as read" not in page
    assert ">Notifications</a>" in page  # the header, with no count


def test_a_link_elsewhere_is_not_followed(client, people):
    owner = people["riskowner"]
    n.notify([n.Notice(owner.pk, "x", NotificationKind.RISK_FLAGGED, "Flagged", "", "https://evil.example/")])
    client.force_login(owner)
    page = client.get("/notifications/").content.decode()
    assert "evil.example" not in page and "Flagged" in page


def test_pages_need_signing_in(client, people):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302
    page = client.get("/").content.decode()
    assert "Notifications" not in page.split("</header>")[0]


def test_preferences_saved(client, people):
    owner = people["owner"]
    client.force_login(owner)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'value="daily_digest" checked' in page  # the default
    assert "Your account has no e-mail address" in page
    response = client.post("/notifications/preferences/", {"delivery": "immediate",
                                                             "muted": ["return_due", "paper_due"]})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=owner)
    assert pref.delivery == Delivery.IMMEDIATE and pref.muted_kinds == ["paper_due", "return_due"]
    page = client.get("/notifications/preferences/").content.decode()
    assert 'value="immediate" checked' in page and 'value="return_due" checked' in page
    response = client.post("/notifications/preferences/", {"delivery": "sometimes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#delivery"' in body
    assert NotificationPreference.objects.get(user=owner).delivery == Delivery.IMMEDIATE


def test_header_count_is_one_query(client, people):
    owner = people["riskowner"]
    _notices(owner, 2)
    client.force_login(owner)
    client.get("/account/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/account/").content.decode()
    assert "Notifications (2 unread)" in page
    counts = [q["sql"] for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
