"""Re-importing: idempotence, revisions with who/when/why, final data (import-format.md;
performance.md §3.7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle
from beacon.core import models as core
from beacon.performance import models

OBS = "observations.csv"
WHEN = dt.datetime(2023, 1, 20, 9, 30, tzinfo=dt.timezone.utc)


def new_revisions(before_ids):
    return list(core.Revision.objects.exclude(pk__in=before_ids).order_by("entity", "key", "field"))


@pytest.mark.django_db
def test_importing_the_demo_twice_changes_nothing(demo_dir, row_counts, db_dump):
    first = import_bundle(demo_dir, user="alice")
    assert first.changed
    counts, dump = row_counts(), db_dump(history=False)
    revisions = core.Revision.objects.count()

    second = import_bundle(demo_dir, user="bob")

    assert not second.changed
    assert set(second.summary) == set(first.summary)
    for file, counter in second.summary.items():
        assert set(counter) == {"unchanged"}, (file, counter)
        assert counter["unchanged"] == sum(first.summary[file].values()), file
    assert core.Revision.objects.count() == revisions
    after = row_counts()
    assert after.pop("ImportRun") == counts.pop("ImportRun") + 1  # the run itself is recorded
    assert after == counts
    assert db_dump(history=False) == dump
    assert "0 created, 0 changed" in second.report()


@pytest.mark.django_db
def test_a_changed_value_is_recorded_as_a_revision(make_bundle, demo_dir):
    import_bundle(demo_dir, user="alice")
    before = list(core.Revision.objects.values_list("pk", flat=True))
    old = models.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2").value
    bundle = make_bundle()
    bundle.set_cell(OBS, "CS1,2022/23 Q2", "value", "95.5")

    result = import_bundle(bundle.root, user="bob", now=WHEN)

    assert result.summary[OBS]["changed"] == 1
    [revision] = new_revisions(before)
    assert (revision.entity, revision.key, revision.field) == ("observation", "CS1 2022/23 Q2", "value")
    assert Decimal(revision.old_value) == old == Decimal("96")
    assert Decimal(revision.new_value) == Decimal("95.5")
    assert revision.changed_by == "bob"
    assert revision.changed_at == WHEN
    assert str(bundle.root) in revision.source and OBS in revision.source
    assert models.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2").value == Decimal("95.5")


@pytest.mark.django_db
def test_a_changed_target_is_recorded_as_a_target_revision(make_bundle, demo_dir):
    import_bundle(demo_dir, user="alice")
    before = list(core.Revision.objects.values_list("pk", flat=True))
    bundle = make_bundle()
    bundle.set_cell("targets.csv", "CS1,", "target", "98")

    import_bundle(bundle.root, user="carol", now=WHEN)

    [revision] = new_revisions(before)
    assert (revision.entity, revision.key, revision.field) == ("target", "CS1 2022/23", "target")
    assert (Decimal(revision.old_value), Decimal(revision.new_value)) == (Decimal("97"), Decimal("98"))
    assert revision.changed_by == "carol"
    assert models.KpiTarget.objects.get(kpi__code="CS1", financial_year="2022/23").target == Decimal("98")


@pytest.mark.django_db
def test_a_column_absent_from_a_file_leaves_stored_data_alone(make_bundle, demo_dir, db_dump):
    import_bundle(demo_dir, user="alice")
    dump = db_dump(history=False)
    revisions = core.Revision.objects.count()
    bundle = make_bundle()
    bundle.drop_column(OBS, "note")
    bundle.drop_column("targets.csv", "target_source")
    bundle.drop_column("kpis.csv", "short_name")

    result = import_bundle(bundle.root, user="bob")

    assert not result.changed
    assert core.Revision.objects.count() == revisions
    assert db_dump(history=False) == dump
    assert models.Observation.objects.get(kpi__code="CS3", period="2022/23 Q2").note == "July to September 2022."
    assert models.KpiTarget.objects.get(kpi__code="CS1").target_source == "derived"
    assert models.Kpi.objects.get(code="CS1").short_name.startswith("% of callers")


@pytest.mark.django_db
def test_an_emptied_cell_is_a_change_not_an_absence(make_bundle, demo_dir):
    """The contrast to the test above: a column that is there but empty clears the value,
    and that is recorded."""
    import_bundle(demo_dir, user="alice")
    bundle = make_bundle()
    bundle.set_cell(OBS, "CS3,2022/23 Q2", "note", "")
    import_bundle(bundle.root, user="bob")
    assert models.Observation.objects.get(kpi__code="CS3", period="2022/23 Q2").note == ""
    revision = core.Revision.objects.get(entity="observation", key="CS3 2022/23 Q2", field="note")
    assert (revision.old_value, revision.new_value) == ("July to September 2022.", "")


@pytest.fixture
def final_cs1(make_bundle):
    """The demo with CS1's Q2 value marked final, imported."""
    bundle = make_bundle(name="final")
    bundle.set_cell(OBS, "CS1,2022/23 Q2", "status", "final")
    import_bundle(bundle.root, user="alice")
    assert models.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2").status == "final"
    return bundle


