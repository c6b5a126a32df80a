"""A perfectly straight series has an infinite t statistic; the JSON report must stay valid
JSON (no Infinity/NaN) and still say the trend is significant."""

import json

import pytest
from django.core.management import call_command

from beacon.bundle.importer import import_bundle

QUARTERS = ["2021/22 Q1", "2021/22 Q2", "2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2"]


@pytest.fixture
def straight_line_bundle(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "directorates.csv").write_text("code,name\nD,Directorate\n", encoding="utf-8")
    (folder / "kpis.csv").write_text(
        "code,name,directorate,unit,polarity\nK1,Straight line,D,count,higher\n", encoding="utf-8"
    )
    (folder / "targets.csv").write_text(
        "kpi,financial_year,target,floor\nK1,2022/23,100,50\n", encoding="utf-8"
    )
    rows = "".join(f"K1,{q},{10 * (i + 1)}\n" for i, q in enumerate(QUARTERS))
    (folder / "observations.csv").write_text("kpi,period,value\n" + rows, encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_perfect_fit_is_valid_json(straight_line_bundle, tmp_path):
    import_bundle(straight_line_bundle, user="test")
    out = tmp_path / "qpr.json"
    call_command("report", period="2022/23 Q2", out=str(out))
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    kpi = json.loads(text)["kpis"][0]
    assert kpi["dot"] == "improving"
    assert kpi["dot_evidence"]["t"] is None
    assert kpi["dot_evidence"]["p_value"] == 0
    assert kpi["dot_evidence"]["slope"] == pytest.approx(10)
