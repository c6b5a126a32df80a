"""Search across KPIs, activity indicators and risks (issue 10): a plain GET form, results
grouped by kind with code, title and directorate, each linked to a page its reader may open."""

from __future__ import annotations

import re

from beacon.domain.periods import Quarter

from web_fixtures import SLUG


def _groups(html: str) -> dict[str, list[tuple[str, str, str]]]:
    """{heading: [(code, title, directorate)]} of a results page."""
    out = {}
    for heading, table in re.findall(r'<h2 class="govuk-heading-m" id="results-[^"]+">(.*?)</h2>\s*(<table.*?</table>)',
                                     html, re.S):
        rows = []
        for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody")[1], re.S):
            cells = [re.sub(r"<[^>]+>", "", c).split(" (in the report")[0].strip()
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            rows.append(tuple(cells))
        out[heading] = rows
    return out


def test_search_finds_kpis_indicators_and_risks_for_a_reader(client_for, users, risks):
    reader = client_for("reader")
    html = reader.get("/search/?q=calls").content.decode()
    assert _groups(html) == {
        "KPIs": [("A1", "Percentage of calls answered", "Alpha Services")],
        "Activity indicators": [("AI1", "Calls received – by quarter", "Alpha Services")],
    }
    assert '<a class="govuk-link" href="/kpis/A1/">Percentage of calls answered</a>' in html
    assert '<a class="govuk-link" href="/activity/AI1/">Calls received – by quarter</a>' in html
    # every word must match, in any field (the directorate's name too); a code finds its KPI first
    assert _groups(reader.get("/search/?q=beta+bins").content.decode()) == {
        "KPIs": [("B1", "Percentage of bins collected", "Beta Services")]}
    from beacon.reports import search as svc

    assert svc.search("a2", users["reader"]).groups[0].hits[0].code == "A2"  # any case
    first, second = risks
    html = reader.get("/search/?q=cyber").content.decode()
    assert _groups(html) == {"Risks": [(second.risk_id, "Cyber attack", "–")]}
    assert f'href="/risks/{second.risk_id}/"' in html
    html = reader.get("/search/?q=nothing+like+this").content.decode()
    assert "No results for ‘nothing like this’" in html and "<table" not in html


def test_search_respects_permissions(client_for, users, risks):
    """The public finds only what the published reports show (and no risks); a user without a
    role likewise; risks only for those who may view the register."""
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    public = client_for(None)
    assert _groups(public.get("/search/?q=calls").content.decode()) == {}
    assert _groups(public.get("/search/?q=cyber").content.decode()) == {}
    q = Quarter.parse(SLUG)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    html = public.get("/search/?q=calls").content.decode()
    assert _groups(html)["KPIs"] == [("A1", "Percentage of calls answered", "Alpha Services")]
    # linked to the published report, never to the dashboard pages the public may not open
    assert f'href="/reports/{SLUG}/">Percentage of calls answered</a>' in html and 'href="/kpis/' not in html
    assert public.get(f"/reports/{SLUG}/").status_code == 200
    assert "Risks" not in _groups(public.get("/search/?q=cyber").content.decode())
    assert "Risks" not in _groups(client_for("norole").get("/search/?q=cyber").content.decode())
    assert "Risks" in _groups(client_for("riskowner").get("/search/?q=cyber").content.decode())
    # the form says what it searches
    assert "Search KPIs and activity indicators in the published reports, meetings, papers and decisions" in public.get("/search/").content.decode()
    assert "Search KPIs, activity indicators, risks, meetings, papers and decisions" in client_for("reader").get("/search/").content.decode()


def test_the_search_form_works_without_javascript(client_for):
    html = client_for(None).get("/").content.decode()
    form = html.split('role="search"')[0].rsplit("<form", 1)[1] + html.split('role="search"')[1].split("</form>")[0]
    assert 'method="get" action="/search/"' in form and 'name="q"' in form and "<button" in form
    assert '<label class="govuk-label govuk-label--s" for="search-q">' in form
    html = client_for("reader").get("/search/?q=A1").content.decode()
    assert 'value="A1"' in html  # the query stays in the box
    assert _groups(html)["KPIs"][0][0] == "A1"


def test_a_kind_registered_later_is_searched(client_for, db):
    """Governance adds meetings and papers by registering a kind: the page shows its group."""
    from beacon.reports import search as svc

    @svc.searchable("papers", "Papers")
    def _papers(words, user):
        return [svc.Hit("P1", "Budget paper", "", "reports", ())] if "budget" in words else []

    try:
        html = client_for(None).get("/search/?q=budget").content.decode()
        assert _groups(html) == {"Papers": [("P1", "Budget paper", "–")]}
        assert '<a class="govuk-link" href="/reports/">Budget paper</a>' in html
    finally:
        del svc.KINDS["papers"]
