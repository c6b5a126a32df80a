"""Issue 10: the risk pages and the risk API are safe against lost updates (a save made from an
out-of-date page is merged field by field or refused with what changed), every field of a risk
and of its actions is editable (each change a revision), each form's errors are its own (GOV.UK
error summary: every link resolves, inside the form that was posted), labels come from the enums,
due dates are dates, and the register's filters refuse a value they do not know.

Runs on SQLite and on PostgreSQL (``scripts/with-postgres``)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from beacon.core.audit import history_of
from beacon.core.models import ApiToken, Revision
from beacon.domain.risk import ActionStatus
from beacon.risk import commands as cmd
from beacon.risk import services
from beacon.risk.models import Action, Control, Risk

ERROR_CLASSES = ("govuk-input--error", "govuk-textarea--error", "govuk-select--error")


class Page(HTMLParser):
    """A page's title, ids (each once), forms (their ``data-operation``, ``data-action``, the ids
    inside them and the values they would post), the fields by id and the error summary's links."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.fields: dict[str, dict] = {}
        self.forms: list[dict] = []
        self.summary_links: list[str] = []
        self.title = ""
        self._form = None
        self._in_summary = self._in_title = False
        self._textarea = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
            if self._form is not None:
                self._form["ids"].add(a["id"])
        if tag == "title":
            self._in_title = True
        if tag == "form":
            self._form = {"operation": a.get("data-operation", ""), "action": a.get("data-action", ""), "ids": set(),
                          "values": {}}
            self.forms.append(self._form)
        if tag in ("input", "textarea", "select") and a.get("id") and a.get("type") != "hidden":
            self.fields[a["id"]] = a
        if self._form is not None and a.get("name"):
            values = self._form["values"]
            if tag == "input" and a.get("type") == "checkbox":
                if "checked" in a:
                    values.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "input":
                values[a["name"]] = a.get("value", "")
            elif tag == "textarea":
                self._textarea = a["name"]
                values[a["name"]] = ""
            elif tag == "select":
                self._select = a["name"]
                values.setdefault(a["name"], "")
        if tag == "option" and self._select and "selected" in a:
            self._form["values"][self._select] = a.get("value", "")
        if tag == "div" and "govuk-error-summary" in a.get("class", "").split():
            self._in_summary = True
        elif self._in_summary and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._textarea and self._form is not None:
            self._form["values"][self._textarea] += data.removeprefix("\n") if not self._form["values"][self._textarea] else data

    def form(self, operation: str, action: int | None = None) -> dict:
        found = [f for f in self.forms if f["operation"] == operation and (action is None or f["action"] == str(action))]
        assert len(found) == 1, (operation, action, [(f["operation"], f["action"]) for f in self.forms])
        return found[0]

    def in_error(self) -> set[str]:
        return {fid for fid, a in self.fields.items() if any(c in a.get("class", "") for c in ERROR_CLASSES)}


def posted_errors(response, operation: str, action: int | None = None) -> Page:
    """A refused post: status 400, the title starts "Error: ", every summary link targets an id
    inside the form that was posted, and every field in error has the error style and is
    described by its message."""
    assert response.status_code == 400, response.status_code
    page = Page(response.content.decode())
    assert page.title.strip().startswith("Error: "), page.title
    form = page.form(operation, action)
    assert page.summary_links, "no error summary links"
    for link in page.summary_links:
        assert link in page.ids, f"summary link #{link} points at no id"
        assert link in form["ids"], f"summary link #{link} is not inside the {operation} form"
    for fid in page.in_error():
        assert fid in form["ids"], f"{fid} in error outside the posted form"
        described = page.fields[fid].get("aria-describedby", "").split()
        assert f"{fid}-error" in described and all(d in page.ids for d in described), (fid, described)
    return page


def form_data(page: Page, operation: str, action: int | None = None, **changes) -> dict:
    """What the browser would post from the form as the page showed it, with ``changes`` typed."""
    data = {k: v for k, v in page.form(operation, action)["values"].items() if k != "csrfmiddlewaretoken"}
    data.update(changes)
    return data


