"""Issue 13, bulk data: the import reads large files as a stream and writes them window by window,
keeping every guarantee (row-level errors, all or nothing, idempotence, a revision per changed
value), in a number of statements that does not grow with the rows; the export streams too.
Files are kept small here (a few thousand rows); bench/import.py measures the large sizes."""

from __future__ import annotations

import csv
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.bundle import reader
from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core import audit
from beacon.core.models import Directorate, ImportRun, Revision
from beacon.domain.periods import Quarter
from beacon.performance import models
from beacon.performance.bundle import load as perf_load
from beacon.performance.bundle import validate as perf_validate

pytestmark = pytest.mark.django_db

QUARTERS = [q.label for q in Quarter(2022, 2).last(8)]


def _bundle(folder: Path, kpis: int, *, value=lambda k, i: 40 + (k + i) % 50, rows=None) -> Path:
    """``kpis`` percent KPIs x 8 quarters; ``rows`` overrides the observation rows."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "directorates.csv", "w", newline="") as f:
        csv.writer(f).writerows([["code", "name"], ["D1", "Directorate 1"]])
    with open(folder / "kpis.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "directorate", "unit", "polarity", "decimals"])
        w.writerows([f"K{k:04d}", f"KPI {k}", "D1", "percent", "higher", 0] for k in range(kpis))
    with open(folder / "targets.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kpi", "financial_year", "target", "floor"])
        w.writerows([f"K{k:04d}", year, 80, 60] for k in range(kpis) for year in ("2020/21", "2021/22", "2022/23"))
    with open(folder / "observations.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kpi", "period", "value"])
        if rows is None:
            rows = ([f"K{k:04d}", q, value(k, i)] for k in range(kpis) for i, q in enumerate(QUARTERS))
        w.writerows(rows)
    return folder


def _observation_rows(kpis: int):
    return [[f"K{k:04d}", q, 40 + (k + i) % 50] for k in range(kpis) for i, q in enumerate(QUARTERS)]


def test_a_bad_row_deep_in_a_large_file_is_named_by_file_row_and_column_and_nothing_is_written(tmp_path):
    rows = _observation_rows(625)  # 5,000 observations
    rows[4321][2] = "12.3.4"  # line 4,323 of the file (the header is line 1)
    rows[4998][2] = "140"  # a percentage over 100, checked against the KPI's unit
    rows.append(list(rows[10]))  # a duplicate of line 12, at the end
    with pytest.raises(BundleErrors) as caught:
        import_bundle(_bundle(tmp_path / "b", 625, rows=rows), user="bulk")
    messages = caught.value.messages
    assert "observations.csv:4323: value: '12.3.4' is not a number (use . as the decimal point)" in messages
    assert "observations.csv:5000: value: 140 is over 100, which a percentage cannot be" in messages
    assert any(m.startswith("observations.csv:5002: kpi: duplicate row for kpi K0001") and "(first at line 12)" in m
               for m in messages), messages
    # all or nothing: not even the valid KPIs and the rows before the bad ones
    assert not models.Kpi.objects.exists()
    assert not models.Observation.objects.exists()
    assert not Revision.objects.exists()
    assert not ImportRun.objects.exists()


def test_an_error_found_while_writing_a_late_window_rolls_back_every_earlier_window(tmp_path, monkeypatch):
    monkeypatch.setattr(perf_load, "WINDOW", 300)
    import_bundle(_bundle(tmp_path / "a", 150), user="first")  # 1,200 observations
    last = models.Observation.objects.get(kpi__code="K0149", period=QUARTERS[-1])
    last.status = "final"
    last.save()
    before = (models.Observation.objects.count(), Revision.objects.count(),
              sorted(models.Observation.objects.values_list("pk", "value")))
    # every value changes; the last row (in the last window) is final data and no reason is given
    with pytest.raises(BundleErrors) as caught:
        import_bundle(_bundle(tmp_path / "b", 150, value=lambda k, i: 91), user="second")
    assert caught.value.messages == [
        f"observations.csv:1201: value: K0149 {QUARTERS[-1]} is final data; changing it needs a reason "
        f"(beacon import --reason \"...\")"]
    after = (models.Observation.objects.count(), Revision.objects.count(),
             sorted(models.Observation.objects.values_list("pk", "value")))
    assert after == before  # the windows written before the refusal were rolled back


def test_importing_a_large_bundle_twice_changes_nothing_and_a_change_records_one_revision_per_value(tmp_path,
                                                                                                  monkeypatch):
    monkeypatch.setattr(perf_load, "WINDOW", 300)  # several windows
    monkeypatch.setattr(perf_validate, "KEEP_ROWS", 500)  # and the file parsed again when it is written
    kpis, n = 200, 1600
    first = import_bundle(_bundle(tmp_path / "a", kpis), user="first")
    assert dict(first.summary["observations.csv"]) == {"created": n}
    assert dict(first.summary["kpis.csv"]) == {"created": kpis}
    assert Revision.objects.filter(entity="observation", field="value").count() == n  # each value's creation
    revisions = Revision.objects.count()
    again = import_bundle(_bundle(tmp_path / "a", kpis), user="again")
    assert not again.changed
    assert dict(again.summary["observations.csv"]) == {"unchanged": n}
    assert Revision.objects.count() == revisions

    changed = import_bundle(_bundle(tmp_path / "c", kpis, value=lambda k, i: 99 if (k * 8 + i) % 37 == 0 else
                                    40 + (k + i) % 50), user="third")
    expected = sum(1 for k in range(kpis) for i in range(8) if (k * 8 + i) % 37 == 0
                   and 40 + (k + i) % 50 != 99)
    assert expected > 30
    assert dict(changed.summary["observations.csv"]) == {"changed": expected, "unchanged": n - expected}
    new = list(Revision.objects.filter(changed_by="third"))
    assert len(new) == expected
    assert {(r.field, r.new_value) for r in new} == {("value", "99")}
    one = new[0]
    obs = models.Observation.objects.get(pk=one.object_id)
    assert (f"{obs.kpi.code} {obs.period}", obs.value) == (one.key, Decimal("99"))
    assert [r.new_value for r in audit.history_of(obs)] == [one.old_value, "99"]


def _queries(path: Path) -> int:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # both imports look their record types up alike
    with CaptureQueriesContext(connection) as ctx:
        import_bundle(path, user="bulk")
    return len(ctx.captured_queries)


@pytest.mark.parametrize("second", ["created", "changed"])
def test_the_statements_of_an_import_do_not_grow_with_its_rows(tmp_path, monkeypatch, second):
    """Within a window, the statements do not depend on the rows; a file has one window per
    ``WINDOW`` rows (and SQLite one statement per ``BATCH`` rows). With windows and batches larger
    than both files, 40 and 400 KPIs take the same number of statements."""
    monkeypatch.setattr(perf_load, "WINDOW", 10_000)
    monkeypatch.setattr(audit, "BATCH", 10_000)
    if second == "changed":
        import_bundle(_bundle(tmp_path / "few0", 40), user="setup")
        few = _queries(_bundle(tmp_path / "few", 40, value=lambda k, i: 7))
        models.Observation.objects.all().delete()
        models.KpiTarget.objects.all().delete()
        models.Kpi.objects.all().delete()
        import_bundle(_bundle(tmp_path / "many0", 400), user="setup")
        many = _queries(_bundle(tmp_path / "many", 400, value=lambda k, i: 7))
    else:
        few = _queries(_bundle(tmp_path / "few", 40))  # 320 observations, 120 targets
        models.Observation.objects.all().delete()
        models.KpiTarget.objects.all().delete()
        models.Kpi.objects.all().delete()
        Directorate.objects.all().delete()  # created again, as by the first
        many = _queries(_bundle(tmp_path / "many", 400))  # 3,200 observations, 1,200 targets
    assert many == few, (few, many)


def test_a_csv_file_is_read_as_a_stream_never_held_whole(tmp_path):
    folder = _bundle(tmp_path / "b", 50)
    bundle = reader.read_bundle(folder)
    rows = bundle.sheets["observations.csv"].rows
    assert isinstance(rows, reader.CsvRows)  # not a list: the rows are read from the file when iterated
    iterator = iter(rows)
    assert isinstance(iterator, types.GeneratorType)
    first = next(iterator)
    assert (first.line, first.values) == (2, {"kpi": "K0000", "period": QUARTERS[0], "value": "40"})
    assert sum(1 for _ in rows) == 400  # iterable again, from the start
    # the checked records of a large file are parsed again at load time rather than kept
    errors = BundleErrors()
    parsed = perf_validate.validate(bundle, errors)
    assert not errors
    records = parsed.records["observations.csv"]
    assert isinstance(records, perf_validate.StreamedRecords)
    assert records.kept is not None and len(records.kept) == 400  # small: kept from the check
    old = perf_validate.KEEP_ROWS
    try:
        perf_validate.KEEP_ROWS = 100
        parsed = perf_validate.validate(bundle, errors)
    finally:
        perf_validate.KEEP_ROWS = old
    records = parsed.records["observations.csv"]
    assert records.kept is None
    assert isinstance(iter(records), types.GeneratorType)
    assert sum(1 for _ in records) == 400


def test_windows_hold_at_most_their_size(tmp_path):
    sizes = [len(w) for w in perf_load._windows(iter(range(12_345)), size=5000)]
    assert sizes == [5000, 5000, 2345]


def test_a_file_not_utf8_deep_in_a_stream_names_its_line(tmp_path):
    folder = _bundle(tmp_path / "b", 20)
    path = folder / "observations.csv"
    lines = path.read_bytes().split(b"\n")
    lines[99] = lines[99].replace(b"K", b"\xff", 1)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(BundleErrors) as caught:
        import_bundle(folder, user="bulk")
    assert caught.value.messages == [
        "observations.csv:100: (file): not UTF-8 text (byte 0xff); save the file as UTF-8"]


class _Progress:
    def __init__(self):
        self.calls = []

    def total(self, n):
        self.calls.append(("total", n))

    def step(self, message, advance=1):
        self.calls.append(("step", message, advance))


def test_the_import_reports_its_progress(tmp_path, monkeypatch):
    from beacon.bundle.importer import PARTS

    monkeypatch.setattr(perf_load, "WINDOW", 100)
    progress = _Progress()
    import_bundle(_bundle(tmp_path / "b", 30), user="bulk", progress=progress)  # 240 observations
    total = progress.calls[0]
    assert total == ("total", 2 + 2 * len(PARTS))
    assert sum(c[2] for c in progress.calls[1:]) == total[1]  # every step done, none twice
    messages = [c[1] for c in progress.calls[1:]]
    assert messages[-1] == "Recorded the import"
    assert "Writing observations.csv: 200 rows" in messages and "Writing observations.csv: 240 rows" in messages


def test_the_export_streams_its_rows_from_the_database_and_re_imports_unchanged(tmp_path, monkeypatch):
    from beacon.performance.bundle import export as perf_export

    import_bundle(_bundle(tmp_path / "b", 60), user="bulk")
    files = perf_export.export_files()
    columns, rows = files["observations.csv"]
    assert not isinstance(rows, list)  # read from the database while written
    assert isinstance(iter(rows), types.GeneratorType)
    monkeypatch.setattr(perf_export, "CHUNK", 7)
    export_bundle(tmp_path / "out")
    with open(tmp_path / "out" / "observations.csv", newline="") as f:
        written = list(csv.reader(f))
    assert len(written) == 1 + 480
    revisions = Revision.objects.count()
    again = import_bundle(tmp_path / "out", user="again")
    assert not again.changed
    assert Revision.objects.count() == revisions


def test_a_file_changed_between_its_check_and_its_load_is_refused(tmp_path):
    folder = _bundle(tmp_path / "b", 10)
    bundle = reader.read_bundle(folder)
    rows = bundle.sheets["observations.csv"].rows
    assert sum(1 for _ in rows) == 80
    with open(folder / "observations.csv", "a", newline="") as f:
        csv.writer(f).writerow(["K0001", "2030/31 Q1", "1"])
    with pytest.raises(BundleErrors) as caught:
        list(rows)
    assert caught.value.messages == ["observations.csv:1: (file): the file changed while it was being imported; "
                                     "nothing was imported: import it again"]
