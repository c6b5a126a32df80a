"""The overview tells the truth (issue 10): it opens on the newest complete quarter, labels an
incomplete one with what is still to come, and its counts tables always add up (a Not rated
and a No direction of travel column); unknown filter values are errors on the pages (400, the
GOV.UK error summary linking to the filter) and in the API (422 naming the parameter); the
public home page leads to the latest published report."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.dot import Dot, DotResult
from beacon.domain.periods import Quarter
from beacon.domain.rag import Rag
from beacon.reports import dashboards as svc

from web_fixtures import NEXT, NEXT_SLUG, SLUG, submit_through_services



def _text(cell: str) -> str:
    return re.sub(r"<[^>]+>", " ", cell).split("(")[0].strip()


def counts_table(html: str, caption: str) -> list[dict[str, int]]:
    """The rows of the counts table whose caption starts with ``caption``, as {column key: n}."""
    table = next(t for t in re.findall(r"<table.*?</table>", html, re.S) if re.search(
        r"<caption[^>]*>\s*" + re.escape(caption), t))
    thead, tbody = table.split("</thead>")
    # the head: the row headers' and KPIs' columns span both rows; the group headings (colspan)
    # stand over the second row's columns
    first, second = re.findall(r"<tr.*?</tr>", thead, re.S)
    head = [c for c in re.findall(r"<th(?![^>]*colspan)[^>]*>(.*?)</th>", first, re.S)]
    head += re.findall(r"<th[^>]*>(.*?)</th>", second, re.S)
    labels = {c.label: c.key for c in svc.COUNT_COLUMNS}
    keys = [labels.get(" ".join(_text(h).split()).strip("↑↔↓ ")) for h in head]
    out = []
    for row in re.findall(r"<tr.*?</tr>", tbody, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        out.append({k: int(_text(c)) for k, c in zip(keys, cells, strict=True) if k})
    return out


def words(page: str) -> str:
    """The page's text as one line, entities read (the checks read what a person reads)."""
    return html_lib.unescape(" ".join(page.split()))


def assert_adds_up(row: dict[str, int]) -> None:
    rag = [c.key for c in svc.COUNT_COLUMNS if c.group == "rag"]
    dot = [c.key for c in svc.COUNT_COLUMNS if c.group == "dot"]
    assert set(rag) | set(dot) | {"kpis"} <= set(row), row
    assert sum(row[k] for k in rag) == row["kpis"] == sum(row[k] for k in dot), row


# --- the default quarter and the incomplete label --------------------------------------------
def test_the_overview_opens_on_the_newest_complete_quarter(client_for, open_period):
    """Q3 is open for returns and nothing is approved: the overview and the home page's link
    stay on Q2, the newest complete quarter."""
    lead = client_for("lead")
    response = lead.get("/performance/")
    assert response.status_code == 302 and response["Location"] == f"/performance/{SLUG}/"
    assert f'href="/performance/{SLUG}/">Performance overview, Quarter 2, 2022/23' in lead.get("/").content.decode()
    # the KPI page's way back goes there too
    assert f'href="/performance/{SLUG}/" class="govuk-back-link"' in lead.get("/kpis/A1/").content.decode()


def test_an_incomplete_quarter_says_so_and_its_counts_add_up(client_for, open_period):
    reader = client_for("reader")
    html = reader.get(f"/performance/{NEXT_SLUG}/").content.decode()
    assert "Quarter 3, 2022/23 is not complete yet: 0 of 2 directorates' returns approved; 3 KPIs not yet rated." \
        in words(html)
    rows = counts_table(html, "RAG ratings and direction of travel by directorate")
    assert [r["not_rated"] for r in rows] == [2, 1, 3]  # Alpha, Beta, Total
    for row in rows:
        assert_adds_up(row)
    assert "Of the 3 KPIs, 0 are rated Green, 0 Amber, 0 Red and 3 not rated." in html
    # the directorate page's summary too
    html = reader.get(f"/performance/{NEXT_SLUG}/directorates/AA/").content.decode()
    assert "not complete yet: 0 of 2 directorates' returns approved; 3 KPIs not yet rated" in words(html)
    [row] = counts_table(html, "KPI summary")
    assert_adds_up(row) and row["not_rated"] == 2
    # a complete quarter: no label, and its rows add up all the same
    html = reader.get(f"/performance/{SLUG}/").content.decode()
    assert "not complete yet" not in html
    assert f'href="/performance/{NEXT_SLUG}/">Quarter 3, 2022/23</a> (not complete)' in html  # the way to it says so
    for row in counts_table(html, "RAG ratings and direction of travel by directorate"):
        assert_adds_up(row)


