"""The quarterly return's tables move from the web app to the returns app with their rows:
rows written at the old state (web 0005) are found, unchanged but for the typed values, through
the returns app's models after migrating; and the way back restores the old tables.

Runs on SQLite and (``make test-postgres``) on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from beacon.core.models import Directorate

OLD = [("web", "0005_clock_defaults"), ("returns", None), ("core", None)]
AT = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _applied_state():
    """The models as the applied migrations leave them."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _tables():
    return {t for t in connection.introspection.table_names() if t.startswith(("web_", "returns_"))}


@pytest.mark.django_db(transaction=True)
def test_rows_move_from_the_web_app_to_the_returns_app():
    latest = _latest()
    executor = _migrate(OLD)
    assert {"web_return", "web_returnline", "web_returnperiod", "web_returnevent", "web_yearclosure"} <= _tables()
    assert not any(t.startswith("returns_") for t in _tables())

    # the old state: the return's models are the web app's
    old = _applied_state()
    # (directorates were the performance app's then: core/0001 moved them)
    directorate = old.get_model("performance", "Directorate").objects.create(code="AA", name="Alpha Services")
    kpi = old.get_model("performance", "Kpi")
    a1 = kpi.objects.create(code="A1", name="Calls answered", directorate_id=directorate.pk, unit="percent",
                            polarity="higher")
    a3 = kpi.objects.create(code="A3", name="Emails answered", directorate_id=directorate.pk, unit="percent",
                            polarity="higher", frequency="monthly")
    ind = old.get_model("performance", "ActivityIndicator").objects.create(
        code="AI1", name="Calls received", directorate_id=directorate.pk, unit="count")
    rp = old.get_model("web", "ReturnPeriod").objects.create(
        period="2022/23 Q3", period_sort=2022 * 12 + 12, due_date=dt.date(2023, 1, 15), opened_by="lead", opened_at=AT)
    ret = old.get_model("web", "Return").objects.create(
        period_id=rp.pk, directorate_id=directorate.pk, status="submitted", commentary="A good quarter.",
        submitted_by="owner", submitted_at=AT)
    line = old.get_model("web", "ReturnLine")
    line.objects.create(ret_id=ret.pk, kpi_id=a1.pk, value_text="91.5", value=Decimal("91.5"), note="Provisional")
    line.objects.create(ret_id=ret.pk, kpi_id=a3.pk, month_values={"2022-10": "97%", "2022-11": "96.50", "2022-12": ""})
    line.objects.create(ret_id=ret.pk, indicator_id=ind.pk, value_text="1,300", value=Decimal(1300))
    old.get_model("web", "ReturnEvent").objects.create(ret_id=ret.pk, action="submitted", by="owner", at=AT)
    old.get_model("web", "YearClosure").objects.create(financial_year="2021/22", closed_by="lead", closed_at=AT)

    _migrate(latest)
    assert not any(t.startswith("web_return") or t == "web_yearclosure" for t in _tables())

    from beacon.returns.models import Return, ReturnEvent, YearClosure

    moved = Return.objects.get(pk=ret.pk)
    assert (moved.period.period, moved.directorate.code, moved.status, moved.commentary, moved.submitted_by) == (
        "2022/23 Q3", "AA", Return.Status.SUBMITTED, "A good quarter.", "owner")
    lines = {(x.kpi.code if x.kpi else x.indicator.code): x for x in moved.lines.select_related("kpi", "indicator")}
    assert (lines["A1"].value, lines["A1"].value_text, lines["A1"].note) == (Decimal("91.5"), "91.5", "Provisional")
    assert lines["A3"].value is None and lines["A3"].month_values == {"2022-10": "97", "2022-11": "96.5", "2022-12": ""}
    assert lines["AI1"].value == 1300 and lines["AI1"].value_text == "1300"
    assert [(e.get_action_display(), e.by) for e in ReturnEvent.objects.filter(ret=moved)] == [("Submitted", "owner")]
    assert YearClosure.objects.get().financial_year == "2021/22"
    # the moved tables take new rows after the old ones
    assert Return.objects.create(period=moved.period, directorate=Directorate.objects.create(code="BB", name="B")).pk > ret.pk

    # and back: the web app's tables again, with the values as text
    _migrate(OLD)
    old = _applied_state()
    assert old.get_model("web", "ReturnLine").objects.get(kpi_id=a1.pk).value_text == "91.5"
    assert old.get_model("web", "Return").objects.count() == 2
    _migrate(latest)
