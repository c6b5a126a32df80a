"""`beacon register`: the edition model as JSON, the CYPE March 2023 edition end to end."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE
from beacon.risk.models import Edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():
    import_bundle(HERE / "kcc-risk-register-2023-01", user="test")
    import_bundle(HERE / "kcc-risk-register-2023-03-cype", user="test")


def _run(tmp_path, *args):
    out = tmp_path / "register.json"
    call_command("register", *args, "--out", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_cype_edition_json(both, tmp_path):
    model = _run(tmp_path, "--body", "CYPE Cabinet Committee", "--date", "2023-03-08", "--format", "json")
    assert model["schema"] == "beacon.register/1"
    assert model["heading"] == "For Presentation to CYPE Cabinet Committee on 08/03/2023"
    assert model["baseline"]["date"] == "2022-03-01" and model["baseline"]["heading"] == "Direction of Travel since March 2022"
    assert model["edition"]["frozen"] is True
    assert model["counts_by_level"] == {"Low": 0, "Medium": 1, "High": 2, "Not yet rated": 0}
    summary = [(r["id"], r["current"]["score"], r["current"]["level"], r["target"]["score"], r["target"]["level"],
                r["direction"]["value"]) for r in model["risks"]]
    assert summary == [
        ("CRR0001", 15, "Medium", 15, "Medium", "reduced"),
        ("CRR0056", 25, "High", 16, "High", "merged"),
        ("CRR0057", 16, "High", 6, "Low", "new"),
    ]
    r57 = model["risks"][2]
    assert r57["title"] == "Home to School Transport pressures"
    assert r57["owners"] == {"names": ["Sarah Hammond, Corporate Director CYPE", "Simon Jones, Corporate Director GET"],
                             "on_behalf_of": None}
    assert r57["current"] == {"likelihood": 4, "impact": 4, "score": 16, "level": "High", "display": "High (16)",
                              "likelihood_label": "Likely (4)", "impact_label": "Serious (4)"}
    assert r57["status"] == "active"
    assert Edition.objects.count() == 1
    # run again: the frozen edition is read back
    again = _run(tmp_path, "--body", "CYPE Cabinet Committee", "--date", "2023-03-08")
    assert again["risks"] == model["risks"] and Edition.objects.count() == 1


def test_cabinet_edition_with_month_baseline(both, tmp_path):
    model = _run(tmp_path, "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07", "--draft")
    assert model["edition"]["frozen"] is False and Edition.objects.count() == 0
    assert model["baseline"]["date"] == "2022-07-01"
    assert len(model["risks"]) == 18
    assert model["counts_by_level"] == {"Low": 0, "Medium": 4, "High": 13, "Not yet rated": 1}


def test_errors(both, tmp_path):
    with pytest.raises(CommandError, match="write the date as YYYY-MM-DD"):
        call_command("register", "--body", "Cabinet", "--date", "8 March 2023")
    with pytest.raises(CommandError, match="no directorate"):
        call_command("register", "--body", "XYZ Cabinet Committee", "--date", "2023-03-08")
    with pytest.raises(CommandError, match="give --out"):
        call_command("register", "--body", "Cabinet", "--date", "2023-03-08", "--format", "pdf", "--draft")


def test_check_lists_flags_and_printed_differences(tmp_path):
    import io

    import_bundle(HERE / "kcc-risk-register-2023-01", user="test")
    out = io.StringIO()
    call_command("register", "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07", "--draft", "--check", stdout=out)
    text = out.getvalue()
    assert "Direction of Travel since July 2022" in text
    assert "CRR0049: current rating printed 'High (10)'; computed 'Medium (10)'" in text
    assert "CRR0014: target rating printed 'High (16)'; computed 'High (20)'" in text
    assert "CRR0057: in this edition but has no row in the printed summary" in text
    assert "CRR0039: direction printed 'Û' cannot be read; computed 'Reduced ↓'" in text
    assert "CRR0049: direction printed 'Û' cannot be read; computed 'Not known'" in text
    assert "CRR0009: the latest change note gives a current score of 25" in text
