"""The quarterly return keeps every value (issue 10): a return opened on a quarter that holds
data starts from it (a correction return; a published quarter only when confirmed); a blank
never removes a held value without 'Remove this value' and a reason; two people saving the same
return merge or are refused, never silently lose a change (pages and API); a return submitted
late stays late; commentary and revisions name who entered them and who approved them; a
reader never sees a server path in a history; the lead can reopen an approved return."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from beacon.core import audit
from beacon.core import clock as beacon_clock
from beacon.core.models import Revision
from beacon.core.stale import StaleEdit
from beacon.domain.lateness import is_late
from beacon.domain.periods import Quarter, period_sort
from beacon.domain.sources import source_shown
from beacon.performance import models as pm
from beacon.returns import queries, services
from beacon.returns.commands import (
    ApproveReturn,
    LineEntry,
    MonthValue,
    OpenPeriod,
    ReturnError,
    SaveReturn,
    SubmitReturn,
)
from beacon.returns.entries import LineKind
from beacon.returns.models import ReturnLine, Return, ReturnEvent

from web_fixtures import NEXT, NEXT_SLUG, PERIOD, SLUG

KPI = LineKind.KPI
Q2_URL = f"/returns/{SLUG}/AA/"
URL = f"/returns/{NEXT_SLUG}/AA/"


def _open_q2(users, **kwargs):
    return services.open_period(OpenPeriod(Quarter.parse(PERIOD), beacon_clock.today() + dt.timedelta(days=30),
                                           users["lead"].username, **kwargs))


def _publish(period: str = PERIOD):
    from beacon.reports.models import PublishedReport

    return PublishedReport.objects.create(period=period, published_at=beacon_clock.now(), published_by="lead",
                                          rule_set={}, model={}, data={}, data_checksum="x")


def _field(body: str, name: str) -> str:
    """The value a text input or text area of the page holds."""
    found = re.search(rf'id="{name}" name="{name}" type="[a-z]+"[^>]* value="([^"]*)"', body)
    if found:
        return found.group(1)
    found = re.search(rf'<textarea[^>]* id="{name}" name="{name}"[^>]*>([^<]*)</textarea>', body)
    assert found, f"no field {name}"
    return found.group(1)


def _opened(body: str) -> str:
    return re.search(r'name="opened" value="([^"]*)"', body).group(1)


# --- 1. a correction return -------------------------------------------------------------------
def test_a_return_on_a_quarter_that_holds_data_starts_from_it(client_for, users, data):
    lead = client_for("lead")
    assert lead.post("/returns/", {"period": PERIOD, "due_date": "2026-12-15"}).status_code == 302
    body = client_for("owner").get(Q2_URL).content.decode()
    assert _field(body, "kpi-A1-value") == "75" and _field(body, "kpi-A2-value") == "9"
    assert _field(body, "indicator-AI1-value") == "1200"
    assert _field(body, "commentary") == "Calls rose over the summer."
    assert 'id="kpi-A1-remove"' in body  # a held value can be removed only by saying so
    ret = Return.objects.get(period__period=PERIOD, directorate__code="AA")
    assert ret.lines.get(kpi__code="A1").value == 75 and ret.commentary_by == "A. Owner"
    assert ReturnEvent.objects.get(ret=ret).comment == f"Started from the values held for {PERIOD}"


def test_a_monthly_kpi_starts_from_its_months(users, data):
    a3 = pm.Kpi.objects.create(code="A3", name="Calls a month", short_name="Calls", directorate=data["aa"],
                               unit="percent", polarity="higher", decimals=0, display_order=3, frequency="monthly")
    pm.KpiTarget.objects.create(kpi=a3, financial_year="2022/23", target=Decimal(90), floor=Decimal(80))
    for month, value in (("2022-07", 91), ("2022-09", 93)):
        pm.Observation.objects.create(kpi=a3, period=month, period_sort=int(month[:4]) * 12 + int(month[5:]),
                                      value=Decimal(value), note="Estimated")
    ret = _open_q2(users).returns.get(directorate__code="AA")
    line = ret.lines.get(kpi__code="A3")
    assert line.month_values == {"2022-07": "91", "2022-09": "93"} and line.note == "Estimated"
    # a held month left blank is refused, naming the month
    july, august, september = Quarter.parse(PERIOD).months
    months = (MonthValue(july, None), MonthValue(august, Decimal(92)), MonthValue(september, Decimal(93)))
    with pytest.raises(ReturnError) as caught:
        services.save_return(SaveReturn(ret.pk, (LineEntry(KPI, "A3", months=months, note="Estimated"),), None, "owner"))
    assert caught.value.field_errors == {"kpi-A3-2022-07": (
        "A3 July 2022 value: 91 is held for this quarter; to remove it tick 'Remove this value' and give a reason")}


def test_opening_a_published_quarter_needs_a_confirmation(client_for, users, data):
    _publish()
    lead = client_for("lead")
    response = lead.post("/returns/", {"period": PERIOD, "due_date": "2026-12-15"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "2022/23 Q2 is published: a return will correct published figures" in body
    assert 'href="#confirm"' in body and 'id="confirm"' in body
    assert not Return.objects.filter(period__period=PERIOD).exists()
    response = lead.post("/returns/", {"period": PERIOD, "due_date": "2026-12-15", "confirm": "1"})
    assert response.status_code == 302
    assert "corrects published figures" in ReturnEvent.objects.filter(ret__period__period=PERIOD).first().comment


def test_a_blank_never_removes_a_held_value(client_for, users, data):
    """The issue's case: a blank value with a data note, approved, turned published values into
    blanks (Not rated). Now the blank is refused, naming the field and what is held."""
    _open_q2(users)
    owner, lead = client_for("owner"), client_for("lead")
    post = {"action": "submit", "kpi-A1-value": "", "kpi-A1-note": "Figures late from the supplier",
            "kpi-A2-value": "9", "indicator-AI1-value": "1200", "commentary": "Calls rose over the summer."}
    response = owner.post(Q2_URL, post)
    body = response.content.decode()
    assert response.status_code == 400
    assert ("A1 value: 75 is held for this quarter; to remove it tick &#x27;Remove this value&#x27; and give a reason"
            in body)
    assert 'href="#kpi-A1-value"' in body
    # a blanked data note or commentary is refused the same way
    response = owner.post(Q2_URL, {**post, "kpi-A1-value": "75", "commentary": ""})
    assert response.status_code == 400
    assert "Directorate commentary: “Calls rose over the summer.” is held for this quarter" in response.content.decode()
    # ticking without a reason is refused too
    response = owner.post(Q2_URL, {**post, "kpi-A1-remove": "1"})
    assert response.status_code == 400 and "A1 reason for removing: give the reason" in response.content.decode()
    lead.post(Q2_URL, {"action": "approve"})  # nothing was submitted
    assert pm.Observation.objects.get(kpi__code="A1", period=PERIOD).value == 75

    # with the tick and a reason the value is removed on approval, the reason in its revision
    post.update({"kpi-A1-remove": "1", "kpi-A1-remove_reason": "The survey was withdrawn"})
    assert owner.post(Q2_URL, post).status_code == 302
    assert lead.post(Q2_URL, {"action": "approve"}).status_code == 302
    # an observation is a value or a rating set by hand (import format): with neither, it goes,
    # and its history keeps what it held; the note saying why stays with the return
    assert not pm.Observation.objects.filter(kpi__code="A1", period=PERIOD).exists()
    assert "Figures late from the supplier" in [line.note for line in ReturnLine.objects.filter(kpi__code="A1")]
    revision = Revision.objects.get(entity="observation", key=f"A1 {PERIOD}", field="value")
    assert (revision.old_value, revision.new_value) == ("75", "")
    assert "The survey was withdrawn" in revision.reason
    # the other values are as they were: nothing else changed
    assert pm.Observation.objects.get(kpi__code="A2", period=PERIOD).value == 9
    assert not Revision.objects.filter(key=f"A2 {PERIOD}").exists()
    assert pm.Commentary.objects.get(period=PERIOD, directorate__code="AA", kpi=None).text == "Calls rose over the summer."


def test_held_commentary_is_removed_only_with_a_reason(client_for, users, data):
    _open_q2(users)
    owner, lead = client_for("owner"), client_for("lead")
    post = {"action": "submit", "kpi-A1-value": "75", "kpi-A2-value": "9", "indicator-AI1-value": "1200",
            "commentary": "", "remove_commentary": "1"}
    response = owner.post(Q2_URL, post)
    assert response.status_code == 400
    assert "Reason for removing the directorate commentary: give the reason" in response.content.decode()
    assert owner.post(Q2_URL, {**post, "remove_commentary_reason": "Written for another quarter"}).status_code == 302
    assert lead.post(Q2_URL, {"action": "approve"}).status_code == 302
    assert not pm.Commentary.objects.filter(period=PERIOD, directorate__code="AA", kpi=None).exists()
    revision = Revision.objects.get(entity="commentary", key=f"{PERIOD} AA", field="text")
    assert (revision.old_value, revision.new_value) == ("Calls rose over the summer.", "")
    assert "Written for another quarter" in revision.reason


def test_approval_keeps_a_value_held_since_the_return_was_saved(users, data):
    """A value recorded for the quarter after the return was saved (an import) is not blanked by
    the return's empty line."""
    ret = services.open_period(OpenPeriod(Quarter.parse(NEXT), beacon_clock.today(), "lead")).returns.get(
        directorate__code="AA")
    services.save_return(SaveReturn(ret.pk, (LineEntry(KPI, "A1", Decimal(91)),
                                             LineEntry(KPI, "A2", None, note="Not collected")), "", "owner"))
    services.submit_return(SubmitReturn(ret.pk, "owner"))
    pm.Observation.objects.create(kpi=data["a2"], period=NEXT, period_sort=period_sort(Quarter.parse(NEXT)),
                                  value=Decimal(7), note="From the import")
    services.approve_return(ApproveReturn(ret.pk, "", "lead"))
    a2 = pm.Observation.objects.get(kpi__code="A2", period=NEXT)
    assert a2.value == 7 and a2.note == "Not collected"