def test_once_every_return_is_approved_the_quarter_is_the_default(client_for, users, open_period):
    from beacon.returns.models import Return

    lead = users["lead"].username
    aa = Return.objects.get(period__period=NEXT, directorate__code="AA")
    submit_through_services(aa, {"A1": "91", "A2": "8"}, lead, approve_as=lead)
    assert client_for("lead").get("/performance/")["Location"] == f"/performance/{SLUG}/"  # BB still to come
    state = svc.quarter_state(Quarter.parse(NEXT), svc.qpr(Quarter.parse(NEXT)))
    assert (state.complete, state.summary) == (False, "1 of 2 directorates' returns approved; 1 KPI not yet rated")
    bb = Return.objects.get(period__period=NEXT, directorate__code="BB")
    submit_through_services(bb, {"B1": "97.2"}, lead, approve_as=lead)
    assert client_for("lead").get("/performance/")["Location"] == f"/performance/{NEXT_SLUG}/"
    assert "not complete yet" not in client_for("lead").get(f"/performance/{NEXT_SLUG}/").content.decode()


@pytest.mark.parametrize("published,returns,approved,complete", [
    (False, 0, 0, True),  # loaded from a bundle: nothing is waiting
    (False, 7, 2, False),
    (False, 7, 7, True),
    (True, 7, 2, True),  # a published edition wins
])
def test_what_complete_means(published, returns, approved, complete):
    assert svc.QuarterState(published, returns, approved).complete is complete


# --- counts always add up (property) ---------------------------------------------------------
_results = st.lists(st.tuples(
    st.sampled_from([None, *Rag]),
    st.sampled_from([None, *Dot]),
    st.sampled_from(["computed", "manual", None]),
    st.sampled_from([(), ("insufficient data",), ("no previous value",)]),
), max_size=40)


@settings(max_examples=60, deadline=None)
@given(_results)
def test_every_counts_row_adds_up(rows):
    """Whatever the ratings and directions, the counts the tables print (every column of
    COUNT_COLUMNS, as ``web/_counts_cells.html`` draws them) add up to the KPIs column."""
    from django.template.loader import render_to_string

    from beacon.performance.results import KpiResult
    from beacon.reports.qpr import count

    q = Quarter.parse(SLUG)
    results = [KpiResult(kpi=None, period=q, rag=rag, dot=dot, dot_source=source,
                         dot_evidence=DotResult(dot or Dot.NOT_AVAILABLE, "trend", flags=flags))
               for rag, dot, source, flags in rows]
    counts = count(results)
    cells = render_to_string("web/_counts_cells.html", {"counts": counts, "changes": None,
                                                        "count_columns": svc.COUNT_COLUMNS})
    values = [int(v) for v in re.findall(r"<td[^>]*>(\d+)</td>", cells)]
    assert len(values) == len(svc.COUNT_COLUMNS)
    assert_adds_up({c.key: v for c, v in zip(svc.COUNT_COLUMNS, values, strict=True)})


# --- filters: unknown values are errors ------------------------------------------------------
def test_an_unknown_filter_value_is_an_error_on_the_page(client_for):
    reader = client_for("reader")
    response = reader.get(f"/performance/{SLUG}/?rag=PURPLE&dot=sideways")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Performance overview" in html  # once (the page's title says so, base.html adds it)
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert ('<a href="#filter-rag">RAG rating: &#x27;PURPLE&#x27; is not one of the choices; choose Green, Amber, '
            'Red or Not rated</a>') in summary
    assert '<a href="#filter-dot">Direction of travel: &#x27;sideways&#x27; is not one of the choices' in summary
    # the field it links to exists, in the error style, described by its message
    assert re.search(r'<select class="govuk-select govuk-select--error" id="filter-rag" name="rag" '
                     r'aria-describedby="filter-rag-error">', html)
    assert 'id="filter-rag-error"' in html
    # the directorate page's filters the same way; and an unknown directorate on the overview
    response = reader.get(f"/performance/{SLUG}/directorates/AA/?dot=sideways")
    assert response.status_code == 400 and 'href="#filter-dot"' in response.content.decode()
    response = reader.get(f"/performance/{SLUG}/?directorate=ZZ")
    assert response.status_code == 400
    assert "Directorate: &#x27;ZZ&#x27; is not one of the choices; choose Alpha Services or Beta Services" \
        in response.content.decode()
    # known values still filter
    response = reader.get(f"/performance/{SLUG}/directorates/AA/?rag=RED")
    assert response.status_code == 200 and "1 of 2 KPIs shown (filtered)" in response.content.decode()


