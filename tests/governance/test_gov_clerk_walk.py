"""The clerk-page defects a tester found walking the governance pages (/tmp walk report, issue 12):
a new report goes before the exempt items (3); the cycle shows a paper already on an agenda and a
step with no meeting in words (18); rows with form controls stack at 320 px (9); past meetings
are not offered, dates are typed not picked (15); people and meetings by name, documents by title
(7)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import sys
from pathlib import Path

import pytest
from django.urls import reverse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "web"))

from clerk_fixtures import make_governance  # noqa: E402
from test_gov_clerk_web import signed_in, summary  # noqa: E402
from web_fixtures import PERIOD, make_data  # noqa: E402

from beacon.core import audit  # noqa: E402
from beacon.core import permissions as perm  # noqa: E402
from beacon.domain import governance as g  # noqa: E402
from beacon.governance import cycle, services  # noqa: E402
from beacon.governance import models as m  # noqa: E402
from beacon.governance.commands import AddItem, MakeRoomForReport, RemoveItem  # noqa: E402

pytestmark = pytest.mark.django_db

JAN = "CABINET-2023-01-05"


@pytest.fixture
def gov(clock, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set("2022-12-01", tick=True)
    meetings = make_governance()
    cycle.load_rules(by="setup")
    return meetings


@pytest.fixture
def published(gov):
    from beacon.domain.periods import Quarter
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    make_data()
    q = Quarter.parse(PERIOD)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    return q


@pytest.fixture
def clerk(gov):
    return signed_in(perm.CLERK, "emily")


def text(response) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def add_exempt(key: str, title: str = "Property disposal") -> m.AgendaItem:
    return services.add_item(AddItem(by="clerk", meeting=key, title=title, category="report", exempt=True,
                                     exempt_paragraph=3, public_interest_reason="Commercial negotiation under way",
                                     exempt_reason="Financial affairs"))


def numbered(key: str) -> list[tuple[int, str, str]]:
    return list(m.AgendaItem.objects.filter(meeting__key=key).order_by("number")
                .values_list("number", "title", "section"))


# --- 3: a new report goes before the exempt items -----------------------------------------------
def test_make_room_moves_the_exempt_items_down_with_history(gov):
    add_exempt(JAN)  # item 3, after Apologies and Declarations
    assert services.make_room_for_report(MakeRoomForReport(by="clerk", meeting="GAC-2023-01-24")) is None  # none exempt
    assert services.make_room_for_report(MakeRoomForReport(by="clerk", meeting=JAN)) == 3
    assert [n for n, *_ in numbered(JAN)] == [1, 2, 4]
    moved = m.AgendaItem.objects.get(meeting__key=JAN, number=4)
    assert [(r.field, r.old_value, r.new_value) for r in audit.history_of(moved) if r.field == "number"] == [
        ("number", "3", "4")]


def test_accepting_a_placement_puts_the_report_before_the_exempt_items(clerk, published):
    add_exempt(JAN)
    url = reverse("web:cycle")
    assert clerk.post(url, {"operation": "propose", "document": f"qpr:{PERIOD}"}).status_code == 302
    (placement,) = cycle.placements_of(f"qpr:{PERIOD}")
    assert placement.meeting.key == JAN
    r = clerk.post(url, {"operation": "accept", "placement": placement.pk})
    assert r.status_code == 302, summary(r)
    items = numbered(JAN)
    assert [(n, s) for n, _, s in items] == [(1, "unrestricted"), (2, "unrestricted"), (3, "unrestricted"),
                                             (4, "exempt")]
    assert items[3][1] == "Property disposal"
    placement.refresh_from_db()
    assert placement.paper.item == 3
    from beacon.reports import packs

    assert not any("numbered before unrestricted" in p for p in packs.pack_problems(gm_meeting(JAN)))
    assert "Accepted: the paper is item 3 of Cabinet, 5 January 2023." in text(clerk.get(url))


def gm_meeting(key):
    return m.Meeting.objects.get(key=key)


def test_create_a_paper_also_goes_before_the_exempt_items(clerk, published):
    add_exempt(JAN)
    r = clerk.post(reverse("web:paper_create"), {"document": f"qpr:{PERIOD}", "meeting": JAN})
    assert r.status_code == 302, summary(r)
    assert [(n, s) for n, _, s in numbered(JAN)] == [(1, "unrestricted"), (2, "unrestricted"), (3, "unrestricted"),
                                                     (4, "exempt")]
    assert m.Paper.objects.get(meeting__key=JAN).item == 3
    assert "was placed on the agenda as item 3" in text(clerk.get(r["Location"]))


def test_after_dispatch_the_new_report_is_numbered_next_for_a_supplement(gov):
    add_exempt(JAN)
    mt = gm_meeting(JAN)
    m.Pack.objects.create(meeting=mt, audience="public", version=1, title="pack", pages={}, items=[1, 2, 3],
                          page_count=2, pdf=b"%PDF", html="", sha256="x", dispatched_by="clerk",
                          dispatched_at=dt.datetime(2022, 12, 1, 9, tzinfo=dt.timezone.utc))
    assert services.make_room_for_report(MakeRoomForReport(by="clerk", meeting=JAN)) is None
    assert [n for n, *_ in numbered(JAN)] == [1, 2, 3]  # the dispatched numbers stand


# --- 2: an item added since dispatch can be taken off; the manage page offers it --------------
def test_the_manage_page_removes_an_item_without_a_paper_and_renumbers(clerk, gov):
    services.add_item(AddItem(by="clerk", meeting=JAN, title="Urgent business", category="standing"))
    page = clerk.get(reverse("web:meeting_manage", args=[JAN])).content.decode()
    assert "Remove<span class=\"govuk-visually-hidden\"> item 1, Apologies</span>" in page
    r = clerk.post(reverse("web:meeting_manage", args=[JAN]), {"operation": "remove_item", "number": "1"})
    assert r.status_code == 302
    assert [t for _, t, _ in numbered(JAN)] == ["Declarations of Interest", "Urgent business"]
    assert [n for n, *_ in numbered(JAN)] == [1, 2]
    r = clerk.post(reverse("web:meeting_manage", args=[JAN]), {"operation": "remove_item", "number": "9"})
    assert r.status_code == 400


def test_an_item_with_a_paper_is_not_removed(gov):
    mt = gm_meeting(JAN)
    paper = m.Paper.objects.create(key=f"{JAN}-03", meeting=mt, item=3, subject="Budget", source="upload")
    m.AgendaItem.objects.create(meeting=mt, number=3, title="Budget", category="report", paper=paper)
    from beacon.governance.commands import GovernanceError

    with pytest.raises(GovernanceError, match="has a paper"):
        services.remove_item(RemoveItem(by="clerk", meeting=JAN, number=3))


# --- 18: the cycle page ---------------------------------------------------------------------------
def test_a_paper_already_on_an_agenda_shows_as_accepted_before_any_proposal(clerk, published):
    r = clerk.post(reverse("web:paper_create"), {"document": f"qpr:{PERIOD}", "meeting": "CABINET-2023-02-09"})
    assert r.status_code == 302
    page = text(clerk.get(reverse("web:cycle")))
    section = page.split("Quarterly Performance Report, Quarter 2, 2022/23", 1)[1].split("Propose", 1)[0]
    assert "No placements yet" not in section
    assert "Cabinet, 9 February 2023" in section and "Accepted" in section


def test_a_step_with_no_suitable_meeting_says_so_and_offers_no_empty_move(clerk, gov, monkeypatch):
    from beacon.web.views import clerk as views

    doc = views.Document("register:Cabinet@2023-01-05", "Corporate Risk Register, Cabinet, 5 January 2023",
                         dt.date(2023, 1, 5))
    monkeypatch.setattr(views, "documents", lambda: [doc])
    for key in ("GAC-2023-01-24", "GAC-2023-03-14"):  # no G&A meeting left
        m.Meeting.objects.filter(key=key).update(status=g.MeetingStatus.CANCELLED)
    url = reverse("web:cycle")
    assert clerk.post(url, {"operation": "propose", "document": doc.ref}).status_code == 302
    first, second = cycle.placements_of(doc.ref)
    assert second.meeting is None and second.status == "proposed"
    html = clerk.get(url).content.decode()
    row = html.split(f'id="placement-{second.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "No suitable meeting yet</strong>" in row and ">Proposed<" not in row
    assert 'value="move"' not in row and "Skip" in row


# --- 9: rows with controls stack on narrow screens --------------------------------------------------
def test_tables_with_controls_stack_and_their_css_is_served(clerk, gov, monkeypatch):
    from django.contrib.staticfiles import finders

    from beacon.web.views import clerk as views

    doc = views.Document("register:Cabinet@2023-01-05", "Corporate Risk Register, Cabinet, 5 January 2023",
                         dt.date(2023, 1, 5))
    monkeypatch.setattr(views, "documents", lambda: [doc])
    clerk.post(reverse("web:cycle"), {"operation": "propose", "document": doc.ref})
    for url in (reverse("web:cycle"), reverse("web:meeting_manage", args=[JAN])):
        html = clerk.get(url).content.decode()
        assert 'class="govuk-table beacon-stack-table"' in html and "web/clerk.css" in html
        assert 'data-label="' in html
    css = Path(finders.find("web/clerk.css")).read_text()
    assert "@media (max-width: 40.0525em)" in css and ".beacon-stack-table td" in css and "attr(data-label)" in css


# --- 15 and 7: the forms ------------------------------------------------------------------------------
def test_past_meetings_are_not_offered_and_meetings_and_people_read_as_words(clerk, gov, clock):
    clock.set("2023-01-10", tick=True)
    html = clerk.get(reverse("web:meeting_manage", args=["CABINET-2023-02-09"])).content.decode()
    cancel = html.split('id="cancel-moved_to"', 1)[1].split("</select>", 1)[0]
    assert "5 January 2023" not in cancel  # past
    assert ">Governance &amp; Audit Committee, 24 January 2023, 10.00 am</option>" in cancel
    assert "(GAC-2023-01-24)" not in cancel
    agenda = html.split('id="agenda-signatory"', 1)[1].split("</select>", 1)[0]
    assert ">Mr Benjamin Watts</option>" in agenda and "(watts-b)" not in agenda
    from beacon.web.forms.clerk import CreatePaperForm

    offered = [label for _, label in CreatePaperForm(documents=[]).fields["meeting"].choices]
    assert "Cabinet, 9 February 2023, 10.00 am" in offered and not any("5 January 2023" in x for x in offered)


def test_dates_are_typed_with_a_hint_that_matches(clerk, gov):
    html = clerk.get(reverse("web:meeting_add")).content.decode()
    date_input = re.search(r'<input[^>]*id="date"[^>]*>', html).group(0)
    assert 'type="text"' in date_input
    assert "For example 5/1/2023" in html
    manage = clerk.get(reverse("web:meeting_manage", args=[JAN])).content.decode()
    details = re.search(r'<input[^>]*id="details-date"[^>]*>', manage).group(0)
    assert 'value="5/1/2023"' in details and 'type="text"' in details
    # the date as shown is saved back unchanged
    from beacon.web.forms.clerk import MeetingDetailsForm

    values = services.meeting_values(gm_meeting(JAN))
    form = MeetingDetailsForm(initial=values, opened_values=values)
    assert form["date"].value() == "5/1/2023"


def test_the_manage_page_names_the_body_and_documents_by_title(clerk, published):
    clerk.post(reverse("web:paper_create"), {"document": f"qpr:{PERIOD}", "meeting": JAN})
    page = text(clerk.get(reverse("web:meeting_manage", args=[JAN])))
    assert "Rendered by Beacon: Quarterly Performance Report, Quarter 2, 2022/23" in page
    assert f"qpr:{PERIOD}" not in page
    assert f"({JAN}-03)" not in page and "Step 1 (current)" in page
    html = clerk.get(reverse("web:meeting_manage", args=[JAN])).content.decode()
    assert f'<span class="govuk-caption-l">{JAN}</span>' not in html


def test_history_tables_name_fields_and_give_values_in_words(clerk, gov):
    from beacon.governance.commands import EditMeeting

    mt = gm_meeting("CABINET-2023-02-09")
    m.Person.objects.filter(key="gough-r").update(is_member=True)
    services.edit_meeting(EditMeeting(by="clerk", meeting=mt.key, date=dt.date(2023, 2, 10), start_time=dt.time(14, 0),
                                      scheduled_end=None, venue="Council Chamber", type="ordinary", presiding="gough-r",
                                      opened=services.meeting_values(mt)))
    page = text(clerk.get(reverse("web:meeting_manage", args=[mt.key])))
    history = page.split("Changes to this meeting", 1)[1]
    assert "Start time 10.00 am 2.00 pm" in history
    assert "Date 9 February 2023 10 February 2023" in history
    assert "Presiding (blank) Mr Roger Gough" in history
    assert "start_time" not in history and "2023-02-10" not in history and "gough-r" not in history


def test_after_dispatch_items_added_since_move_among_themselves_only(clerk, gov):
    from beacon.governance.commands import GovernanceError, MoveItem

    mt = gm_meeting(JAN)  # items 1 and 2, the standing items
    m.Pack.objects.create(meeting=mt, audience="public", version=1, title="pack", pages={}, items=[1, 2],
                          page_count=2, pdf=b"%PDF", html="", sha256="x", dispatched_by="clerk",
                          dispatched_at=dt.datetime(2022, 12, 1, 9, tzinfo=dt.timezone.utc))
    for title in ("Winter pressures", "Urgent business"):
        services.add_item(AddItem(by="clerk", meeting=JAN, title=title, category="standing"))
    services.move_item(MoveItem(by="clerk", meeting=JAN, number=4, to=3))
    assert [t for _, t, _ in numbered(JAN)][2:] == ["Urgent business", "Winter pressures"]
    with pytest.raises(GovernanceError, match="keep their numbers"):
        services.move_item(MoveItem(by="clerk", meeting=JAN, number=4, to=1))
    with pytest.raises(GovernanceError, match="keep their numbers"):
        services.move_item(MoveItem(by="clerk", meeting=JAN, number=1, to=4))
    html = clerk.get(reverse("web:meeting_manage", args=[JAN])).content.decode()
    assert "Move<span class=\"govuk-visually-hidden\"> item 3</span>" in html
    assert "Move<span class=\"govuk-visually-hidden\"> item 1</span>" not in html
    assert "In the dispatched pack" in html