def open_page(client, risk) -> Page:
    response = client.get(f"/risks/{risk.risk_id}/")
    assert response.status_code == 200
    return Page(response.content.decode())


# --- each form's errors are its own --------------------------------------------------------------
@pytest.mark.parametrize("who,operation,typed", [
    ("riskmanager", "withdraw", {"note": " "}),
    ("riskmanager", "descope", {"scope": ""}),
    ("riskmanager", "delegate", {"register": "corporate", "note": "x"}),  # refused by the lifecycle, on its field
    ("riskmanager", "merge", {"others": "CRR9999", "new_title": "", "owners": ""}),
    ("riskowner", "change_target", {"target_likelihood": "7", "target_impact": "", "note": ""}),
    ("riskowner", "add_control", {"title": ""}),
    ("riskowner", "add_action", {"title": "", "due": "sometime soon"}),
    ("riskowner", "revise_risk", {"title": "", "owners": ""}),
    ("riskowner", "rerate", {"current_likelihood": "4", "current_impact": "5", "note": "Unchanged"}),  # no field
])
def test_each_forms_errors_link_inside_that_form(client_for, risks, who, operation, typed):
    first, _ = risks
    c = client_for(who)
    page = open_page(c, first)
    posted = form_data(page, operation, **typed)
    posted_errors(c.post(f"/risks/{first.risk_id}/", posted), operation)


@pytest.mark.parametrize("operation,typed", [
    ("action_update", {"status": "", "text": ""}),
    ("revise_action", {"title": "", "due": "sometime soon"}),
    ("retire_action", {"note": ""}),
])
def test_each_actions_forms_keep_their_errors(client_for, risks, operation, typed):
    first, _ = risks
    action = first.actions.get()
    c = client_for("riskowner")
    page = open_page(c, first)
    posted_errors(c.post(f"/risks/{first.risk_id}/", form_data(page, operation, action.pk, **typed)), operation, action.pk)


def test_an_error_on_the_register_page_is_titled_and_linked(client_for, risks):
    response = client_for("riskmanager").post("/risks/", {"title": "", "owners": ""})
    posted_errors(response, "add_risk")


# --- labels, statuses, due dates, "At target" ------------------------------------------------------
def test_action_status_labels_come_from_the_enum_and_the_actions_own_is_preselected(client_for, risks):
    first, _ = risks
    action = first.actions.get()
    c = client_for("riskowner")
    page = c.get(f"/risks/{first.risk_id}/").content.decode()
    for status in ActionStatus:
        if status is not ActionStatus.PLANNED:
            assert f'<option value="{status.value}">{status.heading}</option>' in page
    assert "Partiallycomplete" not in page and "Regularreview" not in page
    # a planned action (no update yet) has no status to preselect: Complete is not assumed
    assert Page(page).form("action_update", action.pk)["values"]["status"] == ""
    response = c.post(f"/risks/{first.risk_id}/", {"operation": "action_update", "action": action.pk,
                                                   "status": "regular_review", "text": "Reviewed monthly."})
    assert response.status_code == 302
    page = c.get(f"/risks/{first.risk_id}/").content.decode()
    assert Page(page).form("action_update", action.pk)["values"]["status"] == "regular_review"
    assert "Regular Review" in page


