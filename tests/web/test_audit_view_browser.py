"""The audit view in headless Chromium: the risk manager finds it in the navigation, filters it
with the GET form (a bad date first, shown in the error summary), follows a record's own changes;
every page passes axe at desktop width, and the page reflows at 320 px (no sideways scrolling;
the table scrolls in its own box)."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, risk_site  # noqa: F401 (fixtures)

pytestmark = BROWSER_MARKS


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_risk_manager_filters_the_audit_view_in_the_browser(browser, risk_site):
    from beacon.domain.risk import Rating
    from beacon.risk import lifecycle
    from beacon.risk.models import Risk

    base, risk_id = risk_site
    lifecycle.rerate(Risk.objects.get(risk_id=risk_id), Rating(3, 5), by="riskmanager", note="Training done")
    manager = Visitor(browser, base, {})
    manager.page.set_viewport_size({"width": 1280, "height": 900})
    manager.sign_in("riskmanager")
    manager.click("nav a:has-text('Audit')")
    assert manager.page.locator("h1").inner_text() == "Audit: every change"
    assert manager.page.locator("table caption").inner_text().startswith("Changes, newest first")

    manager.page.fill("#filter-date_from", "31/02/2023")
    manager.click("button:has-text('Filter')")
    summary = manager.page.locator(".govuk-error-summary").inner_text()
    assert "From: '31/02/2023' is not a date" in summary
    assert "date_from=31%2F02%2F2023" in manager.page.url  # a GET form: the address holds the filter

    manager.page.fill("#filter-date_from", "")
    manager.page.select_option("#filter-person", "riskmanager")
    manager.page.fill("#filter-label", risk_id)
    manager.click("button:has-text('Filter')")
    assert "person=riskmanager" in manager.page.url
    table = manager.page.locator("table").inner_text()
    assert "current rating" in table and "Medium (15)" in table and "Training done" in table
    link = manager.page.locator("a:has-text('Download these changes (CSV)')").get_attribute("href")
    assert link.startswith("/audit/changes.csv?") and "person=riskmanager" in link

    manager.click(f"table a:has-text('{risk_id}') >> nth=0")
    assert manager.page.url.endswith(f"/risks/{risk_id}/")
    manager.page.go_back()
    manager.click("a:has-text('Changes to this record') >> nth=0")
    assert "Showing only the changes to Risk" in manager.page.locator("main").inner_text()

    _fits(manager.page, 320)
    manager.axe()  # at 320 px
