"""The web publish refuses while a published count differs, like `beacon publish`: the build page
lists the reconciliation (check 6.3) with the failed checks, and it is accepted with a reason."""

from beacon.domain.periods import Quarter
from beacon.performance import models as pm
from beacon.reports.models import PublishedReport
from beacon.web.services.reports import draft_checks

from web_fixtures import PERIOD, SLUG


def test_a_differing_published_total_needs_a_reason_on_the_build_page(client_for):
    # computed: A1 RED, A2 GREEN, B1 GREEN; the council's printed TOTAL row says 3 Green
    pm.PublishedCounts.objects.create(period=PERIOD, directorate=None, green=3, amber=0, red=0)
    lead = client_for("lead")
    checks = {c.id: c for c in draft_checks(Quarter.parse(SLUG))}
    assert checks["6.3"].failures == ("TOTAL: green 2 computed, 3 published, red 1 computed, 0 published "
                                      "(published_counts.csv)",)
    build = lead.get(f"/reports/{SLUG}/build/").content.decode()
    assert 'name="allow-6.3"' in build
    others = {f"allow-{c.id}": "accepted for the test" for c in checks.values() if not c.passed and c.id != "6.3"}
    response = lead.post(f"/reports/{SLUG}/build/", others)
    assert response.status_code == 400 and "6.3 Computed ratings and counts agree with those published" in response.content.decode()
    assert not PublishedReport.objects.exists()
    response = lead.post(f"/reports/{SLUG}/build/", {**others, "allow-6.3": "the printed TOTAL row was mis-added"})
    assert response.status_code == 303  # to the job's page
    from beacon.core import jobs

    jobs.run_queued()
    accepted = {c["id"]: c["reason"] for c in PublishedReport.objects.get(period=PERIOD).overridden_checks}
    assert accepted["6.3"] == "the printed TOTAL row was mis-added"
