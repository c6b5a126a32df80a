"""Issue 13, bulk data: the results query reads each table once (not once per KPI), and selects a
large edition's KPIs with the edition's own query instead of naming them one by one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.bundle.importer import import_bundle
from beacon.domain.periods import Quarter
from beacon.domain.rules import get_rule_set
from beacon.performance import results

pytestmark = pytest.mark.django_db
PERIOD = Quarter(2022, 2)


def _bundle(folder: Path, kpis: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    quarters = PERIOD.last(6)
    with open(folder / "directorates.csv", "w", newline="") as f:
        csv.writer(f).writerows([["code", "name"], ["D1", "Directorate 1"]])
    with open(folder / "kpis.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "directorate", "unit", "polarity", "decimals"])
        w.writerows([f"K{k:03d}", f"KPI {k}", "D1", "percent", "higher" if k % 2 else "lower", 0] for k in range(kpis))
    with open(folder / "targets.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kpi", "financial_year", "target", "floor"])
        w.writerows([f"K{k:03d}", y, 70 if k % 2 else 30, 50] for k in range(kpis) for y in ("2021/22", "2022/23"))
    with open(folder / "observations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kpi", "period", "value"])
        w.writerows([f"K{k:03d}", q.label, (k * 7 + i * 5) % 100] for k in range(kpis) for i, q in enumerate(quarters))
    return folder


def _queries(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        out = fn()
    return len(ctx.captured_queries), out


def _summary(found) -> list[tuple]:
    return [(r.code, r.value, r.rag, r.dot, r.severity, r.watch_list, tuple(r.problems)) for r in found]


def test_the_results_query_reads_each_table_once_whatever_the_number_of_kpis(tmp_path, monkeypatch):
    rules = get_rule_set()
    import_bundle(_bundle(tmp_path / "few", 4), user="bulk")
    few, found = _queries(lambda: results.compute_results(PERIOD, rules))
    assert len(found) == 4
    import_bundle(_bundle(tmp_path / "many", 60), user="bulk")
    many, found = _queries(lambda: results.compute_results(PERIOD, rules))
    assert len(found) == 60
    assert many == few, (few, many)
    # past the limit of named KPIs, the same results from the edition's own query
    named = _summary(found)
    assert sum(1 for r in named if r[2] is not None) > 30  # rated: the comparison below means something
    monkeypatch.setattr(results, "IN_LIST_LIMIT", 10)
    selected, found = _queries(lambda: results.compute_results(PERIOD, rules))
    assert _summary(found) == named
    assert selected == many
