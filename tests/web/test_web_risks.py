"""Risk pages: the register (profile table, heat map), a risk's page, re-rating, action updates,
adding risks and editions, with the permission matrix for each."""

import pytest

from beacon.risk.models import ActionUpdate, Edition, Risk, RiskRating

READ = ["lead", "owner", "riskmanager", "riskowner", "reader"]


def test_pages_matrix(client_for, risks):
    first, _ = risks
    for url in ("/risks/", f"/risks/{first.risk_id}/", "/risks/editions/"):
        for role in READ:
            assert client_for(role).get(url).status_code == 200, (role, url)
        assert client_for("norole").get(url).status_code == 403, url
        assert client_for(None).get(url).status_code == 302, url


def _rerate(c, risk, lik="2", imp="5", note="Training completed"):
    return c.post(f"/risks/{risk.risk_id}/", {"operation": "rerate", "current_likelihood": lik, "current_impact": imp, "note": note})


@pytest.mark.parametrize("role,allowed", [
    ("riskmanager", True), ("riskowner", True), ("lead", False), ("owner", False), ("reader", False), ("norole", False),
])
def test_rerate_matrix(client_for, risks, role, allowed):
    first, _ = risks
    response = _rerate(client_for(role), first)
    first.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert (first.current_likelihood, first.current_impact) == (2, 5)
    else:
        assert response.status_code == 403
        assert (first.current_likelihood, first.current_impact) == (4, 5)


def test_risk_owner_only_updates_their_own_risks(client_for, risks):
    _, second = risks
    c = client_for("riskowner")
    assert _rerate(c, second).status_code == 403
    assert "Re-rate this risk" not in c.get(f"/risks/{second.risk_id}/").content.decode()
    assert "Re-rate this risk" in c.get(f"/risks/{risks[0].risk_id}/").content.decode()
    assert c.post("/risks/", {"title": "x", "owners": "A, B"}).status_code == 403
    assert c.post("/risks/editions/", {"body": "Cabinet", "date": "2026-12-01", "questioned": "2026-12-01", "confirm_date": "1"}).status_code == 403


