"""The bulk path of the import (issue 13's first step): observations are written in a few queries
whatever their number, with exactly the outcome, row by row, of the one-row writing rule
(``beacon.core.audit.save_with_history``): created, changed with a revision per changed field, or
left alone."""

from __future__ import annotations

import csv
import itertools
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.bundle.importer import import_bundle
from beacon.core import audit
from beacon.core.models import Revision
from beacon.domain.periods import Quarter
from beacon.performance import models

pytestmark = pytest.mark.django_db
_EXAMPLES = itertools.count()


def _bundle(folder: Path, kpis: int, quarters: int, value=lambda k, i: 50 + k + i) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    periods = Quarter(2022, 2).last(quarters)
    with open(folder / "directorates.csv", "w", newline="") as f:
        csv.writer(f).writerows([["code", "name"], ["D1", "Directorate 1"]])
    with open(folder / "kpis.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "directorate", "unit", "polarity", "decimals"])
        w.writerows([[f"K{k:03d}", f"KPI {k}", "D1", "percent", "higher", 0] for k in range(kpis)])
    with open(folder / "observations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kpi", "period", "value"])
        w.writerows([[f"K{k:03d}", q.label, value(k, i)] for k in range(kpis) for i, q in enumerate(periods)])
    return folder


def _queries_to_import(path: Path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        import_bundle(path, user="bulk")
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_observations(tmp_path):
    few = _queries_to_import(_bundle(tmp_path / "few", kpis=3, quarters=4))
    many = _queries_to_import(_bundle(tmp_path / "many", kpis=3, quarters=40))  # ten times the observations
    # the same KPIs: only the observations (and their revisions) grow, and they are written in batches
    assert many <= few + 4, (few, many)


def test_a_changed_bundle_records_a_revision_for_each_changed_value_and_nothing_else(tmp_path):
    import_bundle(_bundle(tmp_path / "a", kpis=2, quarters=5), user="first")
    before = set(Revision.objects.values_list("pk", flat=True))
    result = import_bundle(_bundle(tmp_path / "b", kpis=2, quarters=5,
                                   value=lambda k, i: 99 if (k, i) == (1, 3) else 50 + k + i), user="second")
    assert dict(result.summary["observations.csv"]) == {"changed": 1, "unchanged": 9}
    new = Revision.objects.exclude(pk__in=before)
    assert [(r.entity, r.key, r.field, r.old_value, r.new_value, r.changed_by) for r in new] == [
        ("observation", "K001 2022/23 Q1", "value", "54", "99", "second")]
    obs = models.Observation.objects.get(kpi__code="K001", period="2022/23 Q1")
    assert obs.value == Decimal("99")
    assert audit.history_of(obs).count() == 2  # its creation and the change


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 3))), min_size=1, max_size=12,
                unique_by=lambda t: t[0]),
       st.lists(st.integers(0, 5), max_size=4, unique=True))
def test_many_at_once_gives_the_outcome_of_one_at_a_time(rows, stored):
    """For any mix of stored and new rows and of changed and unchanged values, the bulk writer and
    the one-row writer leave the same rows, the same outcomes and the same revisions."""
    from beacon.core.models import Directorate

    def run(bulk: bool, tag: str):
        d = Directorate.objects.create(code=f"D{tag}", name=tag)
        kpi = models.Kpi.objects.create(code=f"K{tag}", name=tag, directorate=d, unit="percent", polarity="higher")
        for n in stored:
            models.Observation.objects.create(kpi=kpi, period=f"2022/23 Q{n % 4 + 1}" if n < 4 else f"2021/22 Q{n - 3}",
                                              period_sort=n, value=Decimal(1))
        change = audit.Change(by=tag, at=dt.datetime(2023, 1, 5, tzinfo=dt.timezone.utc))
        items = []
        for n, value in rows:
            period = f"2022/23 Q{n % 4 + 1}" if n < 4 else f"2021/22 Q{n - 3}"
            items.append(audit.Planned({"kpi": kpi, "period": period}, {"value": value}, "observation", period, change,
                                       defaults={"period_sort": n}, track_creation=("value",)))
        if bulk:
            audit.save_many_with_history(models.Observation, items, scope={"kpi": kpi})
            outcomes = [i.outcome for i in items]
        else:
            outcomes = [audit.save_with_history(models.Observation, i.lookup, i.values, entity=i.entity, key=i.key,
                                                change=i.change, defaults=i.defaults,
                                                track_creation=i.track_creation)[1] for i in items]
        state = sorted((o.period, o.value) for o in models.Observation.objects.filter(kpi=kpi))
        revisions = sorted((r.key, r.field, r.old_value, r.new_value) for r in Revision.objects.filter(changed_by=tag))
        return outcomes, state, revisions

    tag = str(next(_EXAMPLES))  # the examples share one test transaction: each its own directorate and KPI
    assert run(True, "bulk" + tag) == run(False, "one" + tag)


def test_an_import_runs_with_fewer_collections_and_puts_the_collector_back():
    """The collector's settings during an import, and after it (also when it fails, and when two
    overlap): the thresholds the process had before, nothing left frozen."""
    import gc

    from beacon.core.memory import BULK_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    assert before != BULK_GC_THRESHOLD
    with fewer_collections():
        assert gc.get_threshold() == BULK_GC_THRESHOLD and gc.get_freeze_count() > 0
        with fewer_collections():  # a second import in another thread of the same process
            assert gc.get_threshold() == BULK_GC_THRESHOLD
        assert gc.get_threshold() == BULK_GC_THRESHOLD  # the first is still running
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    try:
        with fewer_collections():
            raise ValueError("a bad bundle")
    except ValueError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
