"""The typed QPR model (issue 9): JSON only at the edges, one way out (``model_json``) and one way
back (``model_from_json``, ``read_snapshot``), the JSON shape of docs/report-model.md, and the
activity window of the rule set."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from beacon.domain.periods import Quarter, period_sort
from beacon.domain.qpr_model import SCHEMA, KpiEntry, QprModel
from beacon.domain.records import to_plain
from beacon.domain.rules import get_rule_set
from beacon.reports.qpr import build_qpr, model_from_json, model_json


@pytest.mark.django_db
def test_the_json_model_reads_back_to_the_same_model(demo_imported, demo_period):
    model = build_qpr(Quarter.parse(demo_period))
    data = json.loads(json.dumps(model_json(model), allow_nan=False))
    again = model_from_json(data)
    assert again == model
    assert model_json(again) == data
    # typed all the way down: enums and records, never the JSON's strings and dicts
    cs1 = again.kpi("CS1")
    assert type(cs1.rag).__name__ == "Rag" and type(cs1.dot).__name__ == "Dot"
    assert type(again.directorates[0].counts).__name__ == "Counts"


def test_another_schema_is_refused():
    with pytest.raises(ValueError, match="beacon.qpr/2"):
        QprModel.from_json({"schema": "beacon.qpr/2"})
    assert QprModel.from_json({"schema": SCHEMA}) == QprModel()


def test_year_end_fields_are_written_only_at_year_end():
    quarterly = to_plain(KpiEntry(code="K1"))
    assert not {"rag_prior_year", "prior_year_period", "rag_prior_year_note"} & set(quarterly)
    year_end = to_plain(KpiEntry(code="K1", prior_year_period="2021/22 Q4"))
    assert (year_end["rag_prior_year"], year_end["prior_year_period"]) == (None, "2021/22 Q4")
    assert "rag_prior_year_note" not in year_end
    new = to_plain(KpiEntry(code="K1", prior_year_period="2021/22 Q4", rag_prior_year_note="New KPI in 22/23"))
    assert new["rag_prior_year_note"] == "New KPI in 22/23"
    assert list(year_end)[-2:] == ["rag_prior_year", "prior_year_period"]  # after every other field, as always


@pytest.mark.django_db
def test_a_published_snapshot_of_another_layout_is_refused(demo_imported, demo_period):
    from beacon.reports.models import PublishedReport
    from beacon.reports.publish import SNAPSHOT_SCHEMA, PublishError, read_snapshot

    from beacon.core import clock

    model = build_qpr(Quarter.parse(demo_period))
    row = PublishedReport(period=demo_period, published_at=clock.now(), published_by="t",
                          rule_set=model.rule_set.to_dict(), model=model_json(model),
                          context={"schema": SNAPSHOT_SCHEMA, "settings": {"council": "X"}, "overrides": {}},
                          data={}, data_checksum="")
    snapshot = read_snapshot(row)
    assert snapshot.model == model and snapshot.settings == {"council": "X"}
    row.context = {"settings": {}, "overrides": {}}  # published before the layout was recorded: the same layout
    assert read_snapshot(row).model == model
    row.context = {"schema": "beacon.qpr-edition/99"}
    with pytest.raises(PublishError, match="beacon.qpr-edition/99"):
        read_snapshot(row)


@pytest.mark.django_db
def test_activity_indicators_cover_the_rule_sets_window():
    """Like the KPIs' charts, the activity charts show ``dot.window_quarters`` quarters."""
    from beacon.core.models import Directorate
    from beacon.performance import models as pm

    d = Directorate.objects.create(code="D", name="Directorate")
    ind = pm.ActivityIndicator.objects.create(code="AI1", name="Calls received", directorate=d, unit="count")
    q2 = Quarter.parse("2022/23 Q2")
    quarters = [q2.shift(-i) for i in range(9, -1, -1)]  # ten quarters to 2022/23 Q2
    for i, q in enumerate(quarters):
        pm.ActivityObservation.objects.create(indicator=ind, period=q.label, period_sort=period_sort(q),
                                              value=Decimal(100 + i))
    six = build_qpr(q2).activity[0]
    assert [p.period for p in six.series] == [q.label for q in quarters[-6:]]
    eight = build_qpr(q2, get_rule_set("2022", {"dot": {"window_quarters": 8}})).activity[0]
    assert [p.period for p in eight.series] == [q.label for q in quarters[-8:]]
    assert eight.latest_period == "2022/23 Q2"


def test_labels_live_on_the_enums():
    from beacon.domain.dot import Dot
    from beacon.domain.rag import Rag
    from beacon.domain.wording import DOT_SYMBOL, DOT_WORD

    assert [r.label for r in Rag] == ["Green", "Amber", "Red"]
    assert [d.label for d in Dot] == ["Improving", "Stable", "Worsening", "Not available"]
    assert [d.symbol for d in Dot] == ["\u2191", "\u2194", "\u2193", "N/A"]
    # the tables by value are made from the enums, not written again
    assert DOT_WORD == {d.value: d.label for d in Dot} and DOT_SYMBOL == {d.value: d.symbol for d in Dot}
