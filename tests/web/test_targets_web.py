"""The KPI page's history of targets and floor standards, and the "Change target or floor" form
(the Performance lead): refusals name the field and write nothing; a change is shown at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from beacon.core.models import Revision
from beacon.performance import models as pm

pytestmark = pytest.mark.django_db

FORM = "/kpis/A1/targets/change/"
GOOD = {"financial_year": "2022/23", "field": "floor", "new_value": "70", "effective_from": "2022/23 Q2",
        "reason": "Cabinet lowered the floor standard after the restructure.", "approved_by": "Cabinet",
        "approved_on": "01/11/2022"}


def _opened(client) -> str:
    body = client.get(FORM).content.decode()
    return re.search(r'name="opened" value="([^"]*)"', body).group(1)


def _counts():
    return pm.KpiTarget.objects.count(), pm.TargetChange.objects.count(), Revision.objects.count()


def test_only_the_lead_may_change_a_target(client_for, data):
    for role in ("reader", "owner", "riskmanager", "riskowner", "norole"):
        c = client_for(role)
        assert c.get(FORM).status_code == 403
        assert c.post(FORM, GOOD).status_code == 403
        if role != "norole":
            assert "Change target or floor" not in c.get("/kpis/A1/").content.decode()
    assert client_for(None).get(FORM).status_code == 302
    assert not pm.TargetChange.objects.exists()
    lead = client_for("lead")
    assert 'href="/kpis/A1/targets/change/">Change target or floor' in lead.get("/kpis/A1/").content.decode()
    page = lead.get(FORM).content.decode()
    assert "<h1 class=\"govuk-heading-l\">Change target or floor</h1>" in page
    assert '<option value="2022/23 Q3">2022/23 Q3</option>' in page and "The whole year" in page


@pytest.mark.parametrize("changes, field, words", [
    ({"reason": ""}, "reason", "Reason: say why the target or floor standard changes"),
    ({"new_value": "seventy"}, "new_value", "New value: &#x27;seventy&#x27; is not a number"),
    ({"new_value": "95"}, "new_value", "New value: floor standard (95) must be below target (90)"),
    ({"approved_by": ""}, "approved_by", "Approved by: say who approved the change"),
    ({"approved_on": "31/02/2022"}, "approved_on", "Approved on:"),
    ({"approved_on": "01/01/2027"}, "approved_on", "Approved on: 01/01/2027 is in the future"),
    ({"field": "target_low"}, "field", "What changes: &#x27;target_low&#x27; is not one of the choices"),
    ({"effective_from": "2030/31 Q1"}, "effective_from", "Effective from: &#x27;2030/31 Q1&#x27; is not one of"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(client_for, data, changes, field, words):
    lead = client_for("lead")
    before = _counts()
    response = lead.post(FORM, {**GOOD, **changes, "opened": _opened(lead)})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'<a href="#{field}">' in body and words in body, body[body.find("govuk-error-summary"):][:800]
    assert f'id="{field}-error"' in body
    assert _counts() == before


def test_a_change_is_made_and_the_kpi_page_shows_its_history(client_for, data):
    lead = client_for("lead")
    response = lead.post(FORM, {**GOOD, "opened": _opened(lead)})
    assert response.status_code == 302 and response["Location"] == "/kpis/A1/#target-changes"
    change = pm.TargetChange.objects.get()
    assert (change.old_value, change.new_value, change.effective_from, change.changed_by) == (80, 70, "2022/23 Q2", "lead")
    assert change.approved_on == dt.date(2022, 11, 1)
    pm.TargetChange.objects.create(  # as an import records one: who approved it is not recorded
        kpi=data["a1"], financial_year="2022/23", field="target", old_value=Decimal(90), new_value=Decimal("92.5"),
        reason="targets.csv of the January import", changed_by="importer", changed_at=change.changed_at,
        source="bundle (targets.csv)")
    reader = client_for("reader")
    page = reader.get("/kpis/A1/").content.decode()
    table = page[page.index('id="target-changes"'):]
    table = table[:table.index("</table>")]
    assert "<th scope=\"row\" class=\"govuk-table__header\">Floor standard, 2022/23</th>" in table
    assert ">80%</td>" in table and ">70%</td>" in table and "From 2022/23 Q2" in table
    assert "Cabinet lowered the floor standard" in table and "Cabinet, 1 November 2022" in table
    assert "lead, 20 November 2026" in table
    assert ">92.5%</td>" in table and "Not recorded" in table and "The whole of 2022/23" in table
    assert "2022/23 from 2022/23 Q2" in page  # the row in force from the quarter, in the table by year


def test_a_form_opened_before_another_change_is_refused(client_for, data):
    lead = client_for("lead")
    opened = _opened(lead)
    assert lead.post(FORM, {**GOOD, "opened": opened}).status_code == 302
    before = _counts()
    response = lead.post(FORM, {**GOOD, "new_value": "65", "opened": opened})
    assert response.status_code == 400
    assert "changed since you opened it: nothing was saved" in response.content.decode()
    assert _counts() == before
