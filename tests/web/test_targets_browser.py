"""End to end, in headless Chromium (axe-core on every page): the lead changes a KPI's floor
standard from a quarter, with a reason; a mistake is refused at its field and nothing is written;
the KPI page shows the history; the published QPR (HTML and PDF) says the KPI is re-baselined."""

from __future__ import annotations

import io
import re

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import PERIOD

pytestmark = BROWSER_MARKS

WORDS = "Re-baselined: Red against the original floor standard of 80%"


def _fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        if name in ("financial_year", "field", "effective_from"):
            page.select_option(f"#{name}", value)
        else:
            page.fill(f"#{name}", value)


def test_a_target_change_in_the_open_rebaselines_a_kpi_and_the_report_says_so(browser, site):
    from pypdf import PdfReader

    from beacon.domain.periods import Quarter
    from beacon.performance import models as pm
    from beacon.reports.models import PublishedFile
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    lead = Visitor(browser, site, {})
    lead.sign_in("lead")
    lead.go("/kpis/A1/")
    assert "No target or floor standard of this KPI has been changed" in lead.page.content()
    lead.click("a:has-text('Change target or floor')")
    assert lead.page.url.endswith("/kpis/A1/targets/change/")

    # a mistake: no reason, and a floor standard above the target
    _fill(lead.page, {"financial_year": "2022/23", "field": "floor", "new_value": "95",
                      "effective_from": "2022/23 Q2", "approved_by": "Cabinet", "approved_on": "01/11/2022"})
    lead.click("button:has-text('Change the target or floor')")
    summary = lead.page.locator(".govuk-error-summary").inner_text()
    assert "Reason: say why the target or floor standard changes" in summary
    assert "New value: floor standard (95) must be below target (90)" in summary
    assert not pm.TargetChange.objects.exists() and pm.KpiTarget.objects.filter(kpi__code="A1").count() == 1

    lead.page.click(".govuk-error-summary a[href='#reason']")
    _fill(lead.page, {"new_value": "70", "reason": "Cabinet lowered the floor standard after the restructure."})
    lead.click("button:has-text('Change the target or floor')")
    assert lead.page.url.endswith("/kpis/A1/#target-changes")
    history = lead.page.locator("table:has(caption:has-text('Each change of a target or floor standard'))").inner_text()
    assert "Floor standard, 2022/23" in history and "80%" in history and "70%" in history
    assert "From 2022/23 Q2" in history and "Cabinet lowered the floor standard" in history
    assert "Cabinet, 1 November 2022" in history
    # the page reflows at 320 px: the history scrolls in its own box, never the page
    lead.page.set_viewport_size({"width": 320, "height": 640})
    assert lead.page.evaluate("() => document.documentElement.scrollWidth") <= 320
    for box in ("Targets and floor standards by year", "Changes to targets and floor standards"):
        assert lead.page.locator(f"div.beacon-table-wrap[tabindex='0'][aria-label='{box}']").count() == 1
    lead.page.set_viewport_size({"width": 1280, "height": 800})

    q = Quarter.parse(PERIOD)
    allow = {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed}
    publish(q, "lead", allow)
    html = PublishedFile.objects.get(report__period=PERIOD, format="html").content.decode()
    assert WORDS in html
    assert "1 KPI was re-baselined: Percentage of calls answered (Red against the original floor standard of 80%)" in html
    pdf = PdfReader(io.BytesIO(PublishedFile.objects.get(report__period=PERIOD, format="pdf").content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert WORDS in text and "1 KPI was re-baselined" in text

    # the Word document says it too (it is written from the same HTML)
    from docx import Document

    doc = Document(io.BytesIO(PublishedFile.objects.get(report__period=PERIOD, format="docx").content))
    assert any(WORDS in p.text for p in doc.paragraphs)
