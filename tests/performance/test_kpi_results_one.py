"""One KPI's results over several quarters (``results.kpi_results``, what a KPI page's ratings
over time use) are exactly what the whole edition's results give that KPI, in a fixed number of
queries: the demo data has manual ratings and directions, published ratings, illustrative values
and KPIs reported in arrears."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.bundle.importer import import_bundle
from beacon.domain.periods import Quarter
from beacon.domain.rules import get_rule_set
from beacon.performance import models, results
from beacon.reports.qpr import _kpi_entry

pytestmark = pytest.mark.django_db


def test_one_kpis_results_are_the_editions(demo_dir, demo_period):
    import_bundle(demo_dir, user="demo")
    rules = get_rule_set()
    period = Quarter.parse(demo_period)
    quarters = [period.next(), *period.last(8)]  # the quarter after has no data: in no edition
    editions = {q: {r.code: r for r in results.compute_results(q, rules)} for q in quarters}
    kpis = list(models.Kpi.objects.select_related("directorate", "sub_area"))
    compared = 0
    for kpi in kpis:
        with CaptureQueriesContext(connection) as ctx:
            alone = results.kpi_results(kpi, quarters, rules)
        assert len(ctx.captured_queries) == 3
        for q in quarters:
            whole = editions[q].get(kpi.code)
            assert (alone[q] is None) == (whole is None), (kpi.code, q.label)
            if whole is not None:
                assert _kpi_entry(alone[q]) == _kpi_entry(whole), (kpi.code, q.label)
                compared += 1
    assert compared > len(kpis)
    assert results.kpi_results(kpis[0], [], rules) == {}
