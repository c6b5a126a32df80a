"""Target changes in the open (beacon.performance.targets): the service writes the row in force
through the audit log and a TargetChange row, refuses bad commands naming the field and writing
nothing, and the QPR marks a re-baselined KPI in the panel, the narrative and the counts' note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from beacon.core.models import Directorate, Revision
from beacon.core.stale import StaleEdit, version
from beacon.domain.periods import Quarter, period_sort
from beacon.domain.rag import Rag, Thresholds
from beacon.performance import models as pm
from beacon.performance.results import target_in_force
from beacon.performance.targets import (
    ChangeTarget,
    TargetError,
    change_target,
    original_thresholds,
    rows_version,
    target_history,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpis(clock):
    clock.set("2022-11-20")
    aa = Directorate.objects.create(code="AA", name="Alpha Services", display_order=1)
    a1 = pm.Kpi.objects.create(code="A1", name="Percentage of calls answered", short_name="% of calls answered",
                               directorate=aa, unit="percent", polarity="higher", decimals=0, display_order=1)
    r1 = pm.Kpi.objects.create(code="R1", name="Occupancy", directorate=aa, unit="percent", polarity="range",
                               decimals=0, display_order=2)
    pm.KpiTarget.objects.create(kpi=a1, financial_year="2022/23", target=Decimal(90), floor=Decimal(80))
    pm.KpiTarget.objects.create(kpi=r1, financial_year="2022/23", target_low=Decimal(80), target_high=Decimal(90),
                                floor_low=Decimal(70), floor_high=Decimal(95))
    for label, value in (("2022/23 Q1", 88), ("2022/23 Q2", 75)):
        pm.Observation.objects.create(kpi=a1, period=label, period_sort=period_sort(Quarter.parse(label)),
                                      value=Decimal(value))
        pm.Observation.objects.create(kpi=r1, period=label, period_sort=period_sort(Quarter.parse(label)),
                                      value=Decimal(85))
    return {"a1": a1, "r1": r1}


def cmd(**kw) -> ChangeTarget:
    base = dict(kpi_code="A1", financial_year="2022/23", field="target", new_value=Decimal(74), effective_from="",
                reason="The service was restructured; Cabinet agreed a new target.", approved_by="Cabinet",
                approved_on=dt.date(2022, 11, 1), by="lead")
    base.update(kw)
    return ChangeTarget(**base)


def _counts():
    return pm.KpiTarget.objects.count(), pm.TargetChange.objects.count(), Revision.objects.count()


def test_a_whole_year_change_rewrites_the_years_row_with_its_history(kpis):
    done = change_target(cmd(new_value=Decimal(85)))
    row = pm.KpiTarget.objects.get(kpi=kpis["a1"])
    assert row.target == 85 and row.effective_from == ""
    assert (done.field, done.old_value, done.new_value, done.changed_by, done.approved_by) == ("target", 90, 85, "lead",
                                                                                               "Cabinet")
    assert done.approved_on == dt.date(2022, 11, 1) and done.reason.startswith("The service was restructured")
    revision = Revision.objects.get(field="target")
    assert (revision.old_value, revision.new_value, revision.changed_by) == ("90", "85", "lead")
    assert "Cabinet agreed" in revision.reason


def test_a_mid_year_change_keeps_the_earlier_row_and_its_effective_date(kpis):
    change_target(cmd(field="floor", new_value=Decimal(70), effective_from="2022/23 Q2"))
    rows = list(pm.KpiTarget.objects.filter(kpi=kpis["a1"]).order_by("effective_from"))
    assert [(r.effective_from, r.target, r.floor) for r in rows] == [("", 90, 80), ("2022/23 Q2", 90, 70)]
    assert target_in_force(rows, Quarter.parse("2022/23 Q1")).floor == 80
    assert target_in_force(rows, Quarter.parse("2022/23 Q3")).floor == 70
    # a second change from the same quarter changes that row, and the original stays what it was
    change_target(cmd(field="target", new_value=Decimal(74), effective_from="2022/23 Q2"))
    assert pm.KpiTarget.objects.filter(kpi=kpis["a1"]).count() == 2
    assert original_thresholds([kpis["a1"].pk], "2022/23")[kpis["a1"].pk] == Thresholds(target=90, floor=80)
    assert [(c.field, c.old_value, c.new_value) for c in target_history(kpis["a1"])] == [
        ("floor", 80, 70), ("target", 90, 74)]


@pytest.mark.parametrize("changes, field, words", [
    ({"reason": "  "}, "reason", "Reason: say why"),
    ({"kpi_code": "ZZ9"}, "kpi_code", "no KPI has the code 'ZZ9'"),
    ({"financial_year": "2030/31"}, "financial_year", "A1 has no target for 2030/31"),
    ({"financial_year": "2022-23x"}, "financial_year", "is not a financial year"),
    ({"effective_from": "2023/24 Q1"}, "effective_from", "2023/24 Q1 is not a quarter of 2022/23"),
    ({"effective_from": "Q9"}, "effective_from", "is not a quarter"),
    ({"field": "target_low"}, "field", "change its target or floor standard"),
    ({"new_value": None}, "new_value", "give the new value"),
    ({"new_value": Decimal(79)}, "new_value", "floor standard (80) must be below target (79)"),
    ({"new_value": Decimal(90)}, "new_value", "already 90"),
    ({"approved_by": ""}, "approved_by", "Approved by: say who approved"),
    ({"approved_on": None}, "approved_on", "Approved on: give the date"),
    ({"approved_on": dt.date(2022, 12, 1)}, "approved_on", "is in the future"),
])
def test_refusals_name_the_field_and_write_nothing(kpis, changes, field, words):
    before = _counts()
    with pytest.raises(TargetError) as caught:
        change_target(cmd(**changes))
    assert words in caught.value.field_errors[field]
    assert words in caught.value.message or field == "kpi_code"
    assert _counts() == before


def test_a_range_kpi_changes_its_range_not_a_target(kpis):
    with pytest.raises(TargetError) as caught:
        change_target(cmd(kpi_code="R1", field="target"))
    assert "better within a range" in caught.value.field_errors["field"]
    done = change_target(cmd(kpi_code="R1", field="target_high", new_value=Decimal(84), effective_from="2022/23 Q2"))
    assert (done.old_value, done.new_value) == (90, 84)


def test_a_change_from_an_out_of_date_form_is_refused(kpis):
    opened = version(rows_version(kpis["a1"]))
    change_target(cmd(new_value=Decimal(85), expected_version=opened))
    before = _counts()
    with pytest.raises(StaleEdit):
        change_target(cmd(new_value=Decimal(86), expected_version=opened))
    assert _counts() == before


def test_the_qpr_marks_a_rebaselined_kpi_and_counts_against_the_targets_in_force(kpis):
    from beacon.reports import documents
    from beacon.reports.qpr import build_qpr

    q2 = Quarter.parse("2022/23 Q2")
    entry = build_qpr(q2).kpi("A1")
    assert entry.rag == Rag.RED and entry.rebaseline is None
    change_target(cmd(field="floor", new_value=Decimal(70), effective_from="2022/23 Q2"))
    change_target(cmd(field="target", new_value=Decimal(74), effective_from="2022/23 Q2"))
    model = build_qpr(q2)
    entry = model.kpi("A1")
    assert entry.rag == Rag.GREEN and model.totals.green == 2 and model.totals.red == 0  # counts in force
    assert (entry.rebaseline.rag, entry.rebaseline.target, entry.rebaseline.floor) == (Rag.RED, 90, 80)
    assert entry.rebaseline.effective_from == "2022/23 Q2"
    assert model.kpi("R1").rebaseline is None
    # Q1 was rated against the original thresholds: nothing to say
    assert build_qpr(Quarter.parse("2022/23 Q1")).kpi("A1").rebaseline is None
    html = documents.qpr_html(documents.edition_inputs(q2))
    words = "Re-baselined: Red against the original target of 90% and floor standard of 80%"
    assert html.count(words) == 2  # the panel and the narrative; the counts table's note below
    assert "1 KPI was re-baselined: Percentage of calls answered (Red against the original target" in html
    assert "rated Green against the target and floor standard in force from 2022/23 Q2." in html
