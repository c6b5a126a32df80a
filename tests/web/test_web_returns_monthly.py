"""A monthly KPI in the quarterly return: one field a month of the quarter, stored as month
observations (as the bundle requires for a monthly KPI), with revisions, and the "last value"
the one the reports use (the latest month of the latest quarter)."""

import datetime as dt
from decimal import Decimal

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core.models import Revision
from beacon.domain.periods import Month, Quarter
from beacon.performance import models as pm
from beacon.performance.bundle.load import period_sort
from beacon.returns.models import Return, ReturnEvent, ReturnLine

from web_fixtures import NEXT, NEXT_SLUG

URL = f"/returns/{NEXT_SLUG}/AA/"
OCT, NOV, DEC = "2022-10", "2022-11", "2022-12"


@pytest.fixture
def monthly(data):
    """A3, a monthly KPI of AA with July to September 2022 reported, and an early October figure."""
    a3 = pm.Kpi.objects.create(code="A3", name="Percentage of emails answered in a day", short_name="% emails",
                               directorate=data["aa"], unit="percent", polarity="higher", decimals=0,
                               display_order=4, frequency="monthly")
    pm.KpiTarget.objects.create(kpi=a3, financial_year="2022/23", target=Decimal(90), floor=Decimal(80))
    for label, value in (("2022-07", 80), ("2022-08", 82), ("2022-09", 84), (OCT, 99)):
        m = Month(int(label[:4]), int(label[5:]))
        pm.Observation.objects.create(kpi=a3, period=label, period_sort=period_sort(m), value=Decimal(value))
    return a3


@pytest.fixture
def opened(monthly, open_period):
    return open_period


def _full(**extra):
    return {"kpi-A1-value": "91", "kpi-A2-value": "12", "indicator-AI1-value": "1300",
            f"kpi-A3-{OCT}": "95", f"kpi-A3-{NOV}": "96.5", f"kpi-A3-{DEC}": "97", **extra}


def test_the_form_has_a_field_a_month_and_the_reports_last_value(client_for, opened):
    body = client_for("owner").get(URL).content.decode()
    for name, month in (("October 2022", OCT), ("November 2022", NOV), ("December 2022", DEC)):
        assert f'<label class="govuk-label" for="kpi-A3-{month}">{name} (%)</label>' in body
        assert f'name="kpi-A3-{month}"' in body
    assert 'name="kpi-A3-value"' not in body and 'name="kpi-A1-value"' in body
    # the reports take the latest month of each quarter: September, not October of this quarter
    assert "Last value: 84% (2022/23 Q2, September 2022)" in body
    assert "Last value: 75% (2022/23 Q2)" in body  # a quarterly KPI as before


def test_monthly_validation_names_the_month(client_for, opened):
    owner = client_for("owner")
    response = owner.post(URL, {"action": "save", **_full(**{f"kpi-A3-{NOV}": "ninety", f"kpi-A3-{DEC}": "120"})})
    assert response.status_code == 400
    body = response.content.decode()
    assert "A3 November 2022 value: &#x27;ninety&#x27; is not a number" in body
    assert "A3 December 2022 value: &#x27;120&#x27; is not a percentage between 0 and 100" in body
    assert f'href="#kpi-A3-{NOV}"' in body and f'id="kpi-A3-{NOV}-error"' in body
    assert 'value="ninety"' in body  # what was typed is shown again
    # nothing typed was saved: the return holds only what it started from (October's figure)
    assert [line.month_values for line in ReturnLine.objects.all()] == [{OCT: "99"}]
    # submitting needs every month, or a data note
    assert owner.post(URL, {"action": "save", **_full(**{f"kpi-A3-{DEC}": ""})}).status_code == 302
    response = owner.post(URL, {"action": "submit", **_full(**{f"kpi-A3-{DEC}": ""})})
    assert response.status_code == 400
    assert "A3 December 2022 value: enter a value, or say in the data note why there is none" in response.content.decode()
    response = owner.post(URL, {"action": "submit", **_full(**{f"kpi-A3-{DEC}": "", "kpi-A3-note": "December not yet validated"})})
    assert response.status_code == 302