# --- 2. lost updates ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_saves_from_the_same_view_merge_or_are_refused(users, data, open_period):
    ret = open_period.returns.get(directorate__code="AA")
    opened, _ = queries.return_fields(ret)
    services.save_return(SaveReturn(ret.pk, (LineEntry(KPI, "A1", Decimal(91), commentary="Staffing improved."),
                                             LineEntry(KPI, "A2", None)), "A good quarter.", "owner", opened=opened))
    # the older view saves a change to another field: merged, the first save's values kept
    changes = services.save_return(SaveReturn(
        ret.pk, (LineEntry(KPI, "A1", None), LineEntry(KPI, "A2", Decimal(12))), "", "lead", opened=opened))
    assert changes == [{"field": "A2 value", "old": "", "new": "12"}]
    ret.refresh_from_db()
    a1 = ret.lines.get(kpi__code="A1")
    assert a1.value == 91 and a1.commentary == "Staffing improved." and ret.commentary == "A good quarter."
    assert ret.lines.get(kpi__code="A2").value == 12
    # the older view changes a field the first save changed too: refused, nothing saved
    with pytest.raises(StaleEdit) as caught:
        services.save_return(SaveReturn(
            ret.pk, (LineEntry(KPI, "A1", Decimal(50)), LineEntry(KPI, "A2", Decimal(12))), "", "lead", opened=opened))
    assert caught.value.field_errors == {
        "kpi-A1-value": "A1 value was blank when you opened the form and is now 91; you entered 50"}
    assert ret.lines.get(kpi__code="A2").value == 12


