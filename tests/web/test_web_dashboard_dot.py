"""The dashboard's direction-of-travel filter is the direction the counts report (issue 8
leftover): three quarters of values are too few for a trend, so the rule set's "stable
(insufficient data)" is counted as no direction of travel, and "stable" must not list it."""

from beacon.domain.periods import Quarter
from beacon.reports import dashboards as svc

from web_fixtures import SLUG


def test_the_dot_filter_lists_the_kpis_the_counts_count(client_for):
    model = svc.qpr(Quarter.parse(SLUG))
    assert {k.code: (k.dot, k.reported_dot) for k in model.kpis} == {
        "A1": ("stable", "not_available"), "A2": ("stable", "not_available"), "B1": ("stable", "not_available")}
    assert (model.totals.stable, model.totals.not_available) == (0, 3)

    assert svc.filter_kpis(model, dot="stable") == []
    assert [k.code for k in svc.filter_kpis(model, dot="not_available")] == ["A1", "A2", "B1"]

    reader = client_for("reader")
    stable = reader.get(f"/performance/{SLUG}/?dot=stable", HTTP_HX_REQUEST="true").content.decode()
    assert "0 of 3 KPIs shown (filtered)" in stable
    none = reader.get(f"/performance/{SLUG}/?dot=not_available", HTTP_HX_REQUEST="true").content.decode()
    assert "3 of 3 KPIs shown (filtered)" in none
    # the table shows the direction it is filtered and counted by
    assert "beacon-dot--not_available" in none and "beacon-dot--stable" not in none


def test_the_api_filters_the_same_way(client_for, users):
    from beacon.core.models import ApiToken

    token = ApiToken.issue(users["reader"], "test")[1]
    client = client_for(None)
    url = f"/api/periods/{SLUG}/results"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"{url}?dot=stable", **headers).json()["results"] == []
    assert len(client.get(f"{url}?dot=not_available", **headers).json()["results"]) == 3
