"""Minutes in the browser: a clerk signs in, writes the minutes of the held Cabinet meeting of 1
December 2022 (attendance, a minute with a speaker who is not present: a warning, not a refusal),
records a vote whose printed count is wrong (refused, the summary naming the field and the
difference), corrects and saves it, puts the minutes on the next meeting's agenda, records their
approval there, and finds them read-only. Every page visited is checked with axe-core."""

from __future__ import annotations

import pytest

from gov_minutes_support import PRESENT, TODAY, make_cabinet, make_clerk
from browser_support import BROWSER_MARKS, Visitor, browser  # noqa: F401 (fixtures)

pytestmark = BROWSER_MARKS

DEC = "CABINET-2022-12-01"
JAN = "CABINET-2023-01-05"


@pytest.fixture
def minutes_site(transactional_db, live_server, settings):
    from beacon.core import clock

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set_clock(TODAY, tick=True)
    make_cabinet()
    make_clerk()
    yield live_server.url
    clock.reset()


def test_a_clerk_writes_places_and_approves_the_minutes(browser, minutes_site):
    from beacon.governance import models as gm

    checked: dict = {}
    clerk = Visitor(browser, minutes_site, checked)
    clerk.sign_in("clerk")
    clerk.go(f"/meetings/{DEC}/minutes/edit/")
    clerk.click("button:has-text('Start the minutes')")
    assert "The draft minutes were started from the agenda." in clerk.page.content()

    # the public reads the draft, marked Draft; a meeting with no minutes says so (a 404)
    public = Visitor(browser, minutes_site, checked)
    public.go(f"/meetings/{DEC}/minutes/")
    assert "Draft" in public.page.locator("#minutes-heading + p").inner_text()
    public.go(f"/meetings/{JAN}/minutes/")
    assert public.page.locator("h1").inner_text() == "There are no minutes of this meeting yet"

    # attendance: nine present, Mr Gough in the chair
    clerk.click("a:has-text('Record the attendance')")
    clerk.page.select_option("#chair", "gough-r")
    for key in PRESENT:
        clerk.page.select_option(f"#person-{key}", "present")
    clerk.click("button:has-text('Save the attendance')")
    assert "Mr R W Gough (Chairman), Mrs C Bell" in clerk.page.content()

    # minute 4: Mr Love speaks but is not in PRESENT: saved, and the page warns
    clerk.click("a:has-text('Write minute 4')")
    clerk.page.fill("#paragraphs", "Mr Oakford introduced the report.\n\nMr Love spoke about schools.")
    clerk.page.select_option("#speaker_1", "oakford-p")
    clerk.page.select_option("#speaker_2", "love-r")
    clerk.click("button:has-text('Save minute 4')")
    assert "Minute 4 was saved." in clerk.page.content()
    assert "Minute 4: Mr R Love spoke but is not recorded as present" in clerk.page.locator("#warnings").inner_text()

    # minute 7: a recorded vote whose For count is wrong is refused, naming the difference
    clerk.click("a:has-text('Write minute 7')")
    clerk.page.click("summary:has-text('Record a motion')")
    clerk.page.select_option("#motion-proposer", "oakford-p")
    clerk.page.select_option("#motion-seconder", "hill-p")
    clerk.page.fill("#motion-text", "That the Interim Integrated Care Strategy be approved.")
    clerk.page.select_option("#motion-outcome", "carried")
    clerk.page.check("#motion-recorded_vote")
    motion = clerk.page.locator("form:has(input[name='form'][value='motion'])")
    for name in ("Mr R W Gough", "Mrs C Bell", "Mr D L Brazier"):
        motion.locator("fieldset:has(legend:text-is('For'))").get_by_label(name, exact=True).check()
    clerk.page.fill("#motion-for_count", "4")
    clerk.page.fill("#motion-against_count", "0")
    clerk.page.fill("#motion-abstain_count", "0")
    clerk.click("button:has-text('Record the motion')")
    assert clerk.page.title().startswith("Error: ")
    summary = clerk.page.locator(".govuk-error-summary").inner_text()
    assert "Number printed after For: the printed count is 4 but 3 names are listed" in summary
    clerk.page.click(".govuk-error-summary a[href='#motion-for_count']")
    assert clerk.page.evaluate("document.activeElement.id") == "motion-for_count"
    assert not gm.Motion.objects.exists()
    clerk.page.fill("#motion-for_count", "3")
    clerk.click("button:has-text('Record the motion')")
    assert "The motion was recorded at minute 7." in clerk.page.content()
    assert gm.Motion.objects.get().votes.count() == 3

    # on the next meeting's agenda, then approved there
    clerk.go(f"/meetings/{DEC}/minutes/edit/")
    clerk.page.select_option("#place-on_meeting", JAN)
    clerk.click("button:has-text('Put the minutes on this agenda')")
    assert "Minutes of the meeting held on 1 December 2022" in clerk.page.content()
    clerk.page.select_option("#approve-at_meeting", JAN)
    clerk.page.select_option("#approve-minute_number", "4")  # the minute of item 4, which carries them
    clerk.click("button:has-text('Record the approval')")
    assert "They are now frozen." in clerk.page.content()
    assert "are frozen" in clerk.page.locator("#frozen").inner_text()
    minutes = gm.Minutes.objects.get(meeting__key=DEC)
    assert minutes.status == "approved" and minutes.signed_by.key == "gough-r"

    # read-only: the minute's page shows the minutes, with nothing to edit
    clerk.go(f"/meetings/{DEC}/minutes/4/")
    assert clerk.page.locator("#paragraphs").count() == 0
    assert "Mr Oakford introduced the report." in clerk.page.content()
    assert checked and all(not v for v in checked.values())
