"""The platform in a real browser: pages fit a 320 px screen (tables scroll in their own box),
no request a page makes fails (fonts, favicon), print hides the navigation and keeps RAG words,
and the session-timeout warning offers to stay signed in."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import NEXT_SLUG, SLUG, make_risks

pytestmark = BROWSER_MARKS


def _record_failures(visitor) -> list[str]:
    failed: list[str] = []
    visitor.page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    visitor.page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    return failed


def test_pages_fit_a_small_screen_print_well_and_request_nothing_missing(browser, site):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    make_risks(users)
    checked: dict = {}
    lead = Visitor(browser, site, checked)
    failed = _record_failures(lead)
    lead.page.set_viewport_size({"width": 320, "height": 800})
    lead.sign_in("lead")
    for path in (f"/performance/{SLUG}/", "/risks/", f"/returns/{NEXT_SLUG}/AA/"):
        lead.go(path)
        lead.page.wait_for_load_state("networkidle")
        width = lead.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px: the page scrolls sideways"
    # the browser asks for the favicon itself; it is there
    assert lead.page.request.get(site + "/favicon.ico").ok
    assert not failed, failed
    # the new pages pass axe too, at 320 px: users, an account, passwords, an error page
    for path in ("/users/", "/users/add/", "/account/password/", "/no-such-page/"):
        lead.go(path)
        assert lead.page.evaluate("document.documentElement.scrollWidth") <= 320, path
    lead.page.set_viewport_size({"width": 1024, "height": 800})
    lead.go("/users/")
    lead.click("a:has-text('owner_b')")
    assert lead.page.locator("#directorates-2").is_checked()  # BB, the second directorate

    # printed: no navigation, header or forms; the RAG words stay
    lead.go(f"/performance/{SLUG}/")
    lead.page.emulate_media(media="print")
    hidden = lead.page.evaluate("""() => ['.govuk-header', '.govuk-service-navigation', '.govuk-footer', '.govuk-phase-banner']
        .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)""")
    assert len(hidden) == 4 and set(hidden) == {"none"}
    assert "Red" in lead.page.locator("main").inner_text()


def test_the_session_timeout_warning_keeps_the_session(browser, site, settings):
    settings.SESSION_COOKIE_AGE = 64
    settings.BEACON_SESSION_WARNING_SECONDS = 60
    checked: dict = {}
    owner = Visitor(browser, site, checked)
    owner.sign_in("owner")
    owner.go(f"/returns/{NEXT_SLUG}/AA/")
    dialog = owner.page.locator("#beacon-timeout")
    dialog.wait_for(state="visible", timeout=20000)
    assert "signed out" in dialog.inner_text()
    owner.axe()  # the open dialog is accessible too
    before = owner.page.evaluate("fetch('/session/').then(r => r.json())")
    with owner.page.expect_response(lambda r: "/session/keep-alive/" in r.url) as response:
        owner.page.click("#beacon-timeout button:has-text('Stay signed in')")
    assert response.value.status == 200
    dialog.wait_for(state="hidden")
    after = owner.page.evaluate("fetch('/session/').then(r => r.json())")
    assert after["signed_in"] and after["expires_in"] > before["expires_in"]
