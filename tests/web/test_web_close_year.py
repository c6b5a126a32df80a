"""Issue 11: closing a financial year is confirmed, refused for a year with no data or one that
has not ended, and a closed year can be reopened with a reason (kept in its history), then
closed again."""

from __future__ import annotations

import pytest

from beacon.core.audit import history_of
from beacon.domain.periods import FinancialYear
from beacon.performance import models as pm
from beacon.returns import services
from beacon.returns.commands import CloseYear, OpenPeriod, ReopenYear, ReturnError
from beacon.returns.models import YearClosure
from beacon.returns.queries import year_closed

URL = "/returns/close-year/"


def _said(response) -> list[str]:
    """The messages the returns page showed after the post (followed)."""
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/returns/"
    return [str(m) for m in response.context["messages"]]


def test_closing_a_year_asks_for_confirmation(client_for):
    lead = client_for("lead")
    page = lead.get("/returns/").content.decode()
    assert 'name="confirm"' in page and "I confirm that every value of this year becomes final" in page
    response = lead.post(URL, {"financial_year": "2022/23"}, follow=True)
    assert _said(response) == ["2022/23 was not closed: tick to confirm that every value of the year becomes final"]
    assert not year_closed("2022/23")
    assert pm.Observation.objects.filter(status="final").count() == 0
    response = lead.post(URL, {"financial_year": "2022/23", "confirm": "1"}, follow=True)
    assert year_closed("2022/23")
    assert _said(response) == ["2022/23 is closed: 6 observations are now final."]


@pytest.mark.parametrize("year, problem", [
    ("2019/20", "2019/20 has no data: there is nothing to close"),
    ("2027/28", "2027/28 is in the future"),
    ("2026/27", "2026/27 has not ended yet: it ends on 31 March 2027"),
])
def test_a_year_with_no_data_or_not_ended_is_not_closed(client_for, year, problem):
    response = client_for("lead").post(URL, {"financial_year": year, "confirm": "1"}, follow=True)
    assert _said(response) == [f"{year} was not closed: {problem}"]
    assert not YearClosure.objects.exists()


def test_the_service_refuses_an_empty_or_future_year(data):
    for year in ("2019/20", "2030/31"):
        with pytest.raises(ReturnError):
            services.close_year(CloseYear(FinancialYear.parse(year), "lead"))
    assert not YearClosure.objects.exists()


def test_a_closed_year_is_reopened_with_a_reason_recorded_then_closed_again(client_for, users):
    lead = client_for("lead")
    lead.post(URL, {"financial_year": "2022/23", "confirm": "1"}, follow=True)
    assert year_closed("2022/23")
    with pytest.raises(ReturnError):
        services.open_period(OpenPeriod(FinancialYear.parse("2022/23").quarter(4), None, "lead"))
    page = lead.get("/returns/").content.decode()
    assert "Reopen a closed year" in page and 'id="reopen-reason"' in page

    response = lead.post(URL, {"action": "reopen", "financial_year": "2022/23", "reason": ""}, follow=True)
    assert _said(response) == ["2022/23 was not reopened: Reason: say why the year is reopened"]
    assert year_closed("2022/23")

    response = lead.post(URL, {"action": "reopen", "financial_year": "2022/23",
                               "reason": "Q4 value of A1 was keyed wrongly"}, follow=True)
    assert _said(response) == ["2022/23 is reopened: its returns and data can be corrected; close it again when "
                               "they are."]
    assert not year_closed("2022/23")
    closure = YearClosure.objects.get(financial_year="2022/23")
    assert (closure.reopened_by, closure.reopen_reason) == ("lead", "Q4 value of A1 was keyed wrongly")
    history = [(r.field, r.old_value, r.new_value, r.reason, r.changed_by) for r in history_of(closure)]
    assert history[-1] == ("status", "closed", "reopened", "Q4 value of A1 was keyed wrongly", "lead")
    page = lead.get("/returns/").content.decode()
    assert "Q4 value of A1 was keyed wrongly" in page

    # reopening a year that is not closed says so; the year can be closed again
    response = lead.post(URL, {"action": "reopen", "financial_year": "2022/23", "reason": "again"}, follow=True)
    assert _said(response) == ["2022/23 was not reopened: 2022/23 is not closed"]
    lead.post(URL, {"financial_year": "2022/23", "confirm": "1"}, follow=True)
    assert year_closed("2022/23") and YearClosure.objects.filter(financial_year="2022/23").count() == 2


def test_only_the_lead_may_reopen_a_year(client_for):
    client_for("lead").post(URL, {"financial_year": "2022/23", "confirm": "1"})
    response = client_for("owner").post(URL, {"action": "reopen", "financial_year": "2022/23", "reason": "mine"})
    assert response.status_code == 403
    with pytest.raises(ReturnError) as caught:
        services.reopen_year(ReopenYear(FinancialYear.parse("2022/23"), "  ", "lead"))
    assert caught.value.field_errors == {"reason": "Reason: say why the year is reopened"}
    assert year_closed("2022/23")