def test_a_stale_page_is_refused_naming_the_field(client_for, open_period):
    owner, other = client_for("owner"), client_for("owner")
    first, second = owner.get(URL).content.decode(), other.get(URL).content.decode()
    assert owner.post(URL, {"action": "save", "opened": _opened(first), "kpi-A1-value": "91",
                            "commentary": "A good quarter."}).status_code == 302
    # the older page changes another field only: merged, nothing lost
    assert other.post(URL, {"action": "save", "opened": _opened(second), "kpi-A2-value": "12"}).status_code == 302
    ret = open_period.returns.get(directorate__code="AA")
    assert ret.commentary == "A good quarter." and ret.lines.get(kpi__code="A1").value == 91
    assert ret.lines.get(kpi__code="A2").value == 12
    # the older page changes what the first one changed: refused, each change shown at its field
    response = other.post(URL, {"action": "save", "opened": _opened(second), "kpi-A1-value": "80", "kpi-A2-value": "12"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "The return changed since you opened it: nothing was saved" in body
    assert "A1 value was blank when you opened the form and is now 91; you entered 80" in body
    assert 'href="#kpi-A1-value"' in body and _field(body, "kpi-A1-value") == "80"
    assert ret.lines.get(kpi__code="A1").value == 91
    # the page now carries today's view: saving again keeps what was typed
    assert other.post(URL, {"action": "save", "opened": _opened(body), "kpi-A1-value": "80",
                            "kpi-A2-value": "12", "commentary": "A good quarter."}).status_code == 302
    assert ret.lines.get(kpi__code="A1").value == 80


def _token(users, username):
    from beacon.core.models import ApiToken

    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users[username], 'test')[1]}"}


