"""In headless Chromium: the public report page's open data links (CSV and Excel) answer with
the files, and the lead uploads a bundle, sees what it would change and confirms it. axe-core
checks every page visited."""

from __future__ import annotations


from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import PERIOD, SLUG

pytestmark = BROWSER_MARKS


def test_open_data_links_and_a_previewed_upload(browser, site, tmp_path):
    from beacon.domain.periods import Quarter
    from beacon.performance.models import Observation
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    q = Quarter.parse(PERIOD)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    checked: dict = {}

    # the public report page: the CSV and the workbook next to the JSON
    public = Visitor(browser, site, checked)
    public.go(f"/reports/{SLUG}/")
    for label, kind, start in (("Open data (CSV)", "text/csv", b"period,directorate"),
                               ("Open data (Excel workbook)", "spreadsheetml", b"PK")):
        href = public.page.locator(f"a:has-text('{label}')").get_attribute("href")
        response = public.page.request.get(site + href)
        assert response.ok and kind in response.headers["content-type"] and response.body().startswith(start)

    # the lead uploads a bundle, sees the preview (nothing written), confirms
    lead = Visitor(browser, site, checked)
    lead.sign_in("lead")
    lead.upload_bundle(tmp_path, {"observations.csv": "kpi,period,value\nA1,2022/23 Q2,77\n"})
    assert "A1 2022/23 Q2 value changed from 75 to 77" in lead.page.content()
    assert Observation.objects.get(kpi__code="A1", period=PERIOD).value == 75
    lead.page.fill("#reason", "figures re-sent by the service")
    lead.click("button:has-text('Import these changes')")
    assert "The data changed" in lead.page.content()
    assert Observation.objects.get(kpi__code="A1", period=PERIOD).value == 77
    assert all(not v for v in checked.values()), checked