def test_a_rerate_off_target_no_longer_says_at_target(client_for, risks):
    _, second = risks
    services.handle(cmd.ChangeTarget(second.risk_id, "setup", target=cmd.rating_of(3, 4), note="Contain"))
    services.handle(cmd.ReviseRisk(second.risk_id, "setup", title=second.title, owners=tuple(second.owners),
                                   timescale_to_target="At target"))
    c = client_for("riskmanager")
    assert "At target" in c.get(f"/risks/{second.risk_id}/").content.decode()
    response = c.post(f"/risks/{second.risk_id}/", {"operation": "rerate", "current_likelihood": "4",
                                                    "current_impact": "4", "note": "Worse"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.timescale_to_target == ""
    page = c.get(f"/risks/{second.risk_id}/").content.decode()
    assert "At target" not in page and "(at target)" not in page
    cleared = [r for r in history_of(second) if r.field == "timescale_to_target"]
    assert (cleared[-1].old_value, cleared[-1].new_value) == ("At target", "")


@pytest.mark.parametrize("operation,extra", [
    ("add_action", {"title": "Commission a review"}),
    ("revise_action_date", {"note": "Delayed"}),
    ("revise_action", {}),
])
def test_a_due_date_must_be_a_date(client_for, risks, operation, extra):
    first, _ = risks
    action = first.actions.get()
    c = client_for("riskowner")
    page = open_page(c, first)
    per_action = operation == "revise_action"
    data = form_data(page, operation, action.pk if per_action else None, due="sometime soon", **extra)
    if operation == "revise_action_date":
        data["action"] = str(action.pk)
    posted = posted_errors(c.post(f"/risks/{first.risk_id}/", data), operation, action.pk if per_action else None)
    assert any(fid.endswith("-due") for fid in posted.in_error())
    html = c.post(f"/risks/{first.risk_id}/", data).content.decode()
    assert "&#x27;sometime soon&#x27; is not a date: write a month and year (March 2027)" in html
    action.refresh_from_db()
    assert action.due_text == "March 2027" and Action.objects.filter(risk=first).count() == 1
    # the service says the same to any caller
    with pytest.raises(cmd.RiskError) as refused:
        services.handle(cmd.ReviseActionDate(first.risk_id, "x", action_id=action.pk, due="sometime soon", note="x"))
    assert refused.value.field_errors["due"].startswith("New due date: 'sometime soon' is not a date")


# --- the register's filters -----------------------------------------------------------------------
def test_register_filters_refuse_unknown_values_on_the_page_and_in_the_api(client_for, risks, users, client):
    first, second = risks
    Risk.objects.filter(pk=first.pk).update(owner_directorates=["AA"])
    c = client_for("reader")
    response = c.get("/risks/?level=PURPLE&direction=sideways")
    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.title.startswith("Error: ")
    assert set(page.summary_links) == {"filter-level", "filter-direction"}
    assert page.in_error() == {"filter-level", "filter-direction"}
    html = response.content.decode()
    assert "Current level: &#x27;PURPLE&#x27; is not one of the choices; choose Low, Medium or High" in html
    high = c.get("/risks/?level=High")
    assert high.status_code == 200
    table = high.content.decode().split("Heat map")[0]
    assert first.risk_id in table and second.risk_id not in table  # 20 High; 12 Medium
    by_directorate = c.get("/risks/?directorate=AA").content.decode().split("Heat map")[0]
    assert first.risk_id in by_directorate and second.risk_id not in by_directorate
    assert c.get("/risks/?directorate=ZZ").status_code == 400
    assert c.get("/risks/").status_code == 200
    # the API names the parameter and the values it takes
    _, token = ApiToken.issue(users["reader"], "t")
    response = client.get("/api/risks?level=PURPLE", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"level": "Current level: 'PURPLE' is not one of Low, Medium, High"}
    assert (body["parameter"], body["allowed"]) == ("level", ["Low", "Medium", "High"])
    response = client.get("/api/risks?directorate=AA", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [r["id"] for r in response.json()["items"]] == [first.risk_id]


# --- every field of a risk; actions added, changed and retired -------------------------------------
def test_every_field_of_a_risk_is_editable_and_each_change_is_a_revision(client_for, risks):
    first, _ = risks
    c = client_for("riskowner")
    page = open_page(c, first)
    data = form_data(page, "revise_risk", title="Safeguarding children", cause="Demand rises.",
                     event="A child is harmed.", consequence="Serious case review.",
                     owners="A. Director, Corporate Director\nB. Deputy, Director of Children's Services",
                     owners_on_behalf_of="CMT", cabinet_members="Cllr One, Cabinet Member",
                     cabinet_on_behalf_of="Cabinet", owner_directorates=["AA", "BB"], timescale_to_target="March 2027",
                     note="Annual review")
    assert c.post(f"/risks/{first.risk_id}/", data).status_code == 302
    first.refresh_from_db()
    assert (first.title, first.cause, first.event, first.consequence) == (
        "Safeguarding children", "Demand rises.", "A child is harmed.", "Serious case review.")
    assert first.owners == ["A. Director, Corporate Director", "B. Deputy, Director of Children's Services"]
    assert (first.owners_on_behalf_of, first.cabinet_on_behalf_of) == ("CMT", "Cabinet")
    assert first.cabinet_members == ["Cllr One, Cabinet Member"] and first.owner_directorates == ["AA", "BB"]
    changed = {r.field for r in history_of(first) if r.changed_by == "riskowner"}
    assert changed == {"title", "cause", "event", "consequence", "owners", "owners_on_behalf_of", "cabinet_members",
                       "cabinet_on_behalf_of", "owner_directorates", "timescale_to_target"}
    # a second edit the same day is recorded too
    page = open_page(c, first)
    assert c.post(f"/risks/{first.risk_id}/", form_data(page, "revise_risk", cause="Demand rises fast.")).status_code == 302
    assert [r.new_value for r in history_of(first) if r.field == "cause"][-1] == "Demand rises fast."
    # the owner of another risk may not; an unknown directorate is refused on its field
    _, second = risks
    assert c.post(f"/risks/{second.risk_id}/", {"operation": "revise_risk", "title": "x", "owners": "A, B"}).status_code == 403
    assert client_for("reader").post(f"/risks/{first.risk_id}/", {"operation": "revise_risk"}).status_code == 403
    response = client_for("riskmanager").post(f"/risks/{first.risk_id}/", form_data(
        open_page(client_for("riskmanager"), first), "revise_risk", owner_directorates=["ZZ"]))
    posted_errors(response, "revise_risk")


def test_actions_are_added_changed_and_retired_and_stay_in_the_history(client_for, risks):
    first, second = risks
    c = client_for("riskowner")
    url = f"/risks/{first.risk_id}/"
    page = open_page(c, first)
    response = c.post(url, form_data(page, "add_action", title="Commission an audit", owner="Audit team",
                                     due="June 2027 (review)", note="New"))
    assert response.status_code == 302
    new = Action.objects.get(risk=first, title="Commission an audit")
    assert (new.due_date.isoformat(), new.due_kind, new.status) == ("2027-06-01", "review", "planned")
    assert {r.field for r in history_of(new)} >= {"title", "owner", "due_text"}
    page = open_page(c, first)
    response = c.post(url, form_data(page, "revise_action", new.pk, owner="Internal audit", due="July 2027"))
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.owner, new.due_text) == ("Internal audit", "July 2027")
    assert new.date_revisions.get().old_text == "June 2027 (review)"
    response = c.post(url, {"operation": "retire_action", "action": new.pk, "note": "No longer needed"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.removed_at is not None and Action.objects.filter(pk=new.pk).exists()  # never deleted
    assert [r.field for r in history_of(new)][-1] == "removed_at"
    page = c.get(url).content.decode()
    assert "<del>Commission an audit</del>" in page and "kept in its history" in page
    assert not [f for f in Page(page).forms if f["action"] == str(new.pk)]  # a retired action has no forms
    # a retired action cannot be changed; the owner of another risk may not touch this one's actions
    response = c.post(url, {"operation": "revise_action", "action": new.pk, "title": "x"})
    assert response.status_code == 400 and "choose one of this risk" in response.content.decode()
    other = client_for("riskowner")
    action = first.actions.get(title="Review the safeguarding training")
    assert other.post(f"/risks/{second.risk_id}/", {"operation": "add_action", "title": "x", "due": "May 2027"}).status_code == 403
    assert client_for("reader").post(url, {"operation": "retire_action", "action": action.pk, "note": "x"}).status_code == 403


def test_a_merge_moves_the_controls_and_actions_chosen(client_for, risks):
    first, second = risks
    keep = services.handle(cmd.AddControl(first.risk_id, "setup", title="Board meets monthly"))
    stay = services.handle(cmd.AddControl(first.risk_id, "setup", title="Annual audit"))
    action = first.actions.get()
    c = client_for("riskmanager")
    page = open_page(c, first)
    data = form_data(page, "merge")
    assert sorted(data["controls"]) == sorted([str(keep.pk), str(stay.pk)]) and data["actions"] == [str(action.pk)]
    data.update(others=second.risk_id, new_title="Safeguarding and cyber", owners="A. Director, Corporate Director",
                current_likelihood="4", current_impact="5", target_likelihood="3", target_impact="5",
                controls=[str(keep.pk)], note="Merged")
    response = c.post(f"/risks/{first.risk_id}/", data)
    assert response.status_code == 302
    new = Risk.objects.get(title="Safeguarding and cyber")
    assert list(new.controls.values_list("title", flat=True)) == ["Board meets monthly"]
    assert list(new.actions.values_list("title", flat=True)) == ["Review the safeguarding training"]
    keep.refresh_from_db(), stay.refresh_from_db(), action.refresh_from_db()
    assert keep.removed_at is not None and action.removed_at is not None  # moved: kept in the old risk's history
    assert stay.removed_at is None
    moved = Control.objects.get(risk=new)
    assert [r.source for r in history_of(moved)][0] == f"lifecycle: moved from {first.risk_id} #{keep.pk}"


# --- lost updates ---------------------------------------------------------------------------------
def test_two_pages_of_one_risk_merge_then_a_conflict_is_refused_with_what_changed(client_for, risks):
    first, _ = risks
    url = f"/risks/{first.risk_id}/"
    a, b, m = client_for("riskowner"), client_for("riskmanager"), client_for("riskmanager")
    page_a, page_b, page_m = open_page(a, first), open_page(b, first), open_page(m, first)
    assert a.post(url, form_data(page_a, "revise_risk", cause="Cause typed by A")).status_code == 302
    # B opened the page before A saved; B changed another field: both changes are kept
    assert b.post(url, form_data(page_b, "revise_risk", consequence="Consequence typed by B")).status_code == 302
    first.refresh_from_db()
    assert (first.cause, first.consequence) == ("Cause typed by A", "Consequence typed by B")
    # M opened it before both and changed the cause too: refused, nothing saved, the change listed
    before = Revision.objects.count()
    response = m.post(url, form_data(page_m, "revise_risk", cause="Cause typed by M"))
    page = posted_errors(response, "revise_risk")
    html = response.content.decode()
    assert "changed since you opened it: nothing was saved" in html
    assert "Source / cause of risk was blank when you opened the form and is now Cause typed by A; you entered Cause typed by M" in html
    assert page.in_error() == {"revise_risk-cause"}
    assert Revision.objects.count() == before
    first.refresh_from_db()
    assert first.cause == "Cause typed by A"
    # the refused form now carries the risk as it stands: saving it again, having checked, goes through
    assert m.post(url, form_data(page, "revise_risk")).status_code == 302
    first.refresh_from_db()
    assert (first.cause, first.consequence) == ("Cause typed by M", "Consequence typed by B")


def test_stale_rerate_and_action_forms_are_refused(client_for, risks, clock):
    first, _ = risks
    action = first.actions.get()
    url = f"/risks/{first.risk_id}/"
    a, b = client_for("riskowner"), client_for("riskmanager")
    page_a, page_b = open_page(a, first), open_page(b, first)
    assert a.post(url, form_data(page_a, "rerate", current_likelihood="3", current_impact="5", note="Better")).status_code == 302
    response = b.post(url, form_data(page_b, "rerate", current_likelihood="2", current_impact="5", note="Much better"))
    posted_errors(response, "rerate")
    assert "Current likelihood was 4 when you opened the form and is now 3; you entered 2" in response.content.decode()
    first.refresh_from_db()
    assert (first.current_likelihood, first.current_impact) == (3, 5)
    # B changed only the impact: merged with A's likelihood (the next day: one re-rating a day)
    clock.set("2026-11-21", tick=True)
    assert b.post(url, form_data(page_b, "rerate", current_impact="4", note="Lower impact")).status_code == 302
    first.refresh_from_db()
    assert (first.current_likelihood, first.current_impact) == (3, 4)
    # an action changed by one page and then by another from an older view
    assert a.post(url, form_data(page_a, "revise_action", action.pk, title="Train every social worker")).status_code == 302
    response = b.post(url, form_data(page_b, "revise_action", action.pk, title="Train every manager"))
    posted_errors(response, "revise_action", action.pk)
    action.refresh_from_db()
    assert action.title == "Train every social worker"
    assert b.post(url, form_data(page_b, "revise_action", action.pk, owner="Workforce team")).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Train every social worker", "Workforce team")


def test_the_api_rerate_takes_if_match(users, client, risks, clock):
    first, _ = risks
    _, token = ApiToken.issue(users["riskowner"], "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    got = client.get(f"/api/risks/{first.risk_id}", **auth)
    etag, version = got["ETag"], got.json()["version"]
    assert etag == f'"{version}"'
    url = f"/api/risks/{first.risk_id}/rerate"
    ok = client.post(url, {"likelihood": 3, "impact": 5, "note": "Better"}, content_type="application/json",
                     HTTP_IF_MATCH=etag, **auth)
    assert ok.status_code == 200 and ok.json()["version"] != version and ok["ETag"] == f'"{ok.json()["version"]}"'
    stale = client.post(url, {"likelihood": 2, "impact": 5, "note": "Much better"}, content_type="application/json",
                        HTTP_IF_MATCH=etag, **auth)
    assert stale.status_code == 412
    body = stale.json()
    assert "changed since you opened it" in body["detail"] and body["current"]["current"]["likelihood"] == 3
    assert body["current"]["version"] == ok.json()["version"]
    first.refresh_from_db()
    assert first.current_likelihood == 3
    in_body = client.post(url, {"likelihood": 2, "impact": 5, "note": "x", "version": version},
                          content_type="application/json", **auth)
    assert in_body.status_code == 412
    clock.set("2026-11-21", tick=True)  # one re-rating a day
    fresh = client.post(url, {"likelihood": 2, "impact": 5, "note": "x", "version": ok.json()["version"]},
                        content_type="application/json", **auth)
    assert fresh.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_on_postgresql_are_merged_or_refused_never_lost(risks, monkeypatch):
    """Two saves of one risk from the same view, at the same moment: the risk is locked while
    each merges, so the second sees the first (on SQLite, writes are serialised anyway). Each
    save dawdles after it has read the risk, so that without the lock both would read it as
    it was."""
    import threading
    import time

    from django.db import connection, connections

    from beacon.risk import lifecycle

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (scripts/with-postgres)")
    first, _ = risks
    revise = lifecycle.revise

    def slow_revise(*args, **kwargs):
        time.sleep(0.5)
        return revise(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "revise", slow_revise)
    opened = {k: v for k, v in services.risk_values(first).items() if k in cmd.ReviseRisk.FIELDS}

    def save(outcomes, barrier, **changes):
        try:
            values = {**opened, **changes}
            barrier.wait()
            services.handle(cmd.ReviseRisk(
                first.risk_id, "someone", title=values["title"], owners=tuple(values["owners"].split("\n")),
                cause=values["cause"], consequence=values["consequence"], event=values["event"], opened=opened))
            outcomes.append("saved")
        except services.StaleEdit:
            outcomes.append("refused")
        finally:
            connections.close_all()

    def race(*changes):
        outcomes, barrier = [], threading.Barrier(len(changes))
        threads = [threading.Thread(target=save, args=(outcomes, barrier), kwargs=c) for c in changes]
        [t.start() for t in threads]
        [t.join() for t in threads]
        return sorted(outcomes)

    assert race({"cause": "Cause from one"}, {"consequence": "Consequence from the other"}) == ["saved", "saved"]
    first.refresh_from_db()
    assert (first.cause, first.consequence) == ("Cause from one", "Consequence from the other")
    opened.update(cause=first.cause, consequence=first.consequence)
    assert race({"cause": "Cause A"}, {"cause": "Cause B"}) == ["refused", "saved"]
    first.refresh_from_db()
    assert first.cause in ("Cause A", "Cause B")