def test_the_api_sends_a_version_and_refuses_a_stale_write(client, users, open_period):
    auth = _token(users, "owner")
    url = f"/api/returns/{NEXT_SLUG}/AA"
    got = client.get(url, **auth)
    version = got.json()["version"]
    assert got["ETag"] == f'"{version}"'
    body = {"lines": [{"code": "A1", "value": 91}]}
    saved = client.put(url, body, content_type="application/json", HTTP_IF_MATCH=f'"{version}"', **auth)
    assert saved.status_code == 200 and saved.json()["version"] != version
    # the old version again: 412, naming the field whose value is now different
    stale = client.put(url, {"lines": [{"code": "A1", "value": 80}]}, content_type="application/json",
                       HTTP_IF_MATCH=f'"{version}"', **auth)
    assert stale.status_code == 412
    assert stale.json()["changes"] == [{"field": "kpi-A1-value", "label": "A1 value", "current": "91", "submitted": "80"}]
    assert "changed since you opened it" in stale.json()["detail"]
    stale = client.put(url, {"lines": [{"code": "A1", "value": 80}], "version": version},
                       content_type="application/json", **auth)
    assert stale.status_code == 412
    assert Return.objects.get(pk=open_period.returns.get(directorate__code="AA").pk).lines.get(kpi__code="A1").value == 91
    fresh = client.put(url, {"lines": [{"code": "A1", "value": 80}], "version": saved.json()["version"]},
                       content_type="application/json", **auth)
    assert fresh.status_code == 200 and fresh["ETag"] == f'"{fresh.json()["version"]}"'


