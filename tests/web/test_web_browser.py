"""End to end in headless Chromium (Playwright driving Debian's chromium) against the live
server: a data owner submits a return, the lead returns it, the owner fixes it, the lead
approves it. axe-core checks every page the journey visits for serious or critical
accessibility violations."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, lead_user, risk_site, site  # noqa: F401 (fixtures)
from web_fixtures import NEXT, NEXT_SLUG, SLUG

pytestmark = BROWSER_MARKS



def test_return_journey_in_the_browser(browser, site):
    from beacon.performance.models import Observation
    from beacon.returns.models import Return

    checked: dict = {}
    owner = Visitor(browser, site, checked)
    lead = Visitor(browser, site, checked)
    return_url = f"/returns/{NEXT_SLUG}/AA/"

    # the data owner opens their return from the returns page
    owner.sign_in("owner")
    owner.click("a:has-text('Returns')")
    owner.click("a:has-text('Alpha Services')")
    assert "Last value: 75%" in owner.page.content()
    # a mistake: the error summary names the field and the reason
    owner.page.fill("#kpi-A1-value", "ninety")
    owner.page.fill("#kpi-A2-value", "12")
    owner.click("button[value='save']")
    summary = owner.page.locator(".govuk-error-summary").inner_text()
    assert "A1 value: 'ninety' is not a number" in summary
    owner.page.fill("#kpi-A1-value", "91")
    owner.page.fill("#kpi-A1-commentary", "Staffing improved.")
    owner.page.fill("#indicator-AI1-value", "1300")
    owner.click("button[value='submit']")
    assert "The return was submitted for review." in owner.page.content()
    assert Return.objects.get(period__period=NEXT, directorate__code="AA").status == "submitted"

    # the lead sees it on the board and sends it back with a comment
    lead.sign_in("lead")
    lead.click("a:has-text('Returns')")
    lead.go(f"/returns/{NEXT_SLUG}/")
    lead.click("a:has-text('Alpha Services')")
    lead.page.fill("#comment", "A2 looks too high: please check.")
    lead.click("button[value='send_back']")
    assert "was sent back" in lead.page.content()

    # the owner sees the comment, fixes the value and resubmits
    owner.go(return_url)
    assert "A2 looks too high: please check." in owner.page.content()
    owner.page.fill("#kpi-A2-value", "8")
    owner.click("button[value='submit']")
    assert Return.objects.get(period__period=NEXT, directorate__code="AA").status == "submitted"

    # the lead approves: the values become provisional data, shown on the dashboards
    lead.go(return_url)
    lead.click("button[value='approve']")
    assert "was approved" in lead.page.content()
    assert Observation.objects.get(kpi__code="A2", period=NEXT).value == 8
    lead.go(f"/performance/{NEXT_SLUG}/")
    lead.page.select_option("#filter-rag", "GREEN")
    lead.page.wait_for_load_state("networkidle")  # htmx's own request on change, before the form submit
    lead.click("button:has-text('Filter')")
    lead.click("a:has-text('% of calls answered')")
    assert "Staffing improved." in lead.page.content()
    assert "91" in lead.page.content()
    lead.go(f"/performance/{NEXT_SLUG}/directorates/AA/")
    lead.go("/activity/AI1/")
    lead.go(f"/performance/{SLUG}/")
    lead.go("/data/")

    # the other directorate's return, through the services, so every KPI of the quarter is rated
    from web_fixtures import submit_through_services

    bb = Return.objects.get(period__period=NEXT, directorate__code="BB")
    submit_through_services(bb, {"B1": "97.2"}, lead_user().username, approve_as=lead_user().username)

    # the lead publishes the QPR for the quarter; the public page shows it without signing in
    lead.go("/reports/")
    lead.click(f"a:has-text('Build the QPR for Quarter 3, 2022/23')")
    for field in lead.page.locator("input[name^='allow-']").all():
        field.fill("Accepted for the end-to-end test")
    lead.click("button:has-text('Publish the QPR')")
    # publishing runs in the background: the job's page waits, then (htmx polling it) says so
    assert "Waiting to start" in lead.page.content()
    from beacon.core import jobs

    jobs.run_queued()
    lead.page.wait_for_selector("#job-result-link", timeout=60000)
    assert "is published" in lead.page.content()
    public = Visitor(browser, site, checked)
    public.go("/")
    public.click("a:has-text('Reports')")
    public.click("a:has-text('Quarter 3, 2022/23')")
    assert "Open data (JSON)" in public.page.content()
    public.go("/reports/compare/")
    public.page.goto(site + f"/reports/{NEXT_SLUG}/qpr.json")
    assert '"label": "2022/23 Q3"' in public.page.content()

    # every page visited was checked and none had a serious or critical violation
    assert len(checked) >= 15
    assert all(not v for v in checked.values())


def test_risk_owner_rerates_and_the_register_shows_the_direction(browser, risk_site):
    site, risk_id = risk_site
    checked: dict = {}
    owner = Visitor(browser, site, checked)
    owner.sign_in("riskowner")
    owner.click("a:has-text('Risks')")
    row = owner.page.locator("table").first.locator("tr", has=owner.page.locator(f"a:text-is('{risk_id}')"))
    assert "No change" in row.inner_text()
    owner.click(f"table >> nth=0 >> a:text-is('{risk_id}')")
    owner.page.select_option("#current_likelihood", "2")
    owner.page.select_option("#current_impact", "5")
    owner.click("button:has-text('Re-rate')")
    summary = owner.page.locator(".govuk-error-summary").inner_text()
    assert "Reason: say why the rating changed" in summary
    owner.page.select_option("#current_likelihood", "2")
    owner.page.select_option("#current_impact", "5")
    owner.page.fill("#note", "Training completed across the service.")
    owner.click("button:has-text('Re-rate')")
    assert "was re-rated" in owner.page.content()
    owner.click("a:has-text('The register')")
    row = owner.page.locator("table").first.locator("tr", has=owner.page.locator(f"a:text-is('{risk_id}')"))
    assert "Reduced" in row.inner_text() and "Medium (10)" in row.inner_text()
    owner.go("/risks/editions/")

    # the risk manager's pages carry every lifecycle form; they are checked too
    manager = Visitor(browser, site, checked)
    manager.sign_in("riskmanager")
    manager.go("/risks/")
    manager.go(f"/risks/{risk_id}/")
    manager.page.click("summary:has-text('Withdraw the risk')")
    manager.click("button:has-text('Withdraw the risk')")
    assert "Reason: say why the risk is withdrawn" in manager.page.locator(".govuk-error-summary").inner_text()
    manager.go("/risks/editions/")
    assert len(checked) >= 5 and all(not v for v in checked.values())
