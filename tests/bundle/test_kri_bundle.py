"""The key risk indicator files of a bundle (risk_indicators.csv, risk_relations.csv): checked
with file:line: column errors, all or nothing, idempotent, recorded through the audit log, and
exported so that an exported bundle re-imports unchanged. The demo's file is imported too."""

from __future__ import annotations

import csv
import shutil

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core.models import Revision
from beacon.demo import DEMO_BUNDLE, DEMO_KRI_BUNDLE, HERE
from beacon.risk.models import RiskFlag, RiskIndicator, RiskRelation

CYPE = HERE / "kcc-risk-register-2023-03-cype"
FILES = ("risk_indicators.csv", "risk_relations.csv")


def rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def demo_with_risks(db):
    import_bundle(DEMO_BUNDLE, user="demo-test")
    import_bundle(CYPE, user="demo-test")


def _write(folder, name, lines):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_demo_links_import_flag_and_round_trip(demo_with_risks, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_bundle(DEMO_KRI_BUNDLE, user="demo-test")
    assert result.summary["risk_indicators.csv"]["created"] == 5
    assert result.summary["risk_relations.csv"]["created"] == 1
    assert Revision.objects.filter(entity="risk_indicator", key="CRR0001 SC2", field="trigger",
                                   new_value="worsening_while_amber").exists()
    # the one flag the demo's data gives (ED3's earlier quarter is illustrative: never a trigger)
    flag = RiskFlag.objects.get()
    assert (flag.risk.risk_id, flag.indicator_code, flag.period) == ("CRR0001", "SC2", "2022/23 Q2")
    assert flag.evidence == "SC2 Amber and worsening in 2022/23 Q2: 75.8%"

    # the same files again change nothing
    again = import_bundle(DEMO_KRI_BUNDLE, user="demo-test")
    assert {f: dict(again.summary[f]) for f in FILES} == {"risk_indicators.csv": {"unchanged": 5},
                                                          "risk_relations.csv": {"unchanged": 1}}
    # exported, they are the demo's rows, and the export re-imports unchanged
    out = tmp_path / "export"
    export_bundle(out)
    for name in FILES:
        assert rows(out / name) == rows(DEMO_KRI_BUNDLE / name)
    before = Revision.objects.order_by("-pk").values_list("pk", flat=True).first()
    back = import_bundle(out, user="demo-test")
    assert all(set(back.summary[f]) == {"unchanged"} for f in FILES)
    assert not Revision.objects.filter(entity__in=("risk_indicator", "risk_relation"), pk__gt=before).exists()


def test_one_bundle_with_the_kpis_risks_and_links_imports_into_an_empty_database(db, tmp_path):
    folder = tmp_path / "whole"
    shutil.copytree(DEMO_BUNDLE, folder)
    for path in CYPE.glob("*.csv"):
        if path.name != "directorates.csv":
            shutil.copy(path, folder / path.name)
    for name in FILES:
        shutil.copy(DEMO_KRI_BUNDLE / name, folder / name)
    import_bundle(folder, user="demo-test")
    assert RiskIndicator.objects.count() == 5 and RiskRelation.objects.count() == 1


def test_a_risk_no_longer_listed_loses_its_link_with_the_removal_recorded(demo_with_risks, tmp_path):
    import_bundle(DEMO_KRI_BUNDLE, user="demo-test")
    folder = tmp_path / "fewer"
    _write(folder, "risk_indicators.csv", ["risk_id,kind,indicator,trigger,quarters,note",
                                           "CRR0001,kpi,SC2,red,3,"])
    result = import_bundle(folder, user="demo-test")
    assert dict(result.summary["risk_indicators.csv"]) == {"changed": 3}  # SC2 changed; SC3, SC4 removed
    assert sorted(RiskIndicator.objects.values_list("risk__risk_id", "kpi__code", "trigger", "quarters")) == [
        ("CRR0001", "SC2", "red", 3), ("CRR0056", "ED3", "below_floor", 2), ("CRR0056", "ED4", "below_floor", 2)]
    assert Revision.objects.filter(entity="risk_indicator", key="CRR0001 SC3", field="link", old_value="red 2",
                                   new_value="").exists()


def test_every_problem_is_reported_by_file_line_and_column_and_nothing_is_written(demo_with_risks, tmp_path):
    folder = tmp_path / "bad"
    _write(folder, "risk_indicators.csv", [
        "risk_id,kind,indicator,trigger,quarters,note",
        "CRR0001,kpi,SC2,below_floor,2,",
        "CRR9999,kpi,SC2,red,2,",
        "CRR0001,kpi,ZZ1,red,2,",
        "CRR0001,kpi,SC3,outside_range,2,",
        "CRR0001,activity,SC4,red,2,",
        "CRR0056,kpi,ED3,red,0,",
        "CRR0056,kpi,ED4,sometimes,2,",
        "CRR0001,kpi,SC2,red,2,",
        "CRR0056,indicator,ED3,red,2,",
    ])
    _write(folder, "risk_relations.csv", [
        "risk_id,related_risk_id,kind,note",
        "CRR0056,CRR0056,related,",
        "CRR0056,CRR0099,contributes_to,",
        "CRR0056,CRR0057,friends,",
    ])
    _write(folder, "observations.csv", ["kpi,period,value", "SC2,2022/23 Q3,70"])  # another part's file
    with pytest.raises(BundleErrors) as caught:
        import_bundle(folder, user="demo-test")
    assert sorted(caught.value.messages) == sorted([
        "risk_indicators.csv:3: risk_id: unknown risk 'CRR9999' (not in risks.csv or the database)",
        "risk_indicators.csv:4: indicator: unknown KPI 'ZZ1' (not in kpis.csv or the database)",
        "risk_indicators.csv:5: trigger: a KPI has no expected range: outside_range is for activity indicators",
        "risk_indicators.csv:6: trigger: an activity indicator is not RAG-rated: its trigger is none or outside_range",
        "risk_indicators.csv:7: quarters: '0' is not a whole number from 1 to 12",
        "risk_indicators.csv:8: trigger: 'sometimes' is not one of: none, below_floor, red, worsening_while_amber, "
        "outside_range",
        "risk_indicators.csv:9: risk_id: duplicate row for risk_id CRR0001, kind kpi, indicator SC2 (first at line 2)",
        "risk_indicators.csv:10: kind: 'indicator' is not one of: kpi, activity",
        "risk_relations.csv:2: related_risk_id: a risk cannot be related to itself",
        "risk_relations.csv:3: related_risk_id: unknown risk 'CRR0099' (not in risks.csv or the database)",
        "risk_relations.csv:4: kind: 'friends' is not one of: related, contributes_to",
    ])
    assert not RiskIndicator.objects.exists() and not RiskRelation.objects.exists()
    from beacon.performance.models import Observation

    assert not Observation.objects.filter(kpi__code="SC2", period="2022/23 Q3").exists()


def test_links_changed_on_the_page_export_and_re_import_unchanged(demo_with_risks, tmp_path):
    from beacon.reports import risk_indicators as kri

    import_bundle(DEMO_KRI_BUNDLE, user="demo-test")
    kri.unlink_indicator(kri.UnlinkIndicator("CRR0001", "kpi", "SC3", by="rm"))
    kri.link_indicator(kri.LinkIndicator("CRR0001", "kpi", "SC5", by="rm", trigger="red", quarters=3))
    kri.relate_risks(kri.RelateRisks("CRR0057", "CRR0001", "contributes_to", by="rm", note="Transport to school"))
    out = tmp_path / "export"
    export_bundle(out)
    assert [(r["risk_id"], r["indicator"]) for r in rows(out / "risk_indicators.csv")][:3] == [
        ("CRR0001", "SC2"), ("CRR0001", "SC4"), ("CRR0001", "SC5")]
    last = Revision.objects.order_by("-pk").values_list("pk", flat=True).first()
    back = import_bundle(out, user="demo-test")
    assert all(set(back.summary[f]) == {"unchanged"} for f in FILES)
    assert not Revision.objects.filter(entity__in=("risk_indicator", "risk_relation"), pk__gt=last).exists()
