"""Issue 11: writes are safe under concurrency. Two imports at once run one after the other (no
lost note, no IntegrityError on a KPI both create), five risks added at once get five ids, and a
publication taken while an import runs reads one consistent state (its documents and its data
snapshot agree).

These need a database with real concurrent connections: they run on PostgreSQL
(``scripts/with-postgres``) and skip on SQLite, where every write transaction is the database's
one write lock anyway (``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import dataclasses
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from beacon.bundle import importer
from beacon.core.audit import history_of
from beacon.domain.periods import Quarter
from beacon.demo import DEMO_PERIOD

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_ROW = "CS1,2022/23 Q2,"


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (scripts/with-postgres); SQLite serialises every write")


def _slow_loads(monkeypatch, seconds=0.6):
    """Every part's load dawdles before it writes, so that two imports started together both
    check and read the data before either has written (unless one waits for the other)."""
    def slow(load):
        def run(parsed, ctx):
            time.sleep(seconds)
            return load(parsed, ctx)
        return run

    monkeypatch.setattr(importer, "PARTS", [dataclasses.replace(p, load=slow(p.load)) for p in importer.PARTS])


def _together(*jobs):
    """Run the jobs in threads released at the same moment; each job's result or exception."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each one raised
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    [t.start() for t in threads]
    [t.join(timeout=120) for t in threads]
    return results


def _observation(code="CS1", period=DEMO_PERIOD):
    from beacon.performance.models import Observation

    return Observation.objects.get(kpi__code=code, period=period)


def test_two_imports_setting_the_same_note_keep_a_history_that_agrees(make_bundle, monkeypatch):
    _postgresql_only()
    first, second = make_bundle(), make_bundle()
    importer.import_bundle(first.root, user="setup")
    first.set_cell("observations.csv", NOTE_ROW, "note", "Note from the first bundle")
    second.set_cell("observations.csv", NOTE_ROW, "note", "Note from the second bundle")
    _slow_loads(monkeypatch)
    results = _together(lambda: importer.import_bundle(first.root, user="one"),
                        lambda: importer.import_bundle(second.root, user="two"))
    assert all(isinstance(r, importer.ImportResult) for r in results), results
    obs = _observation()
    assert obs.note in ("Note from the first bundle", "Note from the second bundle")
    notes = [r for r in history_of(obs) if r.field == "note"]
    # each change starts from the value the one before it left; the last one is the value held
    assert [r.new_value for r in notes][-1] == obs.note
    assert len(notes) == 2, [(r.old_value, r.new_value) for r in notes]
    assert notes[1].old_value == notes[0].new_value, [(r.old_value, r.new_value) for r in notes]
    assert notes[0].old_value == ""


def test_two_imports_creating_the_same_kpi_both_succeed_the_second_sees_the_first(make_bundle, monkeypatch):
    from beacon.performance.models import Kpi

    _postgresql_only()
    bundles = [make_bundle(), make_bundle()]
    for bundle in bundles:
        bundle.append_row("kpis.csv", {
            "code": "NEW1", "name": "A new measure", "short_name": "A new measure", "directorate": "CS",
            "unit": "percent", "polarity": "higher", "decimals": "0", "frequency": "quarterly",
            "rolling_12_months": "false", "in_arrears": "false"})
    _slow_loads(monkeypatch)
    results = _together(*(lambda b=b: importer.import_bundle(b.root, user="someone") for b in bundles))
    assert all(isinstance(r, importer.ImportResult) for r in results), results
    created = sorted(r.summary["kpis.csv"].get("created", 0) for r in results)
    assert created[0] == 0 and created[1] > 0  # the second found every KPI the first created
    assert Kpi.objects.filter(code="NEW1").count() == 1


