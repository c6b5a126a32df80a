"""The job's page in headless Chromium: the lead publishes and lands on it at once; it passes axe
at 1280 and at 320 px wide (no sideways scrolling) while waiting and once done; with JavaScript
htmx polls it into the done state; without JavaScript the page refreshes itself."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import PASSWORD, SLUG

pytestmark = BROWSER_MARKS


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_job_page_follows_a_publication(browser, site):
    from beacon.core import jobs
    from beacon.domain.periods import Quarter
    from beacon.web.services.reports import draft_checks

    checked: dict = {}
    lead = Visitor(browser, site, checked)
    lead.sign_in("lead")
    lead.go(f"/reports/{SLUG}/build/")
    failed = {c.id for c in draft_checks(Quarter.parse(SLUG)) if not c.passed}
    for check in failed:
        lead.page.fill(f"[name='allow-{check}']", "Accepted for the test")
    lead.click("button:has-text('Publish the QPR')")
    assert "/jobs/" in lead.page.url
    job_url = lead.page.url
    assert lead.page.locator("h1").inner_text() == "Publish the QPR for 2022/23 Q2"
    assert lead.page.locator("#job-state").inner_text() == "Waiting to start"
    assert lead.page.locator("#job-progress-text").inner_text() == "0 steps done"
    _fits(lead.page, 320)
    lead.axe()  # at 320 px, waiting
    lead.page.set_viewport_size({"width": 1280, "height": 900})

    jobs.run_queued()
    # with JavaScript, htmx's poll brings the result in place
    lead.page.wait_for_selector("#job-result-link", timeout=30000)
    assert lead.page.locator("#job-state").inner_text() == "Done"
    assert lead.page.locator("#job-progress-text").inner_text().endswith("Freezing the edition")
    lead.axe()  # at 1280 px, done
    assert lead.page.get_attribute("#job-result-link", "href") == f"/reports/{SLUG}/"

    lead.go(job_url[len(site):])
    _fits(lead.page, 320)
    lead.axe()  # at 320 px, done
    assert not lead.page.locator("meta[http-equiv='refresh']").count()
    lead.click("#job-result-link")
    assert lead.page.url.endswith(f"/reports/{SLUG}/")
    assert all(not v for v in checked.values())


def test_without_javascript_the_job_page_refreshes_itself(browser, site):
    from beacon.core import jobs
    from beacon.reports.jobs import DISPATCH_PACK

    started = jobs.start(DISPATCH_PACK, by="lead", meeting="NOPE", user="lead")  # refused at once when run
    plain = browser.new_context(java_script_enabled=False)
    page = plain.new_page()
    page.goto(site + "/sign-in/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")
    page.goto(f"{site}/jobs/{started.id}/")
    assert page.locator("#job-state").inner_text() == "Waiting to start"
    jobs.run_queued()
    page.wait_for_selector("#job-error", timeout=30000)  # no script ran: the page refreshed itself
    assert page.locator("#job-state").inner_text() == "Failed"
    assert "It failed: The pack was not dispatched: 1 problem to put right." in page.locator("#job-error").inner_text()
    assert page.locator("#job-error-lines li").all_inner_texts() == ["there is no meeting NOPE"]
    plain.close()
