"""The audit view end to end (/audit/ and /audit/changes.csv): who may see it, the navigation
link, filtering by record and by person (exactly the right rows, from every history), the CSV file
(the same rows, read back with the csv module, formula text guarded), a bad date, paging."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from beacon.core import clock as beacon_clock
from beacon.core.audit import Change, record_revision
from beacon.core.models import Revision
from beacon.domain.periods import Quarter
from beacon.domain.risk import Rating
from beacon.performance import models as pm
from beacon.performance.services import ObservationEntry, record_observations
from beacon.returns.models import Return, ReturnEvent
from beacon.risk import lifecycle
from beacon.risk.models import RiskRating

from web_fixtures import submit_through_services

AUDIT = "/audit/"
CSV = "/audit/changes.csv"


@pytest.fixture
def history(users, data, risks, open_period):
    """Changes by several people through the services: the owner submits AA's return and the
    lead approves it (values recorded with history); the lead corrects A1 for Q2 with a reason that
    looks like a formula; the risk manager re-rates the first risk; an import changes B1."""
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    submit_through_services(ret, {"A1": "91", "A2": "8"}, "owner", approve_as="lead")
    now = beacon_clock.now()
    record_observations([ObservationEntry(data["a1"], Quarter.parse("2022/23 Q2"), Decimal("77"))],
                        Change("lead", now, reason="=HYPERLINK(\"http://evil.example\",\"x\")", source="web correction"))
    first, _ = risks
    lifecycle.rerate(first, Rating(3, 5), by="riskmanager", note="Training done")
    b1 = pm.Observation.objects.get(kpi__code="B1", period="2022/23 Q2")
    record_revision(Change("lead", now, reason="import", source="/tmp/upload-abc123/bundle (observations.csv)"), b1,
                    "observation", "B1 2022/23 Q2", "value", "96.5", "97")
    return {"ret": ret, "risk": first}


@pytest.mark.parametrize("role,status", [
    ("lead", 200), ("riskmanager", 200), ("admin", 200), ("owner", 403), ("riskowner", 403), ("reader", 403),
    ("norole", 403), (None, 302),
])
def test_who_may_see_the_audit_view(client_for, history, role, status):
    c = client_for(role)
    for url in (AUDIT, CSV):
        response = c.get(url)
        assert response.status_code == status, (role, url)
        if status == 302:
            assert "/sign-in/" in response["Location"]
    home = c.get("/")
    assert (b'href="/audit/"' in home.content) is (status == 200), role


def _rows(response):
    return [(r.history, r.by, r.kind, r.label, r.field, r.old, r.new) for r in response.context["page"].rows]


def test_filtering_by_object_gives_exactly_its_changes(client_for, history):
    c = client_for("lead")
    response = c.get(AUDIT, {"kind": "observation", "label": "a1"})
    assert response.status_code == 200
    expected = Revision.objects.filter(entity="observation", key__icontains="A1").order_by("-changed_at", "-pk")
    assert [r.pk for r in response.context["page"].rows] == [r.pk for r in expected]
    assert expected.count() >= 2  # the approval's value and the lead's correction
    html = response.content.decode()
    assert f"{expected.count()} changes match the filters" in html
    assert "<caption" in html and "Changes, newest first" in html
    assert 'href="/kpis/A1/"' in html  # the record's page
    # one record: the risk, through its "Changes to this record" link (its ratings and its revisions)
    risk = history["risk"]
    response = c.get(AUDIT, {"record": f"risk.risk:{risk.pk}"})
    rows = response.context["page"].rows
    ratings = RiskRating.objects.filter(risk=risk)
    revisions = Revision.objects.filter(entity="risk", object_id=risk.pk)
    assert len(rows) == ratings.count() + revisions.count()
    assert {r.label for r in rows} == {risk.risk_id}
    [rerated] = [r for r in rows if r.field == "current rating" and r.by == "riskmanager"]
    assert rerated.old == "High (20)" and rerated.new == "Medium (15) from 20 November 2026" and rerated.reason == "Training done"
    assert f"Showing only the changes to Risk {risk.risk_id}" in response.content.decode()


def test_filtering_by_person_gives_exactly_their_changes(client_for, history):
    c = client_for("riskmanager")
    response = c.get(AUDIT, {"person": "owner"})
    got = _rows(response)
    events = ReturnEvent.objects.filter(by="owner")
    assert len(got) == events.count() + Revision.objects.filter(changed_by="owner").count()
    assert {g[0] for g in got} == {"return"}
    assert {(g[4], g[6]) for g in got} >= {("status", "Submitted")}
    saved = [g for g in got if g[4] == "entries"]
    assert saved and "A1 value: 91" in saved[0][6]
    # the lead's changes: the approval's values, the correction, the import, the approval itself
    lead = _rows(c.get(AUDIT, {"person": "lead"}))
    assert all(g[1] == "lead" for g in lead)
    assert len(lead) == (Revision.objects.filter(changed_by="lead").count()
                         + ReturnEvent.objects.filter(by="lead").count())


def test_the_csv_file_has_the_rows_of_the_filter_and_guards_formulas(client_for, history):
    c = client_for("lead")
    for params in ({}, {"person": "lead"}, {"kind": "observation", "label": "A1"}, {"kind": "risk"}):
        page = c.get(AUDIT, {**params})
        response = c.get(CSV, params)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8")
        table = list(csv.DictReader(io.StringIO(text)))
        rows = page.context["page"].rows
        assert len(table) == page.context["page"].count == len(rows)  # fewer than a page here
        assert [(t["changed_by"], t["kind"], t["record"], t["field"]) for t in table] == \
               [(r.by, r.kind, r.label, r.field) for r in rows]
    table = list(csv.DictReader(io.StringIO(b"".join(c.get(CSV, {"person": "lead"}).streaming_content).decode())))
    reasons = [t["reason"] for t in table if t["reason"].lstrip("'").startswith("=")]
    assert reasons == ["'=HYPERLINK(\"http://evil.example\",\"x\")"]
    # the import's file, by name only (never the server's folders), on the page and in the file
    assert "bundle (observations.csv)" in {t["source"] for t in table}
    assert not any("/tmp/" in t["source"] for t in table)
    html = c.get(AUDIT, {"person": "lead"}).content.decode()
    assert "bundle (observations.csv)" in html and "upload-abc123" not in html
    # the page's download link carries the same filter
    assert 'href="/audit/changes.csv?person=lead"' in html


def test_a_bad_date_is_shown_in_the_error_summary(client_for, history):
    c = client_for("lead")
    response = c.get(AUDIT, {"date_from": "31/02/2023", "date_to": "1/1/2022"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'href="#filter-date_from"' in html
    assert "From: &#x27;31/02/2023&#x27; is not a date" in html
    assert c.get(CSV, {"date_from": "31/02/2023"}).status_code == 400
    response = c.get(AUDIT, {"date_from": "1/1/2027", "date_to": "1/1/2026"})
    assert "To: the date must be on or after the From date" in response.content.decode()
    # a good range: every change was made today (the web tests' calendar), none tomorrow
    today = beacon_clock.today()
    everything = c.get(AUDIT).context["page"].count
    assert c.get(AUDIT, {"date_from": today.strftime("%d/%m/%Y")}).context["page"].count == everything
    assert c.get(AUDIT, {"date_to": f"{today:%d %B %Y}"}).context["page"].count == everything
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert c.get(AUDIT, {"date_from": tomorrow}).context["page"].count == 0


def test_pages_link_older_and_newer_with_the_filter(client_for, history, monkeypatch):
    from beacon.core import audit_view

    monkeypatch.setattr(audit_view, "PAGE_SIZE", 3)
    c = client_for("lead")
    first = c.get(AUDIT, {"person": "lead"})
    total = first.context["page"].count
    seen = []
    url = None
    response = first
    while True:
        seen.extend(r.pk for r in response.context["page"].rows)
        url = response.context["older_url"]
        if not url:
            break
        assert url.startswith("?person=lead&after=")
        response = c.get(AUDIT + url)
        assert response.context["newer_url"].startswith("?person=lead&before=")
    assert total > 6 and len(seen) == len(set(seen)) == total


def test_values_of_exempt_items_are_withheld_from_those_who_may_not_see_them(client_for, users, data):
    import datetime as dt

    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm
    from beacon.domain import governance as g
    from beacon.governance import models as gm

    body = gm.Body.objects.create(code="CAB", name="Cabinet", kind=list(g.BodyKind)[0].value)
    meeting = gm.Meeting.objects.create(key="CAB-2026-11-01", body=body, date=dt.date(2026, 11, 1))
    papers = {}
    for number, section in ((5, g.Section.UNRESTRICTED), (9, g.Section.EXEMPT)):
        paper = gm.Paper.objects.create(key=f"CAB-2026-11-01-{number}", meeting=meeting, item=number, subject=f"Item {number}")
        gm.AgendaItem.objects.create(meeting=meeting, number=number, title=f"Item {number}", section=section,
                                     category=list(g.ItemCategory)[0].value, paper=paper)
        record_revision(Change("clerk", beacon_clock.now()), paper, "paper", paper.key, "summary", "", f"Secret {number}")
        papers[number] = paper
    for role, withheld in (("lead", True), ("admin", True)):
        html = client_for(role).get(AUDIT, {"kind": "paper"}).content.decode()
        assert "Secret 5" in html and ("Secret 9" not in html) is withheld and "withheld: an exempt item" in html
        text = b"".join(client_for(role).get(CSV, {"kind": "paper"}).streaming_content).decode()
        assert "Secret 5" in text and "Secret 9" not in text
    users["lead"].groups.add(Group.objects.get(name=perm.CLERK))  # a lead who is also the clerk sees it
    assert "Secret 9" in client_for("lead").get(AUDIT, {"kind": "paper"}).content.decode()


def test_every_linked_kind_of_record_is_a_model(db):
    from django.apps import apps

    from beacon.web.views.audit import LINKS

    for model in LINKS:
        assert apps.get_model(model)._meta.label_lower == model
