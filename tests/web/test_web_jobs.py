"""Publishing in the browser returns at once: the lead is sent to the job's page, which waits,
refreshes itself (without JavaScript) and, once a worker has run the job, links the published
report; a failure the form could not foresee comes back on the job's page with its lines; only
the person who started a job and people allowed to do what it does see it."""

from __future__ import annotations

import uuid

import pytest

from beacon.core import jobs
from beacon.domain.periods import Quarter
from beacon.performance import models as pm
from beacon.reports.jobs import DISPATCH_PACK, PUBLISH_QPR
from beacon.reports.models import PublishedReport
from beacon.web.services.reports import draft_checks

from web_fixtures import PERIOD, SLUG

REFRESH = '<meta http-equiv="refresh" content="2">'


def _allow() -> dict:
    return {f"allow-{c.id}": "accepted for the test" for c in draft_checks(Quarter.parse(SLUG)) if not c.passed}


def test_publishing_returns_at_once_and_the_job_page_follows_the_job(client_for):
    lead = client_for("lead")
    response = lead.post(f"/reports/{SLUG}/build/", _allow())
    assert response.status_code == 303
    page_url = response["Location"]
    assert page_url.startswith("/jobs/")
    assert not PublishedReport.objects.exists()  # nothing is published inside the request

    waiting = lead.get(page_url)
    body = waiting.content.decode()
    assert waiting.status_code == 200 and waiting["Cache-Control"] == "no-store"
    assert "<h1 class=\"govuk-heading-l\">Publish the QPR for 2022/23 Q2</h1>" in body
    assert "Waiting to start" in body and REFRESH in body
    assert '<progress id="job-progress"' in body and 'role="status"' in body
    assert 'hx-trigger="every 2s"' in body  # with JavaScript, htmx polls instead of reloading
    assert "/reports/2022-23-Q2/\"" not in body

    # a second press of the button while it waits goes to the same job
    assert lead.post(f"/reports/{SLUG}/build/", _allow())["Location"] == page_url

    assert jobs.run_queued() == 1
    done = lead.get(page_url).content.decode()
    assert PublishedReport.objects.filter(period=PERIOD).count() == 1
    assert REFRESH not in done and "hx-trigger" not in done
    assert "Done" in done and "The QPR for Quarter 2, 2022/23 is published." in done
    assert f'href="/reports/{SLUG}/"' in done
    view = jobs.get(page_url.split("/")[2])
    assert view.done == view.total and view.total >= 5
    assert f'max="{view.total}" value="{view.total}"' in done
    assert f"{view.total} of {view.total} steps" in done

    # htmx's last poll of a finished job is answered 286, which stops the polling
    polled = lead.get(page_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 286 and "/reports/2022-23-Q2/" in polled.content.decode()


def test_refusals_the_form_can_foresee_are_shown_on_the_form_and_nothing_is_started(client_for):
    # the council's printed TOTAL row differs: check 6.3 fails, and is not accepted
    allow = _allow()
    pm.PublishedCounts.objects.create(period=PERIOD, directorate=None, green=3, amber=0, red=0)
    lead = client_for("lead")
    response = lead.post(f"/reports/{SLUG}/build/", allow)
    body = response.content.decode()
    assert response.status_code == 400 and "cannot be published" in body and "TOTAL: green 2 computed" in body
    assert not jobs.recent()


def test_a_failure_found_by_the_job_is_shown_with_its_lines(client_for):
    lead = client_for("lead")
    response = lead.post(f"/reports/{SLUG}/build/", _allow())
    assert response.status_code == 303
    # after the form was accepted, the council's printed TOTAL row is recorded: check 6.3 now fails
    pm.PublishedCounts.objects.create(period=PERIOD, directorate=None, green=3, amber=0, red=0)
    jobs.run_queued()
    page = lead.get(response["Location"]).content.decode()
    assert "Failed" in page and REFRESH not in page
    assert "It failed: 2022/23 Q2 cannot be published: figures differ from those the council published (6.3)" in page
    assert ("<li>6.3 Computed ratings and counts agree with those published: TOTAL: green 2 computed, 3 published, "
            "red 1 computed, 0 published (published_counts.csv)</li>") in page
    assert not PublishedReport.objects.exists()


def test_who_may_see_a_job(client_for, users):
    started = jobs.start(PUBLISH_QPR, by="lead", period=PERIOD, user="lead", allow={})
    url = f"/jobs/{started.id}/"
    assert client_for("lead").get(url).status_code == 200
    for role in ("reader", "owner", "riskmanager", "norole"):
        assert client_for(role).get(url).status_code == 403, role
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert client_for("lead").get(f"/jobs/{uuid.uuid4()}/").status_code == 404
    assert client_for("lead").get("/jobs/not-a-job/").status_code == 404

    # a job of another kind: its permission (managing meetings) is not the lead's; its starter sees it
    dispatch = jobs.start(DISPATCH_PACK, by="reader", meeting="NOPE", user="reader")
    assert client_for("lead").get(f"/jobs/{dispatch.id}/").status_code == 403
    assert client_for("reader").get(f"/jobs/{dispatch.id}/").status_code == 200


@pytest.mark.parametrize("role, allowed", [("lead", True), ("reader", False)])
def test_another_person_with_the_permission_sees_the_job(client_for, users, role, allowed):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm

    second = get_user_model().objects.create_user("second", password="x")
    second.groups.add(Group.objects.get(name=perm.LEAD if allowed else perm.READER))
    started = jobs.start(PUBLISH_QPR, by=role, period=PERIOD, user=role, allow={})
    from django.test import Client

    c = Client()
    c.force_login(second)
    assert c.get(f"/jobs/{started.id}/").status_code == (200 if allowed else 403)


def test_a_frozen_register_edition_has_its_documents_rendered_in_the_background(client_for, risks, monkeypatch):
    from beacon.reports.formats import REGISTER
    from beacon.risk.models import Edition, EditionFile

    c = client_for("riskmanager")
    response = c.post("/risks/editions/", {"body": "Cabinet", "date": "2026-11-20"})
    assert response.status_code == 302  # freezing is quick: the edition's page, as before
    e = Edition.objects.get()
    assert not EditionFile.objects.exists()
    (queued,) = jobs.recent()
    assert queued.title == f"Write the documents of register edition {e.pk}" and queued.created_by == "riskmanager"
    jobs.run_queued()
    assert jobs.get(queued.id).result.url == f"/risks/editions/{e.pk}/"
    assert set(EditionFile.objects.filter(edition=e).values_list("format", flat=True)) == set(REGISTER.names)

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr("beacon.reports.render.html_to_pdf", no_rendering)
    download = c.get(f"/risks/editions/{e.pk}/register.pdf")
    assert download.status_code == 200 and download.content[:4] == b"%PDF"