def test_the_api_needs_remove_to_blank_a_held_value(client, users, data):
    _open_q2(users)
    auth = _token(users, "owner")
    url = f"/api/returns/{SLUG}/AA"
    response = client.put(url, {"lines": [{"code": "A1", "value": None}]}, content_type="application/json", **auth)
    assert response.status_code == 400
    assert response.json()["errors"]["kpi-A1-value"].startswith("A1 value: 75 is held for this quarter")
    response = client.put(url, {"lines": [{"code": "A1", "value": None, "remove": True, "remove_reason": "Withdrawn"}]},
                          content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["lines"][0]["remove"] is True


# --- 3. late returns ---------------------------------------------------------------------------
def test_the_lateness_rule():
    due = dt.date(2023, 1, 15)
    assert not is_late(due, None, dt.date(2023, 1, 15)) and is_late(due, None, dt.date(2023, 1, 16))
    assert is_late(due, dt.date(2023, 1, 16), dt.date(2023, 1, 16))
    assert not is_late(due, dt.date(2023, 1, 14), dt.date(2024, 1, 1))  # submitted on time stays on time


def test_a_late_return_stays_late_once_submitted_and_approved(client_for, users, open_period, clock):
    from web_fixtures import submit_through_services

    open_period.due_date = beacon_clock.today() - dt.timedelta(days=1)
    open_period.save()
    aa = open_period.returns.get(directorate__code="AA")
    submit_through_services(aa, {"A1": "91", "A2": "8"}, "owner", approve_as="lead")
    board = client_for("lead").get(f"/returns/{NEXT_SLUG}/").content.decode()
    row = re.search(r"Alpha Services</a></th>(.*?)</tr>", board, re.S).group(1)
    assert "Late" in row and "Yes" not in row
    assert "This return is late." in client_for("owner").get(URL).content.decode()
    api = client_for("lead").get(f"/api/returns/{NEXT_SLUG}/AA", **_token(users, "lead")).json()
    assert api["late"] is True and api["status_label"] == "Approved"


def test_a_return_submitted_on_time_stays_on_time(client_for, users, open_period, clock):
    from web_fixtures import submit_through_services

    bb = open_period.returns.get(directorate__code="BB")
    submit_through_services(bb, {"B1": "97"}, "owner_b")
    clock.set(open_period.due_date + dt.timedelta(days=3), tick=True)
    services.approve_return(ApproveReturn(bb.pk, "", "lead"))
    board = client_for("lead").get(f"/returns/{NEXT_SLUG}/").content.decode()
    row = re.search(r"Beta Services</a></th>(.*?)</tr>", board, re.S).group(1)
    assert "Yes" in row and "Late" not in row


# --- 4. authorship -----------------------------------------------------------------------------
def test_commentary_and_revisions_name_the_author_and_the_approver(client_for, open_period):
    owner, lead = client_for("owner"), client_for("lead")
    assert owner.post(URL, {"action": "submit", "kpi-A1-value": "91", "kpi-A2-value": "8",
                            "kpi-A1-commentary": "Staffing improved.", "commentary": "A good quarter."}).status_code == 302
    assert lead.post(URL, {"action": "approve", "comment": "Thanks"}).status_code == 302
    for kpi in ("A1", None):
        c = pm.Commentary.objects.get(period=NEXT, directorate__code="AA", kpi__code=kpi)
        assert (c.author, c.approved_by) == ("owner", "lead")
    revision = Revision.objects.get(entity="observation", key=f"A1 {NEXT}", field="value")
    assert revision.source == f"web return {NEXT} AA, entered by owner, approved by lead"
    assert revision.changed_by == "lead"


def test_readers_never_see_a_server_path_in_a_history(client_for, data):
    obs = pm.Observation.objects.get(kpi__code="A1", period=PERIOD)
    for source in ("/tmp/beacon-upload-x1/bundle (observations.csv)", "/work/main/demo/observations.csv"):
        audit.record_revision(audit.Change("importer", beacon_clock.now(), "a test", source), obs, "observation",
                              f"A1 {PERIOD}", "note", "", source[-5:])
    body = client_for("reader").get("/kpis/A1/").content.decode()
    assert "bundle (observations.csv)" in body and "(observations.csv)" in body
    assert "/tmp/" not in body and "/work/" not in body
    assert source_shown("web return 2022/23 Q2 AA, entered by owner") == "web return 2022/23 Q2 AA, entered by owner"
    assert source_shown("import C:\\data\\risks.csv") == "import risks.csv"


# --- 5. reopening --------------------------------------------------------------------------------
def test_the_lead_reopens_an_approved_return_with_a_reason(client_for, users, open_period):
    from web_fixtures import submit_through_services

    open_period.due_date = beacon_clock.today() - dt.timedelta(days=1)
    open_period.save()
    aa = open_period.returns.get(directorate__code="AA")
    submit_through_services(aa, {"A1": "91", "A2": "8"}, "owner", approve_as="lead")
    lead, owner = client_for("lead"), client_for("owner")
    assert owner.post(URL, {"action": "reopen", "reason": "x"}).status_code == 403
    response = lead.post(URL, {"action": "reopen", "reason": ""})
    assert response.status_code == 400 and "Reason: say why the return is reopened" in response.content.decode()
    assert lead.post(URL, {"action": "reopen", "reason": "A1 was for the wrong quarter"}).status_code == 302
    aa.refresh_from_db()
    assert aa.status == Return.Status.REOPENED
    event = aa.events.last()
    assert (event.action, event.by, event.comment) == ("reopened", "lead", "A1 was for the wrong quarter")
    assert pm.Observation.objects.get(kpi__code="A1", period=NEXT).value == 91  # the values held stay
    body = owner.get(URL).content.decode()
    assert "Reopened for correction" in body and "A1 was for the wrong quarter" in body
    assert _field(body, "kpi-A1-value") == "91" and "This return is late." in body
    assert queries.is_late(aa)
    # the owner corrects it and it is approved again
    assert owner.post(URL, {"action": "submit", "opened": _opened(body), "kpi-A1-value": "92", "kpi-A2-value": "8"}
                      ).status_code == 302
    assert lead.post(URL, {"action": "approve"}).status_code == 302
    assert pm.Observation.objects.get(kpi__code="A1", period=NEXT).value == 92


# --- 6. labels ------------------------------------------------------------------------------------
def test_status_and_actions_show_their_labels(client_for, open_period):
    body = client_for("lead").get(f"/returns/{NEXT_SLUG}/").content.decode()
    assert ">Not started</strong>" in body and ">not_started<" not in body
    body = client_for("owner").get(URL).content.decode()
    assert "Opened by lead" in body


def test_a_value_removed_through_a_return_leaves_data_that_exports_and_reimports_unchanged(data, users, tmp_path):
    """The QA walk found an export refused after a value was removed (a row with no value and
    no manual rating, the manual direction of travel left behind): removing the value removes
    the observation, its history keeps what it held, and the export imports unchanged."""
    from beacon.bundle.importer import export_bundle, import_bundle
    from beacon.core.audit import Change

    from beacon.performance import services as performance

    obs = pm.Observation.objects.get(kpi__code="A1", period=PERIOD)
    obs.manual_dot, obs.manual_dot_reason = "stable", "as published"
    obs.save()
    change = Change(by="lead", at=beacon_clock.now(), reason="The survey was withdrawn", source="test")
    counts = performance.record_observations([performance.ObservationEntry(obs.kpi, Quarter.parse(PERIOD), None, "")],
                                             change)
    assert counts == {"removed": 1}
    assert not pm.Observation.objects.filter(kpi__code="A1", period=PERIOD).exists()
    removed = {r.field: (r.old_value, r.new_value) for r in Revision.objects.filter(key=f"A1 {PERIOD}", reason=change.reason)}
    assert removed == {"value": ("75", ""), "manual_dot": ("stable", ""), "manual_dot_reason": ("as published", "")}
    export_bundle(tmp_path / "bundle")
    result = import_bundle(tmp_path / "bundle", user="lead", dry_run=True)
    assert result.changes == []
