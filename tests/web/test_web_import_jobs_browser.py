"""In headless Chromium: a bundle larger than ``BEACON_IMPORT_INLINE_BYTES`` is previewed and
imported by background jobs; the lead follows the job pages to the preview, confirms, and reaches
the data page showing the import. axe-core checks every page visited (the job pages included)."""

from __future__ import annotations

import re

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import PERIOD

pytestmark = BROWSER_MARKS


def test_a_large_upload_goes_through_the_job_pages(browser, site, tmp_path, settings):
    from beacon.core import jobs
    from beacon.performance.models import Observation

    settings.BEACON_IMPORT_INLINE_BYTES = 0
    checked: dict = {}
    lead = Visitor(browser, site, checked)
    lead.sign_in("lead")
    lead.upload_bundle(tmp_path, {"observations.csv": "kpi,period,value\nA1,2022/23 Q2,77\n"})
    assert re.search(r"/jobs/[0-9a-f-]{36}/$", lead.page.url), lead.page.url
    assert "Check what bundle.zip would change" in lead.page.content()
    job_page = lead.page.url[len(site):]

    jobs.run_queued()  # the worker
    lead.go(job_page)
    assert "Done" in lead.page.content()
    lead.click("#job-result-link")
    assert "A1 2022/23 Q2 value changed from 75 to 77" in lead.page.content()
    lead.page.fill("#reason", "figures re-sent by the service")
    lead.click("button:has-text('Import these changes')")
    assert "Import bundle.zip" in lead.page.content()
    assert Observation.objects.get(kpi__code="A1", period=PERIOD).value == 75

    jobs.run_queued()
    lead.go(lead.page.url[len(site):])
    assert "bundle.zip is imported" in lead.page.content()
    lead.click("#job-result-link")
    assert "Imported" in lead.page.content()
    assert Observation.objects.get(kpi__code="A1", period=PERIOD).value == 77
    assert all(not v for v in checked.values()), checked