def test_monthly_return_saves_three_months_and_approval_makes_month_observations(client_for, opened):
    owner, lead = client_for("owner"), client_for("lead")
    assert owner.post(URL, {"action": "save", **_full(**{f"kpi-A3-{DEC}": "98"})}).status_code == 302
    line = ReturnLine.objects.get(kpi__code="A3")
    assert line.month_values == {OCT: "95", NOV: "96.5", DEC: "98"} and line.value_text == "" and line.value is None
    saved = ReturnEvent.objects.filter(action="saved").last().changes
    assert {"field": "A3 December 2022 value", "old": "", "new": "98"} in saved
    assert owner.post(URL, {"action": "submit", **_full(**{"kpi-A3-commentary": "Steady."})}).status_code == 302
    changes = ReturnEvent.objects.filter(action="saved").last().changes
    assert changes == [{"field": "A3 December 2022 value", "old": "98", "new": "97"},
                       {"field": "A3 commentary", "old": "", "new": "Steady."}]
    page = lead.get(URL).content.decode()  # read-only view of the submitted return
    assert "Value for November 2022" in page and "96.5" in page
    assert lead.post(URL, {"action": "approve", "comment": "Thanks"}).status_code == 302
    a3 = pm.Kpi.objects.get(code="A3")
    rows = {o.period: o for o in pm.Observation.objects.filter(kpi=a3)}
    assert NEXT not in rows  # never under the quarter label
    for label, value in ((OCT, "95"), (NOV, "96.5"), (DEC, "97")):
        obs = rows[label]
        assert obs.value == Decimal(value) and obs.status == "provisional"
        assert obs.period_sort == period_sort(Month(int(label[:4]), int(label[5:])))
    # October had a figure already: the change is a revision, as for quarterly values
    rev = Revision.objects.get(entity="observation", key=f"A3 {OCT}", field="value")
    assert (rev.old_value, rev.new_value, rev.changed_by) == ("99", "95", "lead")
    assert rev.source.startswith(f"web return {NEXT} AA")
    assert Revision.objects.filter(entity="observation", key=f"A3 {DEC}", field="value", new_value="97").exists()
    assert pm.Commentary.objects.get(kpi=a3, period=NEXT).text == "Steady."
    # the reports' quarterly value is the latest month of the quarter
    from beacon.performance.results import compute_results
    from beacon.domain.rules import get_rule_set

    result = next(r for r in compute_results(Quarter.parse(NEXT), get_rule_set()) if r.kpi.code == "A3")
    assert result.value == 97 and result.value_observation.period == DEC


def test_month_observations_survive_a_bundle_round_trip(client_for, opened, tmp_path):
    owner, lead = client_for("owner"), client_for("lead")
    assert owner.post(URL, {"action": "submit", **_full(**{"kpi-A3-note": "Provisional email counts"})}).status_code == 302
    assert lead.post(URL, {"action": "approve", "comment": ""}).status_code == 302
    before = sorted(pm.Observation.objects.filter(kpi__code="A3").values_list("period", "period_sort", "value", "note", "status"))
    export_bundle(tmp_path)
    text = (tmp_path / "observations.csv").read_text(encoding="utf-8")
    for label in (OCT, NOV, DEC):
        assert f"A3,{label}," in text
    assert "A3,2022/23 Q3" not in text
    result = import_bundle(tmp_path, user="import", reason="round trip")
    assert not result.changed, list(Revision.objects.filter(changed_by="import").values_list("key", "field"))
    after = sorted(pm.Observation.objects.filter(kpi__code="A3").values_list("period", "period_sort", "value", "note", "status"))
    assert after == before


def test_api_takes_and_shows_months(client_for, opened, users):
    from beacon.core.models import ApiToken

    _, token = ApiToken.issue(users["owner"])
    c = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"lines": [{"code": "A3", "months": {OCT: "93", NOV: "bad"}}]}
    response = c.put(f"/api/returns/{NEXT_SLUG}/AA", body, content_type="application/json", **auth)
    assert response.status_code == 400 and "A3 November 2022 value" in response.content.decode()
    body = {"lines": [{"code": "A3", "months": {OCT: "93", NOV: "94", DEC: "95"}}]}
    response = c.put(f"/api/returns/{NEXT_SLUG}/AA", body, content_type="application/json", **auth)
    assert response.status_code == 200
    line = next(x for x in response.json()["lines"] if x["code"] == "A3")
    assert line["months"] == {OCT: "93", NOV: "94", DEC: "95"} and line["value"] == ""
    assert line["last_period"] == "2022/23 Q2, September 2022" and line["last_value"] == 84
    # a quarter value for a monthly KPI is refused, naming the field
    response = c.put(f"/api/returns/{NEXT_SLUG}/AA", {"lines": [{"code": "A3", "value": "90"}]},
                     content_type="application/json", **auth)
    assert response.status_code == 400 and "A3 is monthly" in response.content.decode()
    assert ReturnLine.objects.get(kpi__code="A3").month_values == {OCT: "93", NOV: "94", DEC: "95"}
    assert Return.objects.get(directorate__code="AA", period__period=NEXT).status == Return.DRAFT