def test_rerate_journey_shows_the_new_direction(client_for, risks):
    first, _ = risks
    c = client_for("riskowner")
    response = _rerate(c, first, lik="9", imp="", note="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Current likelihood: 9 is not on the 1 to 5 scale" in body
    assert "Current impact: choose a value from 1 to 5" in body
    assert "Reason: say why the rating changed" in body
    register = c.get("/risks/").content.decode()
    row = register[register.index(f">{first.risk_id}</a>"):]
    assert "No change" in row[:1500]
    assert _rerate(c, first).status_code == 302
    register = c.get("/risks/").content.decode()
    row = register[register.index(f">{first.risk_id}</a>"):]
    assert "Reduced" in row[:1500] and "Medium (10)" in row[:1500]
    assert RiskRating.objects.filter(risk=first, kind="current").count() == 2
    page = c.get(f"/risks/{first.risk_id}/").content.decode()
    assert "Training completed" in page and "High (20)" in page  # the old rating stays in the history


def test_action_update(client_for, risks):
    first, _ = risks
    c = client_for("riskowner")
    action = first.actions.get()
    response = c.post(f"/risks/{first.risk_id}/", {"operation": "action_update", "action": action.pk, "status": "complete", "text": ""})
    assert response.status_code == 400 and "Update: an update needs its text" in response.content.decode()
    response = c.post(f"/risks/{first.risk_id}/", {"operation": "action_update", "action": action.pk, "status": "complete", "text": "All staff trained."})
    assert response.status_code == 302
    assert ActionUpdate.objects.get(action=action).text == "All staff trained."
    assert "All staff trained." in c.get(f"/risks/{first.risk_id}/").content.decode()


def test_risk_manager_adds_a_risk_and_freezes_an_edition(client_for, risks):
    c = client_for("riskmanager")
    response = c.post("/risks/", {"title": "", "owners": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Title: a risk needs a title" in body and "Risk owners: name at least one owner" in body
    response = c.post("/risks/", {"title": "Flooding", "owners": "C. Person, Director of Environment",
                                  "current_likelihood": "3", "current_impact": "4", "target_likelihood": "2", "target_impact": "4"})
    assert response.status_code == 302
    new = Risk.objects.get(title="Flooding")
    assert response["Location"] == f"/risks/{new.risk_id}/"
    assert c.post("/risks/editions/", {"body": "Cabinet", "date": "not a date"}).status_code == 400
    response = c.post("/risks/editions/", {"body": "Cabinet", "date": "2026-12-01", "questioned": "2026-12-01", "confirm_date": "1"})
    assert response.status_code == 302
    edition = Edition.objects.get(body="Cabinet")
    page = c.get(response["Location"]).content.decode()
    assert "For Presentation to Cabinet on 01/12/2026" in page and "Flooding" in page
    assert len(edition.snapshot["risks"]) == 3


def test_risk_text_is_escaped(client_for, risks):
    first, _ = risks
    first.event = "<script>alert(1)</script>"
    first.save()
    page = client_for("reader").get(f"/risks/{first.risk_id}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_edition_documents(client_for, risks):
    manager, reader = client_for("riskmanager"), client_for("reader")
    assert reader.get("/risks/editions/preview.html").status_code == 403
    preview = manager.get("/risks/editions/preview.json")
    assert preview.status_code == 200 and b'"risks"' in preview.content
    manager.post("/risks/editions/", {"body": "Cabinet", "date": "2026-12-01", "questioned": "2026-12-01", "confirm_date": "1"})
    edition = Edition.objects.get()
    html = reader.get(f"/risks/editions/{edition.pk}/register.html")
    assert html.status_code == 200 and html["Content-Security-Policy"].startswith("sandbox")
    assert b"Safeguarding" in html.content
    assert reader.get(f"/risks/editions/{edition.pk}/register.pdf").content[:4] == b"%PDF"
    assert reader.get(f"/risks/editions/{edition.pk}/register.docx").content[:2] == b"PK"
    assert client_for("norole").get(f"/risks/editions/{edition.pk}/register.html").status_code == 403


def test_lifecycle_operations(client_for, risks):
    first, second = risks
    owner, manager = client_for("riskowner"), client_for("riskmanager")
    url = f"/risks/{first.risk_id}/"
    page = owner.get(url).content.decode()
    assert "Change the target rating" in page and "Withdraw the risk" not in page
    # the owner may change the target and an action's date, but not withdraw or delegate
    response = owner.post(url, {"operation": "change_target", "target_likelihood": "2", "target_impact": "5", "note": ""})
    assert response.status_code == 400 and "Reason: say why the target changed" in response.content.decode()
    assert owner.post(url, {"operation": "change_target", "target_likelihood": "2", "target_impact": "5", "note": "Ambition"}).status_code == 302
    first.refresh_from_db()
    assert (first.target_likelihood, first.target_impact) == (2, 5)
    action = first.actions.get()
    assert owner.post(url, {"operation": "revise_action_date", "action": action.pk, "due": "June 2027", "note": "Delayed"}).status_code == 302
    action.refresh_from_db()
    assert action.due_text == "June 2027" and action.date_revisions.get().old_text == "March 2027"
    assert owner.post(url, {"operation": "withdraw", "note": "x"}).status_code == 403
    assert owner.post(url, {"operation": "delegate", "register": "CYPE", "note": "x"}).status_code == 403
    assert client_for("reader").post(url, {"operation": "change_target", "target_likelihood": "1", "target_impact": "1", "note": "x"}).status_code == 403
    # the manager flags, delegates, re-escalates and withdraws
    assert manager.post(url, {"operation": "flag_for_review", "note": "Rating to be reviewed in March"}).status_code == 302
    first.refresh_from_db()
    assert first.review_note == "Rating to be reviewed in March"
    assert manager.post(url, {"operation": "delegate", "register": "", "note": "x"}).status_code == 400
    assert manager.post(url, {"operation": "delegate", "register": "CYPE", "de_escalate": "1", "note": "Managed by CYPE"}).status_code == 302
    first.refresh_from_db()
    assert first.status == "de_escalated"
    assert first.risk_id not in manager.get("/risks/").content.decode().split("Heat map")[0]
    assert "Re-escalate to the corporate register" in manager.get(url).content.decode()
    assert manager.post(url, {"operation": "re_escalate", "note": "Back"}).status_code == 302
    first.refresh_from_db()
    assert first.status == "active"
    s_url = f"/risks/{second.risk_id}/"
    assert manager.post(s_url, {"operation": "withdraw", "note": ""}).status_code == 400
    assert manager.post(s_url, {"operation": "withdraw", "note": "No longer a corporate risk"}).status_code == 302
    second.refresh_from_db()
    assert second.status == "withdrawn"
    events = [e for e in manager.get(url).content.decode().split("Lifecycle events")[1:]]
    assert events and "Target changed" in events[-1]


def test_close_and_replace_and_merge(client_for, risks):
    first, second = risks
    manager = client_for("riskmanager")
    ratings = {"current_likelihood": "3", "current_impact": "4", "target_likelihood": "2", "target_impact": "4"}
    response = manager.post(f"/risks/{second.risk_id}/", {"operation": "merge", "others": "CRR9999", "new_title": "", "owners": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Risks to merge with: no risk CRR9999" in body and "Title of the new risk: a risk needs a title" in body
    response = manager.post(f"/risks/{second.risk_id}/", {"operation": "close_and_replace", "new_title": "Cyber and data",
                                                          "owners": "B. Officer, Director of Technology", "note": "Wider scope", **ratings})
    assert response.status_code == 302
    second.refresh_from_db()
    new = Risk.objects.get(title="Cyber and data")
    assert second.status == "closed" and second.replaced_by == [new.risk_id]
    assert response["Location"] == f"/risks/{new.risk_id}/"
    response = manager.post(f"/risks/{first.risk_id}/", {"operation": "merge", "others": new.risk_id, "new_title": "Merged risk",
                                                         "owners": "A. Director, Corporate Director", "note": "One risk", **ratings})
    assert response.status_code == 302
    merged = Risk.objects.get(title="Merged risk")
    first.refresh_from_db()
    assert first.status == "merged" and first.replaced_by == [merged.risk_id]
    assert client_for("riskowner").post(f"/risks/{merged.risk_id}/", {"operation": "merge"}).status_code == 403


def test_controls_add_revise_retire(client_for, risks):
    from beacon.risk.models import Control, RiskEvent

    first, _ = risks
    url = f"/risks/{first.risk_id}/"
    owner, manager = client_for("riskowner"), client_for("riskmanager")
    page = owner.get(url).content.decode()
    assert "Add a control" in page and "Retire a control" not in page  # no control yet to revise or retire
    response = owner.post(url, {"operation": "add_control", "title": "", "owner": "x"})
    assert response.status_code == 400 and "Control: describe the control in place" in response.content.decode()
    assert owner.post(url, {"operation": "add_control", "title": "Safeguarding board meets monthly", "owner": "Director"}).status_code == 302
    control = Control.objects.get(risk=first)
    response = manager.post(url, {"operation": "add_control", "title": "Safeguarding board meets monthly"})
    assert response.status_code == 400 and "already has a control titled" in response.content.decode()
    response = owner.post(url, {"operation": "revise_control", "control": control.pk, "title": "", "owner": ""})
    assert response.status_code == 400 and "New title: give a new title or a new owner" in response.content.decode()
    response = owner.post(url, {"operation": "revise_control", "control": "999999", "title": "x"})
    assert response.status_code == 400 and "Control: choose one of this risk&#x27;s controls" in response.content.decode()
    assert owner.post(url, {"operation": "revise_control", "control": control.pk, "title": "Safeguarding board meets fortnightly",
                            "note": "More often"}).status_code == 302
    control.refresh_from_db()
    assert (control.title, control.owner) == ("Safeguarding board meets fortnightly", "Director")
    assert manager.post(url, {"operation": "revise_control", "control": control.pk, "owner": "Assistant Director"}).status_code == 302
    control.refresh_from_db()
    assert control.owner == "Assistant Director"
    response = manager.post(url, {"operation": "retire_control", "control": control.pk, "note": ""})
    assert response.status_code == 400 and "Reason: say why the control is no longer in place" in response.content.decode()
    assert manager.post(url, {"operation": "retire_control", "control": control.pk, "note": "Replaced by the new board"}).status_code == 302
    control.refresh_from_db()
    assert control.removed_at is not None and Control.objects.filter(pk=control.pk).exists()
    # a retired control can no longer be chosen
    assert owner.post(url, {"operation": "revise_control", "control": control.pk, "title": "y"}).status_code == 400
    assert [e.event for e in RiskEvent.objects.filter(risk=first, event__startswith="control_").order_by("pk")] == [
        "control_added", "control_revised", "control_revised", "control_retired"]
    page = owner.get(url).content.decode()
    history = page.split("Lifecycle events")[1]
    for text in ("Control added", "Control revised", "Control retired", "Replaced by the new board", "More often"):
        assert text in history, text
    assert "by riskowner" in history and "by riskmanager" in history
    assert "Safeguarding board meets fortnightly" in page.split("<h2 class=\"govuk-heading-m\">Controls</h2>")[1] and "(retired " in page


@pytest.mark.parametrize("role,allowed", [
    ("riskmanager", True), ("riskowner", True), ("lead", False), ("owner", False), ("reader", False), ("norole", False),
    (None, False),
])
def test_control_forms_matrix(client_for, risks, role, allowed):
    from beacon.risk import lifecycle
    from beacon.risk.models import Control

    first, _ = risks
    control = lifecycle.add_control(first, "Existing control", "Owner", by="setup")
    url = f"/risks/{first.risk_id}/"
    c = client_for(role)
    page = c.get(url)
    posts = [
        {"operation": "add_control", "title": "Another control"},
        {"operation": "revise_control", "control": control.pk, "title": "Renamed control"},
        {"operation": "retire_control", "control": control.pk, "note": "Gone"},
    ]
    for data in posts:
        response = c.post(url, data)
        if allowed:
            assert response.status_code == 302, data
        elif role is None:
            assert response.status_code == 302 and "/sign-in/" in response["Location"], data
        else:
            assert response.status_code == 403, (role, data)
    control.refresh_from_db()
    if allowed:
        assert "Add a control" in page.content.decode()
        assert control.title == "Renamed control" and control.removed_at is not None
        assert Control.objects.filter(risk=first, title="Another control").exists()
    else:
        if role not in (None, "norole"):
            assert "Add a control" not in page.content.decode()
        assert (control.title, control.removed_at) == ("Existing control", None)
        assert not Control.objects.filter(risk=first, title="Another control").exists()


def test_risk_owner_cannot_change_controls_of_another_risk(client_for, risks):
    from beacon.risk import lifecycle
    from beacon.risk.models import Control

    _, second = risks
    control = lifecycle.add_control(second, "Firewall", by="setup")
    c = client_for("riskowner")
    url = f"/risks/{second.risk_id}/"
    assert "Add a control" not in c.get(url).content.decode()
    assert c.post(url, {"operation": "add_control", "title": "Mine now"}).status_code == 403
    assert c.post(url, {"operation": "revise_control", "control": control.pk, "title": "Changed"}).status_code == 403
    assert c.post(url, {"operation": "retire_control", "control": control.pk, "note": "x"}).status_code == 403
    # nor through their own risk's page
    assert c.post(f"/risks/{risks[0].risk_id}/", {"operation": "retire_control", "control": control.pk, "note": "x"}).status_code == 400
    control.refresh_from_db()
    assert (control.title, control.removed_at) == ("Firewall", None)
    assert list(second.controls.values_list("title", flat=True)) == ["Firewall"]
    assert not Control.objects.filter(title="Mine now").exists()
