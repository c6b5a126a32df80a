"""The return's pages take input through Django forms, with the GOV.UK error pattern: the error
summary links only to ids on the page, every field in error has the error class and is
described by its error message; the API builds the same commands from typed input (numbers as
numbers)."""

from html.parser import HTMLParser

import pytest

from beacon.returns.models import Return, ReturnLine
from beacon.core.models import ApiToken

from web_fixtures import NEXT_SLUG

URL = f"/returns/{NEXT_SLUG}/AA/"
ERROR_CLASSES = ("govuk-input--error", "govuk-textarea--error")


class Page(HTMLParser):
    """Ids, the fields (input, textarea) with their attributes, and the error summary's links."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.fields: dict[str, dict] = {}
        self.summary_links: list[str] = []
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("input", "textarea") and a.get("name") and a.get("type") != "hidden":
            self.fields[a["name"]] = a
        if tag == "div" and "govuk-error-summary" in (a.get("class") or "").split():
            self._in_summary = 1
        elif self._in_summary and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])

    def in_error(self) -> set[str]:
        return {name for name, a in self.fields.items() if any(c in (a.get("class") or "") for c in ERROR_CLASSES)}


def assert_govuk_errors(html: str, expected_fields: set[str]) -> Page:
    page = Page(html)
    assert set(page.summary_links) == expected_fields
    assert page.in_error() == expected_fields
    for name in expected_fields:
        field = page.fields[name]
        assert field["id"] in page.summary_links
        described = (field.get("aria-describedby") or "").split()
        assert f"{field['id']}-error" in described and all(d in page.ids for d in described), (name, described)
    return page


def test_every_field_in_error_is_marked_and_linked(client_for, open_period):
    owner = client_for("owner")
    response = owner.post(URL, {
        "action": "save", "kpi-A1-value": "ninety", "kpi-A2-value": "-3", "kpi-A2-note": "n" * 5001,
        "indicator-AI1-commentary": "c" * 5001, "commentary": "d" * 5001,
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert_govuk_errors(body, {"kpi-A1-value", "kpi-A2-value", "kpi-A2-note", "indicator-AI1-commentary", "commentary"})
    assert "A2 note: must be 5000 characters or fewer" in body
    assert "Directorate commentary: must be 5000 characters or fewer" in body
    assert not ReturnLine.objects.exists()


def test_submit_errors_from_the_service_land_on_their_fields(client_for, open_period):
    response = client_for("owner").post(URL, {"action": "submit", "kpi-A1-value": "91"})
    assert response.status_code == 400
    assert_govuk_errors(response.content.decode(), {"kpi-A2-value"})
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    assert ret.status == Return.Status.DRAFT  # the draft was saved


def test_review_and_open_period_forms(client_for, open_period, users):
    from web_fixtures import submit_through_services

    submit_through_services(Return.objects.get(period=open_period, directorate__code="AA"), {"A1": "91", "A2": "8"}, "owner")
    lead = client_for("lead")
    response = lead.post(URL, {"action": "send_back", "comment": " "})
    assert response.status_code == 400
    assert_govuk_errors(response.content.decode(), {"comment"})
    response = lead.post("/returns/", {"period": "2022/23 Q3", "due_date": ""})
    assert response.status_code == 400
    body = response.content.decode()
    page = assert_govuk_errors(body, {"due_date"})
    assert "Due date: Enter the date returns are due" in body
    assert page.fields["period"]["value"] == "2022/23 Q3"
    response = lead.post("/returns/", {"period": "2022/23 Q3", "due_date": "2023-01-15"})
    assert response.status_code == 400 and "Period: 2022/23 Q3 is already open for returns" in response.content.decode()
    assert_govuk_errors(response.content.decode(), {"period"})


@pytest.fixture
def api_owner(users, client):
    _, token = ApiToken.issue(users["owner"])

    def put(body):
        return client.put(f"/api/returns/{NEXT_SLUG}/AA", body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}")

    return put


def test_the_api_takes_numbers_as_numbers(api_owner, open_period):
    response = api_owner({"lines": [{"code": "A1", "value": 91.5}, {"code": "A2", "value": "1,012"},
                                    {"code": "AI1", "kind": "indicator", "value": 1300}]})
    assert response.status_code == 200, response.content
    values = {line["code"]: line["value"] for line in response.json()["lines"]}
    assert values == {"A1": "91.5", "A2": "1012", "AI1": "1300"}
    response = api_owner({"lines": [{"code": "A1", "value": 101}]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"kpi-A1-value": "A1 value: '101' is not a percentage between 0 and 100"}
    response = api_owner({"lines": [{"code": "A1", "value": None}]})
    assert response.status_code == 200 and response.json()["lines"][0]["value"] == ""
