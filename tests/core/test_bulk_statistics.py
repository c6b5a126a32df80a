"""After a bulk write, PostgreSQL's statistics of the tables it filled are refreshed
(``beacon.core.audit.refresh_statistics``): the reads that follow a large import are planned
for the table's real size, not for the empty table it was before."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction

from beacon.bundle.importer import import_bundle
from beacon.core import audit
from beacon.performance.models import Observation

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = Observation._meta.db_table


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("table statistics are PostgreSQL's (scripts/with-postgres); SQLite's planner keeps none here")


def _counted_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s AND relkind = 'r'", [table])
        return cursor.fetchone()[0]


def test_sqlite_needs_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's path")
    assert audit.refresh_statistics(Counter({TABLE: 1_000_000})) == []


def test_an_import_that_fills_a_table_refreshes_its_statistics(demo_dir, monkeypatch):
    _postgresql_only()
    before = _counted_rows(TABLE)
    monkeypatch.setattr(audit, "BULK_ANALYZE_ROWS", 50)
    import_bundle(demo_dir, user="t")
    stored = Observation.objects.count()
    assert stored >= 50
    assert before <= 0  # never analysed (-1) or empty
    assert _counted_rows(TABLE) == stored


def test_a_dry_run_refreshes_nothing(demo_dir, monkeypatch):
    _postgresql_only()
    monkeypatch.setattr(audit, "BULK_ANALYZE_ROWS", 50)
    calls = []
    real = audit.refresh_statistics
    monkeypatch.setattr(audit, "refresh_statistics", lambda inserted: calls.append(inserted) or real(inserted))
    import_bundle(demo_dir, user="t", dry_run=True)
    assert calls == []
    assert Observation.objects.count() == 0


def _directorates(codes) -> int:
    from beacon.core.models import Directorate

    columns = ["code", "name", "section_title", "cabinet_members", "corporate_director", "director_label",
               "display_order", "kpi_heading"]
    return audit.insert_rows(Directorate, columns, [(c, c, "", "[]", "", "Corporate Director", 0, "") for c in codes])


def test_small_writes_and_small_shares_are_left_to_autovacuum(monkeypatch):
    _postgresql_only()
    from beacon.core.models import Directorate

    table = Directorate._meta.db_table
    monkeypatch.setattr(audit, "BULK_ANALYZE_ROWS", 10)
    assert audit.refresh_statistics(Counter({table: 9})) == []  # under the floor
    _directorates(f"D{i}" for i in range(1000))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    assert _counted_rows(table) == 1000
    # 99 more rows is under a tenth of the 1,000 PostgreSQL counted; 100 is not
    assert audit.refresh_statistics(Counter({table: 99})) == []
    assert audit.refresh_statistics(Counter({table: 100})) == [table]


def test_inside_a_transaction_it_waits_for_the_commit(monkeypatch):
    _postgresql_only()
    from beacon.core.models import Directorate

    table = Directorate._meta.db_table
    monkeypatch.setattr(audit, "BULK_ANALYZE_ROWS", 10)
    with transaction.atomic():
        _directorates(f"D{i}" for i in range(20))
        assert audit.refresh_statistics(Counter({table: 20})) == []
        assert _counted_rows(table) <= 0  # not yet
    assert _counted_rows(table) == 20


def test_insert_rows_counts_what_it_copies():
    _postgresql_only()
    from beacon.core.models import Directorate

    with audit.bulk_inserts() as bulk:
        with transaction.atomic():
            _directorates(["X1", "X2"])
    assert bulk.inserted == Counter({Directorate._meta.db_table: 2})
    _directorates(["X3"])  # outside the block: not counted
    assert bulk.inserted == Counter({Directorate._meta.db_table: 2})


def test_a_growing_table_is_counted_again_each_time_it_doubles(monkeypatch):
    """Inside the write's own transaction: the reads between its windows are planned for the
    table's size so far."""
    _postgresql_only()
    from beacon.core.models import Directorate

    table = Directorate._meta.db_table
    monkeypatch.setattr(audit, "BULK_ANALYZE_ROWS", 10)
    with audit.bulk_inserts() as bulk:
        with transaction.atomic():
            _directorates(f"A{i}" for i in range(5))
            assert _counted_rows(table) <= 0  # under the floor
            _directorates(f"B{i}" for i in range(10))
            assert _counted_rows(table) == 15
            _directorates(f"C{i}" for i in range(10))
            assert _counted_rows(table) == 15  # 10 more is not yet double
            _directorates(f"D{i}" for i in range(5))
            assert _counted_rows(table) == 30
    assert bulk.inserted == Counter({table: 30})
