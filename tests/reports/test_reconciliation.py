"""Reconciliation with the figures the council published (performance spec 6.3): counts are
reconciled whenever published counts are held (with or without published.csv), the TOTAL row
is compared, and a difference blocks publication unless it is accepted with a reason."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.domain.periods import Quarter
from beacon.reports.qpr import build_qpr as build_qpr_model
from beacon.reports.qpr import model_json


def build_qpr(*args):
    """The report model as JSON data: these tests read the shape ``beacon report --format json``
    writes (docs/report-model.md)."""
    return model_json(build_qpr_model(*args))

PERIOD = "2022/23 Q2"
TABLES_REASON = "The calls table is reproduced as printed; its 12-month column does not add up (spec 7, error 7)."


def _import(bundle):
    from beacon.bundle.importer import import_bundle

    import_bundle(bundle.root, user="tester")


def _ratings_only(bundle):
    """The demo bundle with the published directions of travel left blank: only the RAG ratings
    and counts are reconciled (the directions of travel are another matter, tested elsewhere)."""
    for name, columns in (("published_counts.csv", ("improving", "stable", "worsening")), ("published.csv", ("published_dot",))):
        rows = list(csv.DictReader(io.StringIO(bundle.text(name), newline="")))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, **{c: "" for c in columns}} for r in rows)
        bundle.write(name, out.getvalue())
    return bundle


@pytest.mark.django_db
def test_counts_are_reconciled_when_only_published_counts_are_held(make_bundle):
    """No published.csv, but published_counts.csv: the counts are still reconciled."""
    bundle = _ratings_only(make_bundle())
    bundle.path("published.csv").unlink()
    bundle.set_cell("observations.csv", "CS1,2022/23 Q2", "value", "97")  # target 97: GREEN, published as AMBER
    _import(bundle)
    rec = build_qpr(Quarter.parse(PERIOD))["reconciliation"]
    assert rec["available"] is True
    assert rec["kpi_differences"] == []  # no published ratings held
    [cs] = rec["directorate_differences"]
    assert cs == {"directorate": "CS", "basis": "published_counts",
                  "counts": {"green": {"computed": 1, "published": 0}, "amber": {"computed": 0, "published": 1}}}
    assert rec["total_difference"] == {"basis": "published_counts",
                                       "counts": {"green": {"computed": 18, "published": 17},
                                                  "amber": {"computed": 12, "published": 13}}}


@pytest.mark.django_db
def test_the_total_row_is_compared(make_bundle):
    """Directorate rows agree; only the printed TOTAL differs (as a mis-added total would)."""
    bundle = _ratings_only(make_bundle())
    bundle.set_cell("published_counts.csv", "2022/23 Q2,,17,13,7", "green", "18")
    _import(bundle)
    model = build_qpr(Quarter.parse(PERIOD))
    rec = model["reconciliation"]
    assert rec["directorate_differences"] == []
    assert rec["total_difference"] == {"basis": "published_counts", "counts": {"green": {"computed": 17, "published": 18}}}
    check = {c["id"]: c for c in model["checks"]}["6.3"]
    assert check["passed"] is False
    assert check["failures"] == ["TOTAL: green 17 computed, 18 published (published_counts.csv)"]


@pytest.mark.django_db
def test_every_difference_is_a_failure_of_check_6_3(make_bundle):
    bundle = _ratings_only(make_bundle())
    bundle.set_cell("observations.csv", "CS1,2022/23 Q2", "value", "97")  # GREEN, published AMBER
    _import(bundle)
    check = {c["id"]: c for c in build_qpr(Quarter.parse(PERIOD))["checks"]}["6.3"]
    assert check["failures"] == [
        "CS1: RAG GREEN computed, AMBER published (published.csv)",
        "Customer Services: green 1 computed, 0 published, amber 0 computed, 1 published (published_counts.csv)",
        "TOTAL: green 18 computed, 17 published, amber 12 computed, 13 published (published_counts.csv)",
    ]


@pytest.mark.django_db
def test_the_demo_ratings_reconcile_with_every_published_count(make_bundle):
    _import(_ratings_only(make_bundle()))
    model = build_qpr(Quarter.parse(PERIOD))
    rec = model["reconciliation"]
    assert rec["available"] and rec["total_difference"] is None and rec["directorate_differences"] == []
    assert {c["id"]: c["passed"] for c in model["checks"]}["6.3"] is True


@pytest.mark.django_db
def test_counts_of_published_csv_need_every_kpi_of_the_block(make_bundle):
    """Counts derived from published.csv are compared only for a block whose every KPI has a
    published rating: a partial file says nothing about the block's count."""
    bundle = _ratings_only(make_bundle())
    bundle.path("published_counts.csv").unlink()
    lines = [line for line in bundle.lines("published.csv") if not line.startswith("CS1,")]
    bundle.write("published.csv", "\n".join(lines))
    _import(bundle)
    rec = build_qpr(Quarter.parse(PERIOD))["reconciliation"]
    assert rec["available"] is True
    assert rec["directorate_differences"] == [] and rec["total_difference"] is None