@pytest.mark.django_db
def test_changing_final_data_without_a_reason_is_refused(final_cs1, row_counts, db_dump):
    line = final_cs1.set_cell(OBS, "CS1,2022/23 Q2", "value", "95")
    final_cs1.set_cell(OBS, "CS2,2022/23 Q2", "value", "88")  # a provisional change in the same import
    counts, dump = row_counts(), db_dump()

    with pytest.raises(BundleErrors) as caught:
        import_bundle(final_cs1.root, user="bob")

    [message] = caught.value.messages
    assert message.startswith(f"observations.csv:{line}: value:")
    assert "final" in message and "reason" in message
    assert row_counts() == counts
    assert db_dump() == dump  # not even the provisional change was written
    assert models.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2").value == Decimal("96")


@pytest.mark.django_db
def test_changing_final_data_with_a_reason_records_the_reason(final_cs1):
    final_cs1.set_cell(OBS, "CS1,2022/23 Q2", "value", "95")
    before = list(core.Revision.objects.values_list("pk", flat=True))

    import_bundle(final_cs1.root, user="bob", reason="Provider corrected the September figure", now=WHEN)

    [revision] = new_revisions(before)
    assert (revision.key, revision.field, revision.reason) == (
        "CS1 2022/23 Q2", "value", "Provider corrected the September figure")
    assert revision.changed_by == "bob"
    observation = models.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2")
    assert observation.value == Decimal("95") and observation.status == "final"
    run = core.ImportRun.objects.get(imported_at=WHEN)
    assert run.summary["reason"] == "Provider corrected the September figure"


@pytest.mark.django_db
def test_reimporting_final_data_unchanged_needs_no_reason(final_cs1):
    result = import_bundle(final_cs1.root, user="bob")
    assert not result.changed


@pytest.mark.django_db
def test_a_bundle_may_hold_a_subset_of_the_files(make_bundle, demo_dir, demo_period):
    """import-format.md: "A bundle may hold any subset of the files". Re-importing some rows
    unchanged changes nothing, and does not reorder the catalogue."""
    from beacon.domain.periods import Quarter
    from beacon.reports.qpr import build_qpr

    import_bundle(demo_dir, user="alice")
    order = [k.code for k in build_qpr(Quarter.parse(demo_period)).kpis]
    revisions = core.Revision.objects.count()
    partial = make_bundle(empty=True)
    demo = make_bundle()
    lines = demo.lines("kpis.csv")
    partial.write("kpis.csv", "\n".join([lines[0], lines[demo.line_of("kpis.csv", "PH5,") - 1],
                                         lines[demo.line_of("kpis.csv", "ET2,") - 1]]) + "\n")
    lines = demo.lines(OBS)
    partial.write(OBS, lines[0] + "\n" + lines[demo.line_of(OBS, "CS1,2022/23 Q2") - 1].replace(",96,", ",95,") + "\n")

    result = import_bundle(partial.root, user="bob")

    assert dict(result.summary["kpis.csv"]) == {"unchanged": 2}
    assert dict(result.summary[OBS]) == {"changed": 1}
    assert core.Revision.objects.count() == revisions + 1
    assert [k.code for k in build_qpr(Quarter.parse(demo_period)).kpis] == order
