"""The dashboards at scale (issue 13): the number of queries a page makes does not grow with the
number of KPIs, long KPI tables come in pages that keep their filters, and what is computed once
per data version (QPR models, rendered tables) is never shown stale: a value imported or approved
is on the pages at once."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.core.models import Directorate
from beacon.domain.periods import Quarter, period_sort
from beacon.performance import models as pm
from beacon.reports import dashboards as svc

from web_fixtures import NEXT, NEXT_SLUG, SLUG, submit_through_services

QUARTERS = Quarter.parse("2022/23 Q2").last(5)


def make_kpis(n: int) -> None:
    """``n`` KPIs over two directorates with targets for both financial years and a value in each
    of five quarters, and an activity indicator with its values (written directly: the tests
    below count the pages' queries, not the import's)."""
    dirs = [Directorate.objects.create(code=c, name=f"Directorate {c}", display_order=i)
            for i, c in enumerate(("DA", "DB"), 1)]
    kpis = pm.Kpi.objects.bulk_create([
        pm.Kpi(code=f"K{i:03d}", name=f"KPI number {i}", short_name=f"KPI {i}", directorate=dirs[i % 2],
               unit="percent", polarity="higher" if i % 3 else "lower", decimals=i % 2, display_order=i)
        for i in range(1, n + 1)])
    years = sorted({q.financial_year.label for q in QUARTERS})
    pm.KpiTarget.objects.bulk_create([
        pm.KpiTarget(kpi=k, financial_year=y, target=Decimal(60 if k.polarity == "higher" else 40),
                     floor=Decimal(50)) for k in kpis for y in years])
    pm.Observation.objects.bulk_create([
        pm.Observation(kpi=k, period=q.label, period_sort=period_sort(q), value=Decimal((i * 7 + j * 13) % 100))
        for i, k in enumerate(kpis) for j, q in enumerate(QUARTERS)])
    ind = pm.ActivityIndicator.objects.create(code="AX", name="Activity", directorate=dirs[0], unit="count",
                                              display_order=1)
    pm.ActivityObservation.objects.bulk_create([
        pm.ActivityObservation(indicator=ind, period=q.label, period_sort=period_sort(q), value=Decimal(100 + j))
        for j, q in enumerate(QUARTERS)])


PAGES = {
    "overview": f"/performance/{SLUG}/",
    "overview filtered": f"/performance/{SLUG}/?rag=RED",
    "overview page 2": f"/performance/{SLUG}/?page=2",
    "directorate": f"/performance/{SLUG}/directorates/DA/",
    "kpi": "/kpis/K001/",
    "indicator": "/activity/AX/",
}


def query_counts(client) -> dict[str, tuple[int, int]]:
    """Each page's queries: the first request after the cache is emptied (every model built) and
    the next one (what every other visitor's request makes)."""
    from django.core.cache import cache

    cache.clear()
    counts = {}
    for name, path in PAGES.items():
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            runs.append(len(ctx.captured_queries))
        counts[name] = tuple(runs)
    return counts


@pytest.fixture
def lead(db, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm

    perm.ensure_groups()
    user = get_user_model().objects.create_user("speed-lead", password="x")
    user.groups.add(Group.objects.get(name=perm.LEAD))
    client.force_login(user)
    return client


def test_the_pages_queries_do_not_grow_with_the_kpis(lead, django_db_blocker):
    make_kpis(20)
    small = query_counts(lead)
    # three times the KPIs, in the same database (the page sizes are the same: page 2 exists
    # only with more KPIs, so it is compared against itself below)
    pm.Observation.objects.all().delete()
    pm.KpiTarget.objects.all().delete()
    pm.ActivityObservation.objects.all().delete()
    pm.ActivityIndicator.objects.all().delete()
    pm.Kpi.objects.all().delete()
    Directorate.objects.all().delete()
    make_kpis(60)
    large = query_counts(lead)
    for name in PAGES:
        (cold_small, warm_small), (cold_large, warm_large) = small[name], large[name]
        # the first request builds the models (the first of the run also reads a few things
        # Django then keeps, so it may make a few more queries, never more with more KPIs)
        assert cold_large <= cold_small, (name, small[name], large[name])
        assert warm_large == warm_small, (name, small[name], large[name])
        # a page viewed again is served from what was computed once: a handful of queries
        assert warm_large <= 15, (name, warm_large)


def test_a_long_kpi_table_comes_in_pages_that_keep_the_filters(lead, monkeypatch):
    from beacon.web.views import dashboards as views

    monkeypatch.setattr(views, "KPIS_PER_PAGE", 10)
    make_kpis(45)
    html = lead.get(f"/performance/{SLUG}/").content.decode()
    assert "45 of 45 KPIs shown. Page 1 of 5: KPIs 1 to 10." in " ".join(html.split())
    model = svc.qpr(Quarter.parse("2022/23 Q2"))
    rows = re.findall(r'href="/kpis/(K\d+)/"', html.split('id="kpis"')[1])
    assert rows == [k.code for k in model.kpis][:10]
    assert 'aria-label="Pages of KPIs"' in html
    assert f'href="?page=2#kpis" rel="next"' in html
    assert 'aria-label="Page 1" aria-current="page"' in html
    # a filter is kept in every page link, and the count is of the filtered KPIs
    reds = [k.code for k in model.kpis if k.rag == "RED"]
    assert len(reds) > 10
    page2 = lead.get(f"/performance/{SLUG}/?rag=RED&page=2").content.decode()
    assert f"{len(reds)} of 45 KPIs shown (filtered). Page 2 of" in " ".join(page2.split())
    assert re.findall(r'href="/kpis/(K\d+)/"', page2.split('id="kpis"')[1]) == reds[10:20]
    assert 'href="?rag=RED&amp;page=1#kpis" rel="prev"' in page2
    # an impossible page number shows the last page rather than failing
    assert lead.get(f"/performance/{SLUG}/?page=99").status_code == 200
    # the directorate page pages its own KPIs
    da = lead.get(f"/performance/{SLUG}/directorates/DA/?page=2").content.decode()
    da_codes = [k.code for k in model.kpis if k.directorate == "DA"]
    assert re.findall(r'href="/kpis/(K\d+)/"', da.split('id="kpis"')[1]) == da_codes[10:20]


def _bundle(folder, a1_q2: str) -> None:
    """The web fixtures' data as a bundle, with A1's 2022/23 Q2 value ``a1_q2``."""
    folder.mkdir(exist_ok=True)

    def write(name, rows):
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)

    write("directorates.csv", [["code", "name", "display_order"], ["AA", "Alpha Services", 1], ["BB", "Beta Services", 2]])
    write("kpis.csv", [["code", "name", "directorate", "unit", "polarity", "decimals"],
                       ["A1", "Percentage of calls answered", "AA", "percent", "higher", 0],
                       ["A2", "Number of days waited", "AA", "days", "lower", 0],
                       ["B1", "Percentage of bins collected", "BB", "percent", "higher", 1]])
    write("targets.csv", [["kpi", "financial_year", "target", "floor"], ["A1", "2022/23", 90, 80],
                          ["A2", "2022/23", 10, 20], ["B1", "2022/23", 95, 90]])
    write("observations.csv", [["kpi", "period", "value"], ["A1", "2022/23 Q1", 88], ["A1", "2022/23 Q2", a1_q2],
                               ["A2", "2022/23 Q2", 9], ["B1", "2022/23 Q2", "96.5"]])


def _a1_row(html: str) -> str:
    return next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if 'href="/kpis/A1/"' in r)


