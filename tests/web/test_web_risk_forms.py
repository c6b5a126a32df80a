"""The risk pages, the account, data and publishing pages take input through Django forms with
the GOV.UK error pattern: the error summary links only to ids on the page, each field in error
has its error class and is described by its error message, and a form's errors stay on that
form (several forms on a risk's page have a "note"). The pages and the API call the same risk
services with typed commands."""

from html.parser import HTMLParser

import pytest

from beacon.risk import commands as cmd
from beacon.risk import services
from beacon.core.models import ApiToken
from beacon.risk.models import Risk

ERROR_CLASSES = ("govuk-input--error", "govuk-textarea--error", "govuk-select--error", "govuk-file-upload--error")


class Page(HTMLParser):
    """Ids (each once), the fields (input, textarea, select) by id with their attributes, the
    error messages' ids and the error summary's links."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.fields: dict[str, dict] = {}
        self.summary_links: list[str] = []
        self.error_messages: set[str] = set()
        self._in_summary = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag in ("input", "textarea", "select") and a.get("id") and a.get("type") != "hidden":
            self.fields[a["id"]] = a
        if tag == "p" and "govuk-error-message" in (a.get("class") or "") and a.get("id"):
            self.error_messages.add(a["id"])
        if tag == "div" and "govuk-error-summary" in (a.get("class") or "").split():
            self._in_summary = True
        elif self._in_summary and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])

    def in_error(self) -> set[str]:
        return {fid for fid, a in self.fields.items() if any(c in (a.get("class") or "") for c in ERROR_CLASSES)}


def assert_govuk_errors(html: str, expected: set[str]) -> Page:
    """The fields in error (by id) are ``expected``; each is linked from the summary and
    described by its message; every summary link points at an id on the page."""
    page = Page(html)
    assert all(link in page.ids for link in page.summary_links), (page.summary_links, "links to missing ids")
    assert page.in_error() == expected
    assert expected <= set(page.summary_links)
    for fid in expected:
        described = (page.fields[fid].get("aria-describedby") or "").split()
        assert f"{fid}-error" in described and all(d in page.ids for d in described), (fid, described)
    return page


def test_each_lifecycle_form_keeps_its_own_errors(client_for, risks):
    first, _ = risks
    url = f"/risks/{first.risk_id}/"
    response = client_for("riskmanager").post(url, {"operation": "withdraw", "note": " "})
    assert response.status_code == 400
    html = response.content.decode()
    page = assert_govuk_errors(html, {"withdraw-note"})
    assert page.summary_links == ["withdraw-note"]
    assert "Reason: say why the risk is withdrawn" in html
    # the re-rating form's note (id "note") and the other operations' notes are not in error
    assert "note" in page.fields and "flag_for_review-note" in page.fields
    assert '<details class="govuk-details" open>' in html and html.count("govuk-details\" open") == 1


def test_rerate_errors_on_the_selects(client_for, risks):
    first, _ = risks
    response = client_for("riskowner").post(f"/risks/{first.risk_id}/", {
        "operation": "rerate", "current_likelihood": "9", "current_impact": "", "note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert_govuk_errors(html, {"current_likelihood", "current_impact", "note"})
    assert "Current likelihood: 9 is not on the 1 to 5 scale" in html and "Current impact: choose a value from 1 to 5" in html
    # what was chosen is kept
    response = client_for("riskowner").post(f"/risks/{first.risk_id}/", {
        "operation": "rerate", "current_likelihood": "2", "current_impact": "5", "note": ""})
    assert '<option value="2" selected>' in response.content.decode()


def test_merge_reports_every_field_at_once(client_for, risks):
    _, second = risks
    response = client_for("riskmanager").post(f"/risks/{second.risk_id}/", {
        "operation": "merge", "others": "CRR9999", "new_title": "", "owners": ""})
    assert response.status_code == 400
    html = response.content.decode()
    fields = {f"merge-{name}" for name in ("others", "new_title", "owners", "current_likelihood", "current_impact",
                                           "target_likelihood", "target_impact")}
    assert_govuk_errors(html, fields)
    assert "Risks to merge with: no risk CRR9999" in html


def test_a_refusal_with_no_field_is_the_forms_own_error(client_for, risks):
    first, _ = risks
    c = client_for("riskowner")
    response = c.post(f"/risks/{first.risk_id}/", {"operation": "rerate", "current_likelihood": "4",
                                                   "current_impact": "5", "note": "Unchanged"})
    assert response.status_code == 400
    page = assert_govuk_errors(response.content.decode(), set())
    assert page.summary_links == ["rerate-error"] and "rerate-error" in page.error_messages
    assert "is already rated High (20)" in response.content.decode()


def test_add_risk_and_edition_forms(client_for, risks):
    c = client_for("riskmanager")
    response = c.post("/risks/", {"title": "", "owners": "", "current_likelihood": "3"})
    assert response.status_code == 400
    assert_govuk_errors(response.content.decode(), {"title", "owners", "current_impact", "target_likelihood",
                                                    "target_impact"})
    assert '<option value="3" selected>' in response.content.decode()  # what was chosen is kept
    response = c.post("/risks/editions/", {"body": "", "date": "sometime soon"})
    assert response.status_code == 400
    html = response.content.decode()
    assert_govuk_errors(html, {"body", "date"})
    assert "Date: &#x27;sometime soon&#x27; is not a date (write it like 15/11/2022 or 15 November 2022)" in html
    # the register's receiving body is the form's default and the preview's
    assert 'value="Cabinet"' in c.get("/risks/editions/").content.decode()


def test_the_register_body_is_data_on_the_pages(client_for, risks):
    from beacon.risk.models import Register

    Register.objects.filter(code="corporate").update(owner_body="Executive")
    c = client_for("riskmanager")
    assert "Editions presented to Executive" in c.get("/risks/").content.decode()
    page = c.get("/risks/editions/").content.decode()
    assert "Preview the next edition for Executive" in page and 'value="Executive"' in page
    assert "Cabinet" not in page
    assert b"For Presentation to Executive" in c.get("/risks/editions/preview.html").content


def test_account_data_and_publish_forms(client_for):
    reader = client_for("reader")
    page = reader.get("/account/").content.decode()
    assert 'id="token-name"' in page
    response = client_for("lead").post("/data/", {"reason": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert_govuk_errors(html, {"bundle"})
    assert "Bundle file: choose a .zip of CSV files or an .xlsx workbook" in html


# --- the services the pages and the API share ------------------------------------------------
def test_the_form_and_the_service_say_the_same(risks):
    first, _ = risks
    with pytest.raises(cmd.RiskError) as refused:
        services.handle(cmd.Withdraw(first.risk_id, "someone", note=""))
    assert refused.value.field_errors == {"note": "Reason: say why the risk is withdrawn"}
    from beacon.web.forms.risks import make_form

    form = make_form("withdraw", first, {"operation": "withdraw", "note": ""})
    assert not form.is_valid() and form.errors["note"] == ["Reason: say why the risk is withdrawn"]


def test_lifecycle_refusals_land_on_the_commands_fields(risks):
    first, _ = risks
    services.handle(cmd.AddControl(first.risk_id, "setup", title="Board meets monthly"))
    with pytest.raises(cmd.RiskError) as refused:
        services.handle(cmd.AddControl(first.risk_id, "setup", title="Board meets monthly"))
    assert list(refused.value.field_errors) == ["title"]
    assert refused.value.field_errors["title"].startswith("Control: CRR0001 already has a control titled")
    with pytest.raises(cmd.RiskError) as refused:
        services.handle(cmd.Delegate(first.risk_id, "setup", register="corporate", note="x"))
    assert refused.value.field_errors == {
        "register": "Register: delegate to a directorate or service register, not the corporate one"}
    with pytest.raises(cmd.RiskError) as refused:
        services.handle(cmd.Merge(first.risk_id, "setup", new_title="x", owners=("A, B",), current=cmd.rating_of(1, 1),
                                  target=cmd.rating_of(1, 1), others=("CRR0404",)))
    assert refused.value.field_errors == {"others": "Risks to merge with: no risk CRR0404"}
    assert Risk.objects.count() == 2


def test_rating_of_names_the_field(risks):
    with pytest.raises(cmd.RiskError) as refused:
        cmd.rating_of(7, None, "target", "Target")
    assert refused.value.field_errors == {"target_likelihood": "Target likelihood: 7 is outside the scale 1 to 5",
                                          "target_impact": "Target impact: choose a value from 1 to 5"}
    assert cmd.rating_of(2, 5).score == 10


def test_the_api_reports_the_services_fields(users, client, risks):
    first, _ = risks
    _, token = ApiToken.issue(users["riskowner"], "test")
    response = client.post(f"/api/risks/{first.risk_id}/rerate", {"likelihood": 2, "impact": 5, "note": " "},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json() == {"detail": "The risk was not re-rated", "errors": {"note": "Reason: say why the rating changed"}}
