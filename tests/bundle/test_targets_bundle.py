"""Target changes through the bundle: a targets.csv that changes a target or floor standard
makes TargetChange rows with the import's reason (who approved it: not recorded), and Beacon's
own target_changes.csv exports the history and re-imports unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.performance import models as pm
from beacon.performance.targets import ChangeTarget, change_target

pytestmark = pytest.mark.django_db

FILES = {
    "directorates.csv": "code,name\nAA,Alpha Services\n",
    "kpis.csv": "code,name,directorate,unit,polarity\nA1,Percentage of calls answered,AA,percent,higher\n"
                "A2,Number of days waited,AA,days,lower\n",
    "targets.csv": "kpi,financial_year,target,floor,effective_from\nA1,2022/23,90,80,\nA2,2022/23,10,20,\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_import_that_changes_targets_records_the_changes_with_its_reason(tmp_path, clock):
    clock.set("2023-01-06T10:00:00+00:00")
    import_bundle(write(tmp_path / "one", FILES), user="importer", reason="First load")
    assert not pm.TargetChange.objects.exists()  # a year's first target is not a change

    changed = dict(FILES, **{"targets.csv": "kpi,financial_year,target,floor,effective_from\n"
                                            "A1,2022/23,85,80,\nA2,2022/23,10,20,\nA2,2022/23,10,15,2022/23 Q3\n"})
    import_bundle(write(tmp_path / "two", changed), user="importer", reason="Cabinet 5 January 2023 decisions")
    changes = {(c.kpi.code, c.field, c.effective_from): c for c in pm.TargetChange.objects.select_related("kpi")}
    assert set(changes) == {("A1", "target", ""), ("A2", "floor", "2022/23 Q3")}
    a1, a2 = changes[("A1", "target", "")], changes[("A2", "floor", "2022/23 Q3")]
    assert (a1.old_value, a1.new_value, a2.old_value, a2.new_value) == (90, 85, 20, 15)
    for c in (a1, a2):
        assert c.reason == "Cabinet 5 January 2023 decisions" and c.changed_by == "importer"
        assert c.approved_by == "" and c.approved_on is None and "targets.csv" in c.source
    # importing the same file again changes nothing and records nothing
    import_bundle(tmp_path / "two", user="importer", reason="again")
    assert pm.TargetChange.objects.count() == 2


def test_the_history_exports_and_reimports_unchanged(tmp_path, clock):
    clock.set("2022-11-20")
    import_bundle(write(tmp_path / "one", FILES), user="importer", reason="First load")
    change_target(ChangeTarget(kpi_code="A1", financial_year="2022/23", field="floor", new_value=Decimal("72.5"),
                               effective_from="2022/23 Q3", reason="Agreed, with a comma, and \"quotes\"",
                               approved_by="Cabinet Member", approved_on=dt.date(2022, 11, 2), by="lead"))
    change_target(ChangeTarget(kpi_code="A2", financial_year="2022/23", field="target", new_value=Decimal(12),
                               effective_from="", reason="Reset", approved_by="CMT", approved_on=dt.date(2022, 11, 3),
                               by="lead"))
    first = tmp_path / "export"
    export_bundle(first)
    exported = files_of(first)
    assert "target_changes.csv" in exported
    text = exported["target_changes.csv"].decode()
    assert text.splitlines()[0] == ("kpi,financial_year,effective_from,field,old_value,new_value,reason,changed_by,"
                                    "changed_at,approved_by,approved_on,source")
    assert "A1,2022/23,2022/23 Q3,floor,80,72.5," in text and "2022-11-02" in text
    history = sorted(pm.TargetChange.objects.values_list("kpi__code", "field", "old_value", "new_value", "reason",
                                                          "changed_by", "changed_at", "approved_by", "approved_on"))

    assert not import_bundle(first, user="someone").changed  # into the same database: nothing changes
    pm.Kpi.objects.all().delete()  # a fresh database (the rows and their history go with the KPIs)
    assert not pm.TargetChange.objects.exists()
    import_bundle(first, user="someone", reason="restore")
    again = sorted(pm.TargetChange.objects.values_list("kpi__code", "field", "old_value", "new_value", "reason",
                                                        "changed_by", "changed_at", "approved_by", "approved_on"))
    assert again == history  # the file's story, not a second one made from targets.csv
    second = tmp_path / "again"
    export_bundle(second)
    assert files_of(second) == exported


def test_a_target_change_file_is_checked(tmp_path):
    bad = dict(FILES, **{"target_changes.csv": (
        "kpi,financial_year,effective_from,field,old_value,new_value,reason,changed_by,changed_at\n"
        "ZZ,2022/23,,target,1,2,why,me,2022-11-01T10:00:00+00:00\n"
        "A1,2022/23,2023/24 Q1,target,1,2,why,me,2022-11-01T10:00:00+00:00\n"
        "A1,2022/23,,target_low,1,2,why,me,2022-11-01T10:00:00+00:00\n"
        "A1,2022/23,,target,1,2,,me,yesterday\n")})
    with pytest.raises(BundleErrors) as caught:
        import_bundle(write(tmp_path / "bad", bad), user="importer")
    text = str(caught.value)
    assert "target_changes.csv:2: kpi: unknown KPI 'ZZ'" in text
    assert "target_changes.csv:3: effective_from: 2023/24 Q1 is not in financial year 2022/23" in text
    assert "target_changes.csv:4: field: KPI A1 is a higher KPI" in text
    assert "target_changes.csv:5: reason" in text and "target_changes.csv:5: changed_at" in text
    assert not pm.Kpi.objects.exists()
