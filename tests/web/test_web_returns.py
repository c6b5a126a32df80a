"""The quarterly return journey at the view level: open, enter, validate, submit, return with a
comment, fix, approve; approved values become provisional observations with revisions; closing
the year makes them final; late returns show; history is visible."""

import datetime as dt

from beacon.core.models import Revision
from beacon.performance import models as pm
from beacon.returns.models import Return, ReturnEvent, ReturnPeriod

from web_fixtures import NEXT, NEXT_SLUG
from beacon.core import clock as beacon_clock

URL = f"/returns/{NEXT_SLUG}/AA/"


def test_lead_opens_a_period_with_validation(client_for, users):
    lead = client_for("lead")
    response = lead.post("/returns/", {"period": "2022/23 Q9", "due_date": "soon"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Due date: &#x27;soon&#x27; is not a date" in body
    response = lead.post("/returns/", {"period": "2022/23 Q9", "due_date": "2023-01-15"})
    assert response.status_code == 400 and "Period:" in response.content.decode()
    response = lead.post("/returns/", {"period": NEXT, "due_date": "2023-01-15"})
    assert response.status_code == 302 and response["Location"] == f"/returns/{NEXT_SLUG}/"
    rp = ReturnPeriod.objects.get(period=NEXT)
    assert sorted(rp.returns.values_list("directorate__code", flat=True)) == ["AA", "BB"]
    assert lead.post("/returns/", {"period": NEXT, "due_date": "2023-01-15"}).status_code == 400  # already open


def test_owner_sees_last_values_target_and_floor(client_for, open_period):
    body = client_for("owner").get(URL).content.decode()
    assert "Percentage of calls answered" in body and "Calls received" in body
    assert "Last value: 75% (2022/23 Q2)" in body
    assert "Target: 90%" in body and "Floor standard: 80%" in body


def test_the_whole_journey(client_for, open_period):
    owner, lead = client_for("owner"), client_for("lead")
    # validation names the field and the reason; nothing is saved
    response = owner.post(URL, {"action": "save", "kpi-A1-value": "ninety", "kpi-A2-value": "-3"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "A1 value: &#x27;ninety&#x27; is not a number" in body
    assert "A2 value: &#x27;-3&#x27; must not be negative" in body
    assert 'href="#kpi-A1-value"' in body
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    assert not ret.lines.exists() and ret.status == Return.NOT_STARTED
    assert owner.post(URL, {"action": "save", "kpi-A1-value": "150"}).status_code == 400  # a percentage over 100

    # a draft, then submitting without every value names the missing one
    assert owner.post(URL, {"action": "save", "kpi-A1-value": "91", "commentary": "A good quarter."}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == Return.DRAFT and ret.commentary == "A good quarter."
    response = owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "commentary": "A good quarter."})
    assert response.status_code == 400 and "A2 value: enter a value" in response.content.decode()
    response = owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "kpi-A2-value": "12", "indicator-AI1-value": "1300",
                                "kpi-A1-commentary": "Staffing improved.", "commentary": "A good quarter."})
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == Return.SUBMITTED and ret.submitted_by == "owner"

    # the lead must give a reason to send it back
    response = lead.post(URL, {"action": "send_back", "comment": ""})
    assert response.status_code == 400 and "Comment: say what needs to change" in response.content.decode()
    assert lead.post(URL, {"action": "send_back", "comment": "A2 looks too high: please check."}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == Return.RETURNED
    body = owner.get(URL).content.decode()
    assert "A2 looks too high: please check." in body

    # the owner fixes it and resubmits
    response = owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "kpi-A2-value": "8", "indicator-AI1-value": "1300",
                                "kpi-A1-commentary": "Staffing improved.", "commentary": "A good quarter."})
    assert response.status_code == 302
    assert not pm.Observation.objects.filter(period=NEXT).exists()

    # the lead approves: values become provisional observations, with revisions
    assert lead.post(URL, {"action": "approve", "comment": "Thanks"}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == Return.APPROVED
    a1 = pm.Observation.objects.get(kpi__code="A1", period=NEXT)
    assert a1.value == 91 and a1.status == "provisional"
    assert pm.Observation.objects.get(kpi__code="A2", period=NEXT).value == 8
    assert pm.ActivityObservation.objects.get(indicator__code="AI1", period=NEXT).value == 1300
    assert pm.Commentary.objects.get(period=NEXT, kpi__code="A1").text == "Staffing improved."
    assert pm.Commentary.objects.get(period=NEXT, directorate__code="AA", kpi__isnull=True).text == "A good quarter."
    revision = Revision.objects.get(entity="observation", key=f"A1 {NEXT}", field="value")
    assert revision.new_value == "91" and revision.changed_by == "lead" and "web return" in revision.source

    # an approved return can no longer be changed
    assert owner.post(URL, {"action": "save", "kpi-A1-value": "10"}).status_code == 400

    # history: every step is recorded and shown
    actions = list(ReturnEvent.objects.filter(ret=ret).values_list("action", flat=True))
    assert actions == ["opened", "saved", "saved", "submitted", "returned", "saved", "submitted", "approved"]
    body = owner.get(URL).content.decode()
    assert "A2 value: 12 → 8" in body
    kpi_page = lead.get("/kpis/A1/").content.decode()
    assert NEXT in kpi_page and "Staffing improved." in kpi_page

    # the new quarter is on the dashboards
    response = lead.get(f"/performance/{NEXT_SLUG}/")
    assert response.status_code == 200

    # closing the year makes the data final, with a revision
    assert lead.post("/returns/close-year/", {"financial_year": "2022/23", "confirm": "1"}).status_code == 302
    a1.refresh_from_db()
    # BB has not been approved, so the year cannot close yet
    assert a1.status == "provisional"
    bb = Return.objects.get(period=open_period, directorate__code="BB")
    owner_b = client_for("owner_b")
    assert owner_b.post(f"/returns/{NEXT_SLUG}/BB/", {"action": "submit", "kpi-B1-value": "97.2"}).status_code == 302
    assert lead.post(f"/returns/{NEXT_SLUG}/BB/", {"action": "approve"}).status_code == 302
    bb.refresh_from_db()
    assert bb.status == Return.APPROVED
    assert lead.post("/returns/close-year/", {"financial_year": "2022/23", "confirm": "1"}).status_code == 302
    a1.refresh_from_db()
    assert a1.status == "final"
    assert Revision.objects.filter(key=f"A1 {NEXT}", field="status", new_value="final").exists()
    # a closed year cannot be reopened for returns
    assert lead.post("/returns/", {"period": "2022/23 Q4", "due_date": "2023-04-30"}).status_code == 400


def test_late_and_missing_returns_show_at_a_glance(client_for, open_period):
    open_period.due_date = beacon_clock.today() - dt.timedelta(days=1)
    open_period.save()
    body = client_for("lead").get(f"/returns/{NEXT_SLUG}/").content.decode()
    assert body.count("Late: nothing entered") == 2
    body = client_for("owner").get("/returns/").content.decode()
    assert "Late" in body and "Alpha Services" in body and "Beta Services" not in body


def test_commentary_is_escaped(client_for, open_period):
    owner, lead = client_for("owner"), client_for("lead")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "kpi-A2-value": "8", "kpi-A1-commentary": evil, "commentary": evil})
    lead.post(URL, {"action": "approve"})
    for url in ("/kpis/A1/", URL, f"/performance/{NEXT_SLUG}/directorates/AA/"):
        body = lead.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body, url


def test_kpi_page_shows_the_report_chart(client_for):
    body = client_for("reader").get("/kpis/A1/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "Percentage of calls answered" in body


def test_activity_page_shows_the_report_chart(client_for):
    body = client_for("reader").get("/activity/AI1/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in body and "1,200" in body


def test_home_page_lists_what_needs_doing(client_for, open_period):
    owner, lead = client_for("owner"), client_for("lead")
    body = owner.get("/").content.decode()
    assert "Your returns to complete" in body and "Alpha Services, 2022/23 Q3" in body and "Beta Services" not in body
    owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "kpi-A2-value": "8"})
    assert "Your returns to complete" not in owner.get("/").content.decode()
    body = lead.get("/").content.decode()
    assert "1 return to review" in body and "Alpha Services, 2022/23 Q3" in body
