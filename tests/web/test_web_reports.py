"""Reports in the browser: the lead builds, previews and publishes; everyone, signed in or not,
reads published editions and their open data; readers compare them with the current data."""

import json

from beacon.domain.periods import Quarter
from beacon.performance import models as pm
from beacon.web.services.reports import draft_checks
from beacon.reports.models import PublishedReport

from web_fixtures import SLUG


def test_publish_then_the_public_sees_it(client_for):
    lead, public, reader = client_for("lead"), client_for(None), client_for("reader")
    assert public.get(f"/reports/{SLUG}/").status_code == 404
    assert public.get(f"/reports/{SLUG}/qpr.json").status_code == 404
    assert "Build the QPR for Quarter 2, 2022/23" in lead.get("/reports/").content.decode()
    preview = lead.get(f"/reports/{SLUG}/preview.json")
    assert preview.status_code == 200 and json.loads(preview.content)["period"]["label"] == "2022/23 Q2"
    html = lead.get(f"/reports/{SLUG}/preview.html")
    assert html.status_code == 200 and html["Content-Security-Policy"].startswith("sandbox")

    build = lead.get(f"/reports/{SLUG}/build/").content.decode()
    assert "Consistency checks" in build
    response = lead.post(f"/reports/{SLUG}/build/", {})
    if response.status_code == 400:  # a failed check must be accepted with a reason
        checks = draft_checks(Quarter.parse(SLUG))
        allow = {f"allow-{c.id}": "accepted for the test" for c in checks if not c.passed}
        response = lead.post(f"/reports/{SLUG}/build/", allow)
    # publishing runs in the background: the lead is sent to the job's page, then to the report
    assert response.status_code == 303 and response["Location"].startswith("/jobs/")
    from beacon.core import jobs

    jobs.run_queued()
    assert f'href="/reports/{SLUG}/"' in lead.get(response["Location"]).content.decode()
    assert PublishedReport.objects.filter(period="2022/23 Q2").exists()

    page = public.get("/reports/").content.decode()
    assert "Quarter 2, 2022/23" in page
    detail = public.get(f"/reports/{SLUG}/").content.decode()
    assert "Open data (JSON)" in detail and "Changes since publication" not in detail
    data = json.loads(public.get(f"/reports/{SLUG}/qpr.json").content)
    assert data["totals"]["kpis"] == 3
    assert public.get(f"/reports/{SLUG}/qpr.pdf").content[:4] == b"%PDF"
    assert public.get(f"/reports/{SLUG}/qpr.docx").status_code == 200
    # anonymous users still cannot see the dashboards
    assert public.get(f"/performance/{SLUG}/").status_code == 302

    # a later change leaves the edition as it was and shows up in the comparison
    obs = pm.Observation.objects.get(kpi__code="A1", period="2022/23 Q2")
    obs.value = 95
    obs.save()
    detail = reader.get(f"/reports/{SLUG}/").content.decode()
    assert "Changes since publication" in detail and "A1" in detail
    assert json.loads(public.get(f"/reports/{SLUG}/qpr.json").content)["totals"] == data["totals"]
    # publishing again is refused: the build page sends the lead to the published edition
    assert lead.get(f"/reports/{SLUG}/build/").status_code == 302


def test_only_the_lead_builds_and_previews(client_for):
    for role in ("reader", "owner", "riskmanager", "riskowner", "norole"):
        c = client_for(role)
        assert c.get(f"/reports/{SLUG}/build/").status_code == 403
        assert c.get(f"/reports/{SLUG}/preview.html").status_code == 403
        assert c.post(f"/reports/{SLUG}/build/", {}).status_code == 403
    assert client_for(None).get(f"/reports/{SLUG}/preview.html").status_code == 302
    assert not PublishedReport.objects.exists()


def test_compare_two_published_reports(client_for, users):
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    public = client_for(None)
    assert "Two published reports are needed" in public.get("/reports/compare/").content.decode()
    for label in ("2022/23 Q1", "2022/23 Q2"):
        q = Quarter.parse(label)
        allow = {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed}
        publish(q, "lead", allow)
    body = public.get("/reports/compare/").content.decode()
    assert "Quarter 1, 2022/23" in body and "Quarter 2, 2022/23" in body and "% of calls answered" in body
    assert "changed rating or direction of travel" in body
    body = public.get("/reports/compare/?a=2022-23-Q2&b=2022-23-Q1").content.decode()
    assert body.index('value="2022-23-Q2" selected') < body.index('id="b"')
    # every count column, so each report's counts add up to its KPIs
    assert ">Not rated</th>" in body and ">Not available</th>" in body
    # an edition that is not published is an error at its field, never silently replaced
    bad = public.get("/reports/compare/?a=2022-23-Q9&b=2022-23-Q1")
    assert bad.status_code == 400
    text = bad.content.decode()
    assert '<a href="#a">Earlier report: &#x27;2022-23-Q9&#x27; is not one of the choices' in text
    assert "<title>Error: " in text and "changed rating or direction of travel" not in text
