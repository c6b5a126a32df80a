"""observations.csv ``manual_severity`` / ``manual_severity_reason`` (issue 8): a severity set
by hand for a Red KPI whose gap to the floor standard cannot be measured, recorded like a
manual rating: imported, checked with ``file:line: column: reason`` errors, exported and
re-imported unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.domain.periods import Quarter

OBS = "observations.csv"
GL1 = "GL1,2022/23 Q2,"  # rated Red by hand in the demo: no value is published
REASON = "Listed as well below its floor standard in the published paper."


def add_columns(b, *columns: str) -> None:
    rows = list(csv.reader(io.StringIO(b.text(OBS), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0] + list(columns))
    for row in rows[1:]:
        writer.writerow(row + [""] * len(columns))
    b.write(OBS, out.getvalue())


@pytest.fixture
def bundle(make_bundle):
    b = make_bundle()
    add_columns(b, "manual_severity", "manual_severity_reason")
    return b


def errors_of(b) -> list[str]:
    with pytest.raises(BundleErrors) as caught:
        import_bundle(b.root, user="tester")
    return caught.value.messages


@pytest.mark.django_db
def test_a_manual_severity_is_imported_and_shown_with_its_reason(bundle):
    from beacon.performance import models
    from beacon.reports.qpr import build_qpr

    bundle.set_cell(OBS, GL1, "manual_severity", "well_below")
    bundle.set_cell(OBS, GL1, "manual_severity_reason", REASON)
    import_bundle(bundle.root, user="tester")
    obs = models.Observation.objects.get(kpi__code="GL1", period="2022/23 Q2")
    assert (obs.manual_severity, obs.manual_severity_reason) == ("well_below", REASON)
    model = build_qpr(Quarter.parse("2022/23 Q2"))
    gl1 = model.kpi("GL1")
    assert (gl1.severity, gl1.severity_source, gl1.severity_reason) == ("well_below", "manual", REASON)
    assert "GL1" in model.severity.well_below
    # the other Red rated by hand, with no severity recorded, is listed as not determined
    assert model.severity.not_determined == ("GL2",)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cells, column, reason",
    [
        ({"manual_severity": "well_below"}, "manual_severity_reason", "a manual_severity needs its reason"),
        ({"manual_severity_reason": REASON}, "manual_severity", "manual_severity_reason is given but no manual_severity"),
        ({"manual_severity": "very_below", "manual_severity_reason": REASON}, "manual_severity",
         "is not one of: well_below, moderately_below, slightly_below"),
    ],
    ids=["no reason", "reason alone", "unknown band"],
)
def test_a_bad_manual_severity_is_reported_by_file_line_and_column(bundle, cells, column, reason):
    for name, value in cells.items():
        line = bundle.set_cell(OBS, GL1, name, value)
    messages = errors_of(bundle)
    assert any(m.startswith(f"observations.csv:{line}: {column}:") and reason in m for m in messages), messages


@pytest.mark.django_db
def test_a_manual_severity_needs_a_red(bundle):
    line = bundle.set_cell(OBS, GL1, "manual_rating", "AMBER")
    bundle.set_cell(OBS, GL1, "manual_severity", "slightly_below")
    bundle.set_cell(OBS, GL1, "manual_severity_reason", REASON)
    messages = errors_of(bundle)
    assert any(m.startswith(f"observations.csv:{line}: manual_severity:") and "rated Red" in m for m in messages), messages


@pytest.mark.django_db
def test_an_illustrative_value_cannot_carry_a_manual_severity(bundle):
    prefix = "ED4,2021/22 Q1,"  # an illustrative value in the demo
    line = bundle.set_cell(OBS, prefix, "manual_severity", "slightly_below")
    bundle.set_cell(OBS, prefix, "manual_severity_reason", REASON)
    messages = errors_of(bundle)
    assert any(m.startswith(f"observations.csv:{line}: illustrative:") for m in messages), messages


@pytest.mark.django_db
def test_a_manual_severity_is_exported_and_reimports_unchanged(bundle, tmp_path, db_dump):
    bundle.set_cell(OBS, GL1, "manual_severity", "moderately_below")
    bundle.set_cell(OBS, GL1, "manual_severity_reason", REASON)
    import_bundle(bundle.root, user="tester")
    original = db_dump(history=False)
    export_bundle(tmp_path / "export")
    with (tmp_path / "export" / OBS).open(encoding="utf-8", newline="") as handle:
        rows = {(r["kpi"], r["period"]): r for r in csv.DictReader(handle)}
    assert (rows[("GL1", "2022/23 Q2")]["manual_severity"], rows[("GL1", "2022/23 Q2")]["manual_severity_reason"]) == (
        "moderately_below", REASON)
    result = import_bundle(tmp_path / "export", user="tester")
    assert not result.changed, result.report()
    assert db_dump(history=False) == original


@pytest.mark.django_db
def test_a_manual_severity_recorded_after_publication_is_a_data_change(demo_imported):
    """``beacon diff`` compares the data snapshot frozen at publication with today's."""
    from beacon.performance.models import Observation
    from beacon.reports.publish import compare, data_snapshot

    period = Quarter.parse("2022/23 Q2")
    before = data_snapshot(period)
    Observation.objects.filter(kpi__code="GL1", period="2022/23 Q2").update(
        manual_severity="well_below", manual_severity_reason=REASON)
    lines = [c.line() for c in compare(before, data_snapshot(period))]
    assert lines == [f"observations GL1 2022/23 Q2: manual_severity: None -> 'well_below'; "
                     f"manual_severity_reason: None -> {REASON!r}"]