def test_an_import_is_on_the_cached_pages_at_once(client_for, tmp_path):
    from beacon.bundle.importer import import_bundle

    lead = client_for("lead")
    _bundle(tmp_path / "one", "75")
    import_bundle(tmp_path / "one", user="lead")
    for _ in range(2):  # computed, then served from the caches
        row = _a1_row(lead.get(f"/performance/{SLUG}/").content.decode())
        assert "75%" in row and "Red" in row
    assert "75%" in _a1_row(lead.get(f"/performance/{SLUG}/directorates/AA/").content.decode())
    assert "75%" in lead.get("/kpis/A1/").content.decode()

    _bundle(tmp_path / "two", "93")
    import_bundle(tmp_path / "two", user="lead")
    row = _a1_row(lead.get(f"/performance/{SLUG}/").content.decode())
    assert "93%" in row and "Green" in row and "75%" not in row
    assert "93%" in _a1_row(lead.get(f"/performance/{SLUG}/directorates/AA/").content.decode())
    kpi_page = lead.get("/kpis/A1/").content.decode()
    ratings = kpi_page.split("Ratings over time")[1].split("Values and revisions")[0]
    assert "93%" in ratings and "75%" not in ratings


def test_an_approved_return_is_on_the_cached_pages_at_once(client_for, open_period):
    from beacon.returns.models import Return

    lead = client_for("lead")
    for _ in range(2):
        html = lead.get(f"/performance/{NEXT_SLUG}/").content.decode()
        assert "3 KPIs not yet rated" in " ".join(html.split())
    lead.get("/kpis/A1/")
    ret = Return.objects.get(period__period=NEXT, directorate__code="AA")
    submit_through_services(ret, {"A1": "91", "A2": "30"}, "owner", approve_as="lead")
    html = " ".join(lead.get(f"/performance/{NEXT_SLUG}/").content.decode().split())
    assert "1 KPI not yet rated" in html
    row = _a1_row(lead.get(f"/performance/{NEXT_SLUG}/").content.decode())
    assert "91%" in row and "Green" in row
    ratings = lead.get("/kpis/A1/").content.decode().split("Ratings over time")[1].split("Values and revisions")[0]
    assert "Quarter 3" in ratings or "2022/23 Q3" in ratings
    assert "91%" in ratings


def test_a_cleared_cache_is_not_outlived_by_a_process_memory(lead):
    """What a process keeps in memory is tied to the shared cache: emptying the shared cache (as
    an operator may) drops it too, even when the data version is the same."""
    from django.core.cache import cache

    make_kpis(3)
    q = Quarter.parse("2022/23 Q2")
    first = svc.qpr(q)
    assert svc.qpr(q) is first  # this process's memory: no unpickling
    cache.clear()
    assert svc.qpr(q) is not first