@pytest.mark.django_db
def test_no_comparison_counts_is_said_in_the_councils_words(demo_imported):
    """Year end compares with the same quarter last year, for which no counts are recorded."""
    comparison = build_qpr(Quarter.parse("2022/23 Q4"))["comparison"]
    assert comparison["source"] is None
    assert comparison["source_note"] == (
        "No comparison counts: no published counts are recorded for 2021/22 Q4, and not every KPI of that period is rated"
    )
    assert "Beacon" not in comparison["source_note"]


@pytest.mark.django_db
def test_publish_refuses_a_differing_published_count_until_accepted_with_a_reason(make_bundle):
    from beacon.reports.models import PublishedReport
    from beacon.reports.publish import PublishError, publish

    bundle = _ratings_only(make_bundle())
    bundle.set_cell("published_counts.csv", "2022/23 Q2,,17,13,7", "green", "18")
    _import(bundle)
    with pytest.raises(PublishError) as exc:
        publish(Quarter.parse(PERIOD), "tester", {"6.1.9": TABLES_REASON})
    assert "6.3 Computed ratings and counts agree with those published: "\
           "TOTAL: green 17 computed, 18 published (published_counts.csv)" in exc.value.failures
    with pytest.raises(CommandError) as exc:
        call_command("publish", period=PERIOD, user="tester", allow_failed_check=["6.1.9"], reason=TABLES_REASON,
                     stdout=io.StringIO())
    assert "--accept-reconciliation" in str(exc.value)
    with pytest.raises(CommandError, match="--accept-reconciliation needs --reason"):
        call_command("publish", period=PERIOD, accept_reconciliation=True, stdout=io.StringIO())
    assert not PublishedReport.objects.exists()

    reason = "The printed TOTAL row mis-added the Green column; the directorate rows are right."
    out = io.StringIO()
    call_command("publish", period=PERIOD, user="tester", allow_failed_check=["6.1.9"], accept_reconciliation=True,
                 reason=reason, stdout=out)
    assert "accepted failed check 6.3" in out.getvalue()
    row = PublishedReport.objects.get(period=PERIOD)
    accepted = {c["id"]: c for c in row.overridden_checks}
    assert accepted["6.3"]["reason"] == reason
    assert accepted["6.3"]["failures"] == ["TOTAL: green 17 computed, 18 published (published_counts.csv)"]


@pytest.mark.django_db
def test_accepting_a_reconciliation_without_differences_is_refused(make_bundle):
    from beacon.reports.publish import PublishError, publish

    _import(_ratings_only(make_bundle()))
    with pytest.raises(PublishError, match="--accept-reconciliation: no figure of 2022/23 Q2 differs from those published"):
        publish(Quarter.parse(PERIOD), "tester", {"6.1.9": TABLES_REASON, "6.3": "nothing to accept"})


@pytest.mark.django_db
def test_a_direction_not_computed_differs_from_a_published_stable(make_bundle):
    """CS1 holds one published value: no trend can be computed from it and (here) none is recorded
    by hand, so the council's published "stable" differs from what the paper reports (no direction
    of travel), for the KPI and in the counts alike."""
    bundle = make_bundle()
    for column in ("manual_dot", "manual_dot_reason"):
        bundle.set_cell("observations.csv", "CS1,2022/23 Q2", column, "")
    _import(bundle)
    rec = build_qpr(Quarter.parse(PERIOD))["reconciliation"]
    assert [d for d in rec["kpi_differences"] if d["code"] == "CS1"] == [
        {"code": "CS1", "field": "dot", "computed": "not_available", "published": "stable", "source": "computed"}]
    [cs] = [d for d in rec["directorate_differences"] if d["directorate"] == "CS"]
    assert cs["counts"]["stable"]["published"] == 3 and cs["counts"]["stable"]["computed"] < 3