@pytest.fixture
def api(users, client):
    from beacon.core.models import ApiToken

    token = ApiToken.issue(users["reader"], "test")[1]
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("url,parameter", [
    (f"/api/periods/{SLUG}/results?rag=PURPLE", "rag"),
    (f"/api/periods/{SLUG}/results?dot=sideways", "dot"),
    (f"/api/periods/{SLUG}/results?directorate=ZZ", "directorate"),
    ("/api/observations?status=draft", "status"),
    ("/api/observations?directorate=ZZ", "directorate"),
    ("/api/observations?period=last%20quarter", "period"),
    ("/api/kpis?directorate=ZZ", "directorate"),
])
def test_an_unknown_filter_value_is_refused_by_the_api(api, url, parameter):
    response = api(url)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["parameter"] == parameter and parameter in body["errors"]
    assert body["detail"].startswith(f"{parameter}: ")
    if parameter == "rag":
        assert body["allowed"] == ["GREEN", "AMBER", "RED", "NOT_RATED"]
    if parameter == "directorate":
        assert body["allowed"] == ["AA", "BB"]


def test_the_api_periods_and_results_agree_with_the_filters(api):
    # a period written as a slug is the same period
    assert api("/api/observations?period=2022-23-Q2").json()["count"] == 3
    assert api("/api/observations?status=provisional").status_code == 200
    body = api(f"/api/periods/{SLUG}/results").json()
    assert body["complete"] is True and body["state"] == ""
    # the dot field is the direction the filter selects (the one the papers report and count)
    dots = {r["code"]: r["dot"] for r in body["results"]}
    assert dots == {"A1": "not_available", "A2": "not_available", "B1": "not_available"}
    assert {r["code"] for r in api(f"/api/periods/{SLUG}/results?dot=not_available").json()["results"]} == set(dots)
    assert all("insufficient data" in r["dot_flags"] for r in body["results"])


# --- the public home page --------------------------------------------------------------------
def test_the_public_home_page_leads_to_the_latest_report(client_for):
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    public = client_for(None)
    assert "No performance report has been published yet" in public.get("/").content.decode()
    for label in ("2022/23 Q2", "2022/23 Q1"):  # published out of order: the newest quarter leads
        q = Quarter.parse(label)
        publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    html = public.get("/").content.decode()
    assert f'<a class="govuk-link" href="/reports/{SLUG}/">Quarterly Performance Report, Quarter 2, 2022/23</a>' in html
    assert f'href="/reports/{SLUG}/qpr.json">Open data for Quarter 2, 2022/23 (JSON)</a>' in html
    assert 'href="/reports/">All published reports</a>' in html
    assert "2022-23-Q1" not in html
    assert public.get(f"/reports/{SLUG}/qpr.json").status_code == 200
    # a signed-in user keeps their role's home
    html = client_for("owner").get("/").content.decode()
    assert "The latest performance report" not in html and "Performance overview, Quarter 2, 2022/23" in html


# --- in the browser --------------------------------------------------------------------------
from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: E402,F401 (fixtures)


def _browser_marks(test):
    for mark in BROWSER_MARKS:
        test = mark(test)
    return test


@_browser_marks
def test_home_overview_filters_and_search_in_the_browser(browser, site):
    """The public home page leads to the latest report; the lead's overview opens on the newest
    complete quarter, and the open quarter says it is incomplete with a Not rated column; an
    unknown filter is an error summary linking to the filter; search finds a KPI. axe checks
    every page."""
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    q = Quarter.parse(SLUG)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    checked: dict = {}

    public = Visitor(browser, site, checked)
    public.go("/")
    public.click("a:has-text('Quarterly Performance Report, Quarter 2, 2022/23')")
    assert public.page.url.endswith(f"/reports/{SLUG}/") and "Open data (JSON)" in public.page.content()

    lead = Visitor(browser, site, checked)
    lead.sign_in("lead")
    lead.click("a:has-text('Performance overview, Quarter 2, 2022/23')")
    lead.go("/performance/")
    assert lead.page.url.endswith(f"/performance/{SLUG}/")  # Q3 is open, nothing approved yet
    lead.go(f"/performance/{NEXT_SLUG}/")
    warning = lead.page.locator(".govuk-warning-text").inner_text()
    assert "0 of 2 directorates' returns approved; 3 KPIs not yet rated" in warning
    assert lead.page.locator("table").first.locator("th:has-text('Not rated')").count() == 1

    lead.go(f"/performance/{SLUG}/?rag=PURPLE")
    summary = lead.page.locator(".govuk-error-summary")
    assert "RAG rating: 'PURPLE' is not one of the choices" in summary.inner_text()
    summary.locator("a[href='#filter-rag']").click()
    assert lead.page.evaluate("document.activeElement.id") == "filter-rag"  # the summary's link leads to the select

    lead.go("/")  # the search box is on the home page (and on the search page)
    lead.page.fill("#search-q", "calls answered")
    lead.click("button:has-text('Search')")
    lead.click("a:has-text('Percentage of calls answered')")
    assert lead.page.url.endswith("/kpis/A1/")

    assert len(checked) >= 8 and all(not v for v in checked.values())
