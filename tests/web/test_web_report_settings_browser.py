"""The report's details in headless Chromium: the lead goes from the build page to the settings,
makes a mistake, sees it at its field, corrects it and saves; axe-core checks every page."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import PERIOD, SLUG

pytestmark = BROWSER_MARKS


def test_the_lead_changes_the_reports_details_in_the_browser(browser, site):
    from beacon.reports.models import ReportSettings

    lead = Visitor(browser, site, {})
    lead.sign_in("lead")
    lead.go(f"/reports/{SLUG}/build/")
    lead.click("a:has-text('Change the report')")
    assert lead.page.url.endswith(f"/reports/{SLUG}/settings/")
    lead.page.fill("#council", "Borsetshire County Council")
    lead.page.fill("#contact-1-role", "Report author")
    lead.page.fill("#contact-1-name", "Ann Lead")
    lead.page.fill("#contact-1-email", "ann@")
    lead.click("button:has-text('Save the report')")
    summary = lead.page.locator(".govuk-error-summary").inner_text()
    assert "Contact 1 email address: 'ann@' is not an email address" in summary
    lead.page.click(".govuk-error-summary a[href='#contact-1-email']")
    lead.page.fill("#contact-1-email", "ann@example.org")
    lead.click("button:has-text('Save the report')")
    assert "Council, Contact details changed" in lead.page.content()
    row = ReportSettings.objects.get(period=PERIOD)
    assert row.council == "Borsetshire County Council"
    assert row.contacts == [{"role": "Report author", "name": "Ann Lead", "title": "", "phone": "", "email": "ann@example.org"}]
    history = lead.page.locator("table:has(caption:has-text('Changes to the report'))").inner_text()
    assert "Report author: Ann Lead, ann@example.org" in history
