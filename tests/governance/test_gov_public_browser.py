"""In headless Chromium, with axe-core checking every page: the public walks from the meetings
list to a body's calendar, a meeting, a person and the decisions search; the meeting page reflows
at 320 px (no sideways scrolling); a member sees the exempt item the public does not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # the shared browser support

from browser_support import BROWSER_MARKS, Visitor, browser  # noqa: E402,F401 (fixtures)
from gov_public_fixtures import PASSWORD, SECRET, make_governance, make_users  # noqa: E402

pytestmark = BROWSER_MARKS


@pytest.fixture
def gov_site(transactional_db, live_server, settings, clock):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set("2023-01-01", tick=True)
    make_governance()
    make_users()
    return live_server.url


def test_calendar_meeting_person_decisions_and_320px(browser, gov_site):
    checked: dict = {}
    public = Visitor(browser, gov_site, checked)
    public.go("/meetings/")
    assert public.page.locator("nav a:has-text('Meetings')").count() == 1
    public.click("a[href='/meetings/bodies/CABINET/']")
    assert public.page.url.endswith("/meetings/bodies/CABINET/")
    assert public.page.locator("h2", has_text="Upcoming meetings").count() == 1
    assert public.page.locator("caption", has_text="January 2023").count() == 1
    public.click("a:has-text('Thursday, 1 December 2022')")
    assert public.page.url.endswith("/meetings/CABINET-2022-12-01/")
    body = public.page.inner_text("main")
    assert "No decision recorded" in body and "This minute is not published." in body and SECRET not in body

    # 320 px: the meeting page reflows (WCAG 1.4.10), nothing scrolls sideways
    public.page.set_viewport_size({"width": 320, "height": 900})
    public.page.reload()
    public.axe()
    width = public.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the meeting page is {width}px wide at 320px"
    public.page.set_viewport_size({"width": 1024, "height": 900})

    public.click("main a:has-text('Mr R W Gough') >> nth=0")
    assert public.page.url.endswith("/people/gough-r/")
    assert "Leader of the Council" in public.page.inner_text("main")
    public.go("/decisions/")
    public.page.fill("#q", "integrated care")
    public.page.select_option("#body", "CABINET")
    public.click("button:has-text('Search decisions')")
    result = public.page.inner_text("main")
    assert "Showing 1 to 1 of 1 decision" in result and "RESOLVED to approve the Kent and Medway" in result
    public.page.fill("#from", "not a date")
    public.click("button:has-text('Search decisions')")
    assert "There is a problem" in public.page.inner_text("main")

    member = Visitor(browser, gov_site, checked)
    member.go("/sign-in/")
    member.page.fill("#id_username", "member")
    member.page.fill("#id_password", PASSWORD)
    member.page.click("button:has-text('Sign in')")
    member.page.wait_for_load_state("load")
    member.go("/meetings/CABINET-2022-12-01/")
    assert "SECRET-MINUTE-TEXT" in member.page.inner_text("main")
    assert all(not v for v in checked.values()), checked