def test_an_import_waiting_too_long_for_another_says_so_and_writes_nothing(make_bundle, monkeypatch):
    from django.db import transaction

    from beacon.core import locks
    from beacon.core.models import ImportRun

    _postgresql_only()
    bundle = make_bundle()
    monkeypatch.setattr(importer, "IMPORT_WAIT_SECONDS", 0.3)
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            locks.named_lock(locks.IMPORT)
            held.set()
            release.wait(10)

    holder = threading.Thread(target=lambda: (hold(), connections.close_all()))
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(locks.LockBusy) as exc:
            importer.import_bundle(bundle.root, user="someone")
    finally:
        release.set()
        holder.join()
    assert str(exc.value).startswith("another import is running: nothing was imported")
    assert not ImportRun.objects.exists()


def test_five_risks_added_at_once_get_five_ids(users):
    from beacon.domain.risk import Rating
    from beacon.risk import commands as cmd
    from beacon.risk import services
    from beacon.risk.models import Risk

    _postgresql_only()
    results = _together(*(lambda i=i: services.handle(cmd.AddRisk(f"Risk {i}", ("An Owner",), Rating(3, 3), Rating(2, 2),
                                                                  by="riskmanager")) for i in range(5)))
    assert all(isinstance(r, Risk) for r in results), results
    assert len({r.risk_id for r in results}) == 5
    assert Risk.objects.count() == 5


def test_five_add_risk_posts_at_once_all_succeed(users):
    from django.test import Client
    from django.urls import reverse

    from beacon.risk.models import Risk

    _postgresql_only()
    clients = []
    for _ in range(5):
        c = Client()
        c.force_login(users["riskmanager"])
        clients.append(c)
    form = {"title": "A risk", "owners": "An Owner", "event": "", "current_likelihood": "3", "current_impact": "3",
            "target_likelihood": "2", "target_impact": "2"}
    results = _together(*(lambda c=c, i=i: c.post(reverse("web:risks"), {**form, "title": f"Risk {i}"})
                          for i, c in enumerate(clients)))
    assert [getattr(r, "status_code", r) for r in results] == [302] * 5
    assert len(set(Risk.objects.values_list("risk_id", flat=True))) == 5


def test_a_publication_during_an_import_reads_one_state_of_the_data(make_bundle, monkeypatch):
    from beacon.reports import documents
    from beacon.reports.models import PublishedReport
    from beacon.reports.publish import checksum, data_snapshot, diff, publish, read_snapshot
    from beacon.web.services.reports import draft_checks

    _postgresql_only()
    bundle = make_bundle()
    importer.import_bundle(bundle.root, user="setup")
    q = Quarter.parse(DEMO_PERIOD)
    allow = {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed}
    bundle.set_cell("observations.csv", NOTE_ROW, "value", "70")
    built, imported = threading.Event(), threading.Event()
    edition_inputs = documents.edition_inputs

    def slow_edition_inputs(*args, **kwargs):
        edition = edition_inputs(*args, **kwargs)
        built.set()
        imported.wait(8)  # the import lands now, unless it waits for the publication
        return edition

    monkeypatch.setattr(documents, "edition_inputs", slow_edition_inputs)

    def import_once_built():
        assert built.wait(30)
        try:
            return importer.import_bundle(bundle.root, user="importer")
        finally:
            imported.set()

    results = _together(lambda: publish(q, "lead", allow), import_once_built)
    assert not any(isinstance(r, Exception) for r in results), results
    row = PublishedReport.objects.get(period=q.label)
    model = read_snapshot(row).model
    printed = model.kpi_by_code["CS1"].value
    snapped = row.data["observations"][f"CS1 {q.label}"]["value"]
    assert Decimal(str(printed)) == Decimal(snapped), (printed, snapped)
    assert checksum(row.data) == row.data_checksum
    # the fingerprint says the data changed since publication exactly when it did
    now = data_snapshot(q)
    assert now["observations"][f"CS1 {q.label}"]["value"] == "70"
    assert diff(q)["data_unchanged"] is (snapped == "70")
    assert not diff(q)["data_unchanged"]
