"""The clerk's pages through Django's test client: adding and managing a meeting (details,
agenda header, items, exempt fields, moves, cancellation), editing an item (stale-safe), the
cycle page (propose, move, skip) and who may use them."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clerk_fixtures import make_governance  # noqa: E402

from beacon.core import permissions as perm  # noqa: E402
from beacon.governance import cycle  # noqa: E402
from beacon.governance import models as m  # noqa: E402
from beacon.governance import services  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(clock, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set("2022-12-01", tick=True)
    meetings = make_governance()
    cycle.load_rules(by="setup")
    return meetings


def signed_in(role: str | None, name: str) -> Client:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    perm.ensure_groups()
    user = get_user_model().objects.create_user(username=name, password="x-very-long-password")
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(gov):
    return signed_in(perm.CLERK, "emily")


def summary(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)] if block else []


def manage(key: str) -> str:
    return reverse("web:meeting_manage", args=[key])


def test_only_the_clerk_manages_meetings(gov):
    pages = [reverse("web:meeting_add"), reverse("web:cycle"), manage("CABINET-2023-01-05"),
             reverse("web:meeting_item", args=["CABINET-2023-01-05", 1])]
    member, reader = signed_in(perm.MEMBER, "member"), signed_in(perm.READER, "reader")
    for url in pages:
        assert member.get(url).status_code == 403
        assert reader.get(url).status_code == 403
        assert Client().get(url).status_code == 302
    clerk = signed_in(perm.CLERK, "emily")
    assert all(clerk.get(url).status_code == 200 for url in pages)
    assert member.post(manage("CABINET-2023-01-05"), {"operation": "cancel", "cancel-reason": "x"}).status_code == 403
    assert m.Meeting.objects.get(key="CABINET-2023-01-05").status == "scheduled"


def test_the_clerk_adds_a_meeting_and_errors_name_their_fields(clerk):
    r = clerk.post(reverse("web:meeting_add"), {"body": "", "date": "31/02/2023", "start_time": "25:00", "type": "ordinary"})
    assert r.status_code == 400
    errors = summary(r)
    assert errors[0] == "Body: choose one"
    assert errors[1].startswith("Date:") and errors[2].startswith("Start time: write a time such as 10:00")
    assert 'href="#body"' in r.content.decode() and 'href="#date"' in r.content.decode()
    r = clerk.post(reverse("web:meeting_add"), {"body": "GAC", "date": "2023-04-18", "start_time": "2.00 pm",
                                                "venue": "Darent Room", "type": "ordinary"})
    assert r.status_code == 302 and r["Location"] == manage("GAC-2023-04-18")
    mt = m.Meeting.objects.get(key="GAC-2023-04-18")
    assert (mt.start_time, mt.venue, mt.items.count()) == (dt.time(14), "Darent Room", 0)
    page = clerk.get(r["Location"]).content.decode()
    assert "The meeting Governance &amp; Audit Committee, 18 April 2023 was added." in page


def test_the_clerk_builds_the_agenda(clerk, gov):
    url = manage("CABINET-2023-01-05")
    r = clerk.post(url, {"operation": "add_item", "item-title": "Contract award", "item-category": "report",
                         "item-exempt": "1"})
    assert r.status_code == 400
    assert summary(r) == [
        "Schedule 12A paragraph: choose the paragraph of Schedule 12A (1 to 7) the information falls in",
        "Public interest reason: say why the public interest in keeping it exempt outweighs the public interest in "
        "disclosing it"]
    assert 'href="#item-exempt_paragraph"' in r.content.decode()
    r = clerk.post(url, {"operation": "add_item", "item-title": "Contract award", "item-category": "report",
                         "item-exempt": "1", "item-exempt_paragraph": "3",
                         "item-public_interest_reason": "The tender prices are commercially sensitive"})
    assert r.status_code == 302
    r = clerk.post(url, {"operation": "add_item", "item-title": "Cabinet Member Updates", "item-category": "standing",
                         "item-is_oral": "1"})
    assert r.status_code == 302
    r = clerk.post(url, {"operation": "move_item", "number": "4", "move-4-to": "3"})
    assert r.status_code == 302
    items = list(m.AgendaItem.objects.filter(meeting__key="CABINET-2023-01-05").values_list("number", "title", "section", "is_oral"))
    assert items == [(1, "Apologies", "unrestricted", False), (2, "Declarations of Interest", "unrestricted", False),
                     (3, "Cabinet Member Updates", "unrestricted", True), (4, "Contract award", "exempt", False)]
    page = clerk.get(url).content.decode()
    assert "Cabinet Member Updates (Oral)" in page and "Schedule 12A, paragraph 3" in page
    r = clerk.post(url, {"operation": "move_item", "number": "4", "move-4-to": "0"})
    assert r.status_code == 400 and summary(r) == ["New number: write a whole number, 1 or more"]


def test_the_agenda_header_and_details_are_stale_safe(clerk, gov):
    url = manage("CABINET-2023-01-05")
    page = clerk.get(url).content.decode()
    opened = {name: re.search(rf'name="{name}-opened" value="([^"]*)"', page).group(1) for name in ("details", "agenda")}
    # someone else changes the venue in the meantime
    services.edit_meeting(services.EditMeeting(by="other", meeting="CABINET-2023-01-05", date=dt.date(2023, 1, 5),
                                               start_time=dt.time(10), venue="Darent Room", type="ordinary"))
    form = {"operation": "details", "details-opened": opened["details"], "details-date": "2023-01-05",
            "details-start_time": "10:00", "details-venue": "Swale Room", "details-type": "ordinary"}
    r = clerk.post(url, form)
    assert r.status_code == 409
    body = r.content.decode()
    assert "Venue was Council Chamber when you opened the form and is now Darent Room; you entered Swale Room" in body
    assert "What changed since you opened the page" in body
    opened_now = re.search(r'name="details-opened" value="([^"]*)"', body).group(1)
    r = clerk.post(url, {**form, "details-opened": opened_now})  # saved again after checking
    assert r.status_code == 302 and m.Meeting.objects.get(key="CABINET-2023-01-05").venue == "Swale Room"
    r = clerk.post(url, {"operation": "agenda", "agenda-opened": opened["agenda"], "agenda-dispatch_date": "22/12/2022",
                         "agenda-signatory": "watts-b", "agenda-signatory_post": "General Counsel",
                         "agenda-contact_officer": "kennedy-e", "agenda-contact_email": "emily.kennedy@kent.gov.uk",
                         "agenda-addressees": "All Members of the Cabinet",
                         "agenda-unrestricted_note": "During these items the meeting is likely to be open to the public"})
    assert r.status_code == 302
    agenda = m.Agenda.objects.get(meeting__key="CABINET-2023-01-05")
    assert (agenda.dispatch_date, agenda.signatory.key, agenda.contact_officer.key) == (dt.date(2022, 12, 22), "watts-b", "kennedy-e")


def test_an_item_is_edited_on_its_page(clerk, gov):
    url = reverse("web:meeting_item", args=["CABINET-2023-01-05", 1])
    page = clerk.get(url).content.decode()
    opened = re.search(r'name="item-opened" value="([^"]*)"', page).group(1)
    r = clerk.post(url, {"item-opened": opened, "item-title": "", "item-category": "standing"})
    assert r.status_code == 400 and summary(r) == ["Title: give the item's title as the agenda prints it"]
    r = clerk.post(url, {"item-opened": opened, "item-title": "Apologies for Absence", "item-category": "standing"})
    assert r.status_code == 302
    assert m.AgendaItem.objects.get(meeting__key="CABINET-2023-01-05", number=1).title == "Apologies for Absence"


def test_cancelling_names_the_reason_and_where_the_business_went(clerk, gov):
    url = manage("GAC-2023-01-24")
    r = clerk.post(url, {"operation": "cancel", "cancel-reason": "", "cancel-moved_to": "GAC-2023-03-14"})
    assert r.status_code == 400 and summary(r) == ["Why is the meeting cancelled?: say why the meeting is cancelled"]
    assert 'href="#cancel-reason"' in r.content.decode()
    r = clerk.post(url, {"operation": "cancel", "cancel-reason": "Not quorate", "cancel-moved_to": "GAC-2023-03-14"})
    assert r.status_code == 302
    page = clerk.get(url).content.decode()
    assert "Cancelled" in page and "Not quorate" in page and "14 March 2023" in page
    assert 'name="operation" value="cancel"' not in page  # a cancelled meeting is not cancelled twice


def test_the_cycle_page_proposes_moves_and_skips(clerk, gov, monkeypatch):
    from beacon.web.views import clerk as views

    doc = views.Document("register:Cabinet@2023-01-05", "Corporate Risk Register (Cabinet, 5 January 2023)",
                         dt.date(2023, 1, 5))
    monkeypatch.setattr(views, "documents", lambda: [doc])
    url = reverse("web:cycle")
    page = clerk.get(url).content.decode()
    assert "No placements yet." in page
    r = clerk.post(url, {"operation": "propose", "document": doc.ref})
    assert r.status_code == 302
    page = clerk.get(url).content.decode()
    assert "2 placements proposed" in page
    assert "Cabinet, 5 January 2023" in page and "22 December 2022" in page
    assert "Governance &amp; Audit Committee, 24 January 2023" in page and "10 January 2023" in page
    first, second = cycle.placements_of(doc.ref)
    r = clerk.post(url, {"operation": "move", "placement": second.pk, f"move-{second.pk}-meeting": ""})
    assert r.status_code == 400 and summary(r) == ["Move to (Governance & Audit Committee): choose one"]
    r = clerk.post(url, {"operation": "move", "placement": second.pk, f"move-{second.pk}-meeting": "GAC-2023-03-14"})
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.meeting.key == "GAC-2023-03-14"
    r = clerk.post(url, {"operation": "skip", "placement": second.pk, f"skip-{second.pk}-reason": ""})
    assert r.status_code == 400 and summary(r) == ["Reason for skipping: say why the step is skipped"]
    assert f'href="#skip-{second.pk}-reason"' in r.content.decode()
    r = clerk.post(url, {"operation": "skip", "placement": second.pk, f"skip-{second.pk}-reason": "Seen in March instead"})
    assert r.status_code == 302
    page = clerk.get(url).content.decode()
    assert "Skipped" in page and "Seen in March instead" in page


def test_a_meeting_is_recorded_as_held_once_its_day_has_come(clerk, gov, clock):
    url = manage("CABINET-2023-01-05")
    assert "Record that the meeting was held" not in clerk.get(url).content.decode()
    r = clerk.post(url, {"operation": "held"})
    assert r.status_code == 400 and "Cabinet, 5 January 2023 is still to come" in " ".join(summary(r))
    clock.set("2023-01-05T15:00:00", tick=True)
    assert "Record that the meeting was held" in clerk.get(url).content.decode()
    assert clerk.post(url, {"operation": "held"}).status_code == 302
    page = clerk.get(url).content.decode()
    assert "Held" in page and 'name="operation" value="held"' not in page
    assert 'name="operation" value="add_item"' not in page  # its agenda is what was dealt with
    assert 'name="operation" value="details"' in page  # who presided can still be recorded
    assert m.Meeting.objects.get(key="CABINET-2023-01-05").status == "held"
