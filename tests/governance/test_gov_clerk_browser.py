"""The clerk in the browser: adds a meeting, adds items, creates a paper from a published QPR,
sees the pack's problems, then cancels another meeting and sees the pathway step planned at it
skipped with the reason. Every page visited is checked with axe-core."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "web"))
sys.path.insert(0, str(HERE))

from browser_support import BROWSER_MARKS, PASSWORD, Visitor, browser  # noqa: E402,F401 (fixtures)
from clerk_fixtures import make_governance  # noqa: E402
from web_fixtures import PERIOD, make_data, make_users  # noqa: E402

pytestmark = BROWSER_MARKS


@pytest.fixture
def clerk_site(transactional_db, live_server, settings, clock):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm
    from beacon.domain.periods import Quarter
    from beacon.governance import models as m
    from beacon.governance import services
    from beacon.governance.commands import AddPathwayStep
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set("2022-12-01", tick=True)
    make_data()
    make_users()
    clerk = get_user_model().objects.create_user(username="clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=perm.CLERK))
    q = Quarter.parse(PERIOD)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    meetings = make_governance()
    # a register paper at Cabinet on 5 January, going on to Governance & Audit on 24 January
    paper = m.Paper.objects.create(key="CABINET-2023-01-05-03", meeting=meetings["CABINET-2023-01-05"], item=3,
                                   subject="Corporate Risk Register")
    services.add_pathway_step(AddPathwayStep(by="clerk", paper=paper.key, body="CABINET", meeting="CABINET-2023-01-05",
                                             role="current"))
    services.add_pathway_step(AddPathwayStep(by="clerk", paper=paper.key, body="GAC", meeting="GAC-2023-01-24"))
    return live_server.url


def test_the_clerk_prepares_a_meeting_and_cancels_another(browser, clerk_site):
    from beacon.governance import models as m
    from beacon.reports import packs

    checked: dict = {}
    clerk = Visitor(browser, clerk_site, checked)
    clerk.sign_in("clerk")

    # a new meeting of Cabinet, with the standing items
    clerk.go("/meetings/add/")
    clerk.click("button:has-text('Add the meeting')")
    assert clerk.page.title().startswith("Error: ")
    assert "Body: choose one" in clerk.page.locator(".govuk-error-summary").inner_text()
    clerk.page.select_option("#body", "CABINET")
    clerk.page.fill("#date", "19/1/2023")
    clerk.page.fill("#start_time", "10.00 am")
    clerk.page.fill("#venue", "Council Chamber")
    clerk.click("button:has-text('Add the meeting')")
    assert clerk.page.url.endswith("/meetings/CABINET-2023-01-19/manage/")
    assert "Cabinet, 19 January 2023 was added." in clerk.page.content()

    # items: an oral update, then an exempt item whose missing fields are named
    clerk.page.fill("#item-title", "Cabinet Member Updates")
    clerk.page.select_option("#item-category", "standing")
    clerk.page.check("#item-is_oral")
    clerk.click("button:has-text('Add the item')")
    clerk.page.fill("#item-title", "Contract award")
    clerk.page.check("#item-exempt")
    clerk.click("button:has-text('Add the item')")
    summary = clerk.page.locator(".govuk-error-summary").inner_text()
    assert "Schedule 12A paragraph: choose the paragraph" in summary and "Public interest reason: say why" in summary
    clerk.page.select_option("#item-exempt_paragraph", "3")
    clerk.page.fill("#item-public_interest_reason", "The tender prices are commercially sensitive.")
    clerk.click("button:has-text('Add the item')")
    items = clerk.page.locator("#agenda-items").inner_text()
    assert "Cabinet Member Updates (Oral)" in items and "Schedule 12A, paragraph 3" in items

    # a paper made from the published QPR goes before the exempt item, which moves down to 5
    clerk.click("a:has-text('Create a paper from a report')")
    clerk.page.select_option("#document", f"qpr:{PERIOD}")
    clerk.click("button:has-text('Create the paper')")
    assert clerk.page.url.endswith("/meetings/CABINET-2023-01-19/manage/")
    assert "was placed on the agenda as item 4" in clerk.page.content()
    paper = m.Paper.objects.get(meeting__key="CABINET-2023-01-19", item=4)
    assert paper.document_ref.startswith(f"qpr:{PERIOD}")
    assert m.AgendaItem.objects.get(meeting__key="CABINET-2023-01-19", number=5).title == "Contract award"

    # at 320 px the agenda's rows stack: Edit, Move and Remove are on screen, nothing scrolls sideways
    clerk.page.set_viewport_size({"width": 320, "height": 800})
    clerk.go("/meetings/CABINET-2023-01-19/manage/")
    width = clerk.page.evaluate("document.querySelector('#agenda-items').getBoundingClientRect().width")
    assert width <= 320
    move = clerk.page.get_by_role("button", name="Move item 1", exact=True).bounding_box()
    assert move is not None and move["x"] + move["width"] <= 320
    assert clerk.page.evaluate("document.documentElement.scrollWidth") <= 320
    clerk.go("/meetings/cycle/")
    clerk.click("button:has-text('Propose placements')")
    assert clerk.page.evaluate("document.documentElement.scrollWidth") <= 320
    clerk.page.set_viewport_size({"width": 1280, "height": 800})

    # the pack's checks, as the pack service states them; the exempt item is in its place
    clerk.go("/meetings/CABINET-2023-01-19/manage/")
    clerk.click("a:has-text('Build and dispatch the agenda pack')")
    meeting = m.Meeting.objects.get(key="CABINET-2023-01-19")
    problems = packs.pack_problems(meeting)
    assert problems and not any("numbered before unrestricted" in p for p in problems)
    listed = clerk.page.locator("#pack-problems").inner_text()
    assert all(p in listed for p in problems)
    assert clerk.page.locator("#pack-problems li").count() == len(problems)
    assert "Dispatch the pack" not in clerk.page.content()

    # Governance & Audit on 24 January is cancelled: the register's step there is skipped
    clerk.go("/meetings/GAC-2023-01-24/manage/")
    clerk.page.fill("#cancel-reason", "Not quorate")
    clerk.page.select_option("#cancel-moved_to", "GAC-2023-03-14")
    clerk.click("button:has-text('Cancel the meeting')")
    assert "was cancelled" in clerk.page.content()
    steps = clerk.page.locator("#pathway-steps").inner_text()
    assert "Skipped: The meeting of Governance & Audit Committee on 24 January 2023 was cancelled: Not quorate." in steps
    assert "Its business went to Governance & Audit Committee on 14 March 2023." in steps
    assert m.Pathway.objects.get(paper__key="CABINET-2023-01-05-03", step=2).status == "skipped"
    assert checked and all(not v for v in checked.values())
