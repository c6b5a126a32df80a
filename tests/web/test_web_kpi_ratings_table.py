"""A KPI page's ratings over time come from one small table per quarter (``kpi_ratings``), taken
from the quarter's QPR model and kept per data version: the same figures the model gives, and a
change to the data is on the page at once."""

from __future__ import annotations

from decimal import Decimal

from beacon.domain.periods import Quarter, period_sort
from beacon.performance import models as pm
from beacon.reports import dashboards as svc

from web_fixtures import SLUG


def test_the_ratings_table_is_the_models_figures(data):
    q = Quarter.parse(SLUG)
    table = svc.kpi_ratings(q)
    model = svc.qpr(q)
    assert set(table) == {e.code for e in model.kpis}
    for e in model.kpis:
        assert table[e.code] == {"value": e.value, "rag": e.rag, "rag_source": e.rag_source, "dot": e.reported_dot,
                                 "target": e.target, "floor": e.floor, "decimals": e.decimals,
                                 "target_source": e.target_source, "floor_source": e.floor_source}


def test_kpi_history_ratings_follow_each_quarters_model_and_the_data(data):
    kpi = pm.Kpi.objects.get(code="A1")
    history = svc.kpi_history(kpi)
    assert history["ratings"], "the fixture's KPI has rated quarters"
    for row in history["ratings"]:
        entry = svc.qpr(row["period"]).kpi_by_code["A1"]
        assert (row["value"], row["rag"], row["dot"], row["target"]) == (entry.value, entry.rag, entry.reported_dot,
                                                                         entry.target)
    # a new quarter's value gives a new data version: the table is computed again, not served stale
    q = Quarter.parse(SLUG).next()
    pm.Observation.objects.create(kpi=kpi, period=q.label, period_sort=period_sort(q), value=Decimal("99"))
    newest = svc.kpi_history(kpi)["ratings"][0]
    assert newest["period"] == q and newest["value"] == 99


def test_one_kpis_rating_is_the_one_its_quarters_model_gives(data):
    """Computed for the one KPI (nothing computed yet for the version) or read from the quarter's
    table (once the model is computed): the same figures."""
    from django.core.cache import cache

    quarters = svc.available_periods()
    kpis = list(pm.Kpi.objects.all())
    alone = {(k.code, q): svc.kpi_rating(k, q) for k in kpis for q in quarters}
    assert any(v is not None for v in alone.values())
    for q in quarters:
        svc.qpr(q)
    from_models = {(k.code, q): svc.kpi_rating(k, q) for k in kpis for q in quarters}
    assert from_models == alone
    for q in quarters:
        assert svc._peek(["ratings:" + q.slug], svc.data_version())
    cache.clear()  # a new generation: nothing remembered
    assert all(not svc._peek(["ratings:" + q.slug], svc.data_version()) for q in quarters)


def test_the_kpi_chart_is_the_same_picture_with_or_without_the_quarters_model(data):
    from django.core.cache import cache

    q = Quarter.parse(SLUG)
    for kpi in pm.Kpi.objects.select_related("directorate", "sub_area"):
        cache.clear()
        alone = svc.kpi_chart_for(kpi, q)
        svc.qpr(q)
        from_model = svc.kpi_chart_for(kpi, q)
        assert (alone is None) == (from_model is None)
        if alone is not None:
            assert alone.key == from_model.key and alone.svg == from_model.svg and alone.alt == from_model.alt
