"""The council is data, not code: its name comes from the report settings (no council is assumed)
and the heading of a directorate's KPI panels from directorates.csv (``kpi_heading``)."""

from __future__ import annotations

import csv
import json
import re

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.domain.periods import Quarter

PERIOD = "2022/23 Q2"


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make(root):
    write_csv(root / "directorates.csv", ["code", "name", "kpi_heading"], [
        {"code": "HW", "name": "Highways", "kpi_heading": ""},
        {"code": "LS", "name": "Libraries", "kpi_heading": "Service Measures"},
    ])
    write_csv(root / "kpis.csv", ["code", "name", "directorate", "unit", "polarity"], [
        {"code": "HW1", "name": "Potholes repaired within 28 days", "directorate": "HW", "unit": "percent", "polarity": "higher"},
        {"code": "LS1", "name": "Library visits per resident", "directorate": "LS", "unit": "count", "polarity": "higher"},
    ])
    write_csv(root / "targets.csv", ["kpi", "financial_year", "target", "floor"], [
        {"kpi": "HW1", "financial_year": "2022/23", "target": "90", "floor": "80"},
        {"kpi": "LS1", "financial_year": "2022/23", "target": "4", "floor": "3"},
    ])
    write_csv(root / "observations.csv", ["kpi", "period", "value"], [
        {"kpi": "HW1", "period": PERIOD, "value": "91"}, {"kpi": "LS1", "period": PERIOD, "value": "3.5"},
    ])
    return root


def _sections(html: str) -> dict[str, str]:
    """The heading of each directorate's KPI panels, as printed."""
    return {code: re.search(rf'<h3 id="section-{code}-kpis">(.*?)</h3>', html).group(1) for code in ("hw", "ls")}


@pytest.mark.django_db
def test_another_council_sets_its_name_and_headings_as_data(make_bundle):
    from beacon.reports import documents
    from beacon.reports.report_settings import parse, seed_report_settings

    import_bundle(make(make_bundle(empty=True).root), user="tester")
    q = Quarter.parse(PERIOD)

    html = documents.qpr_html(documents.edition_inputs(q))
    assert "Kent" not in html and "KCC" not in html  # nothing of another council is assumed
    assert _sections(html) == {"hw": "Key Performance Indicators", "ls": "Service Measures"}

    settings = parse({"period": PERIOD, "council": "Borsetshire County Council"})
    assert settings[0]["council"] == "Borsetshire County Council"
    path = make_bundle(empty=True).root / "settings.json"
    path.write_text(json.dumps({"period": PERIOD, "council": "Borsetshire County Council"}), encoding="utf-8")
    seed_report_settings(path)
    html = documents.qpr_html(documents.edition_inputs(q))
    assert "Borsetshire County Council – Quarterly Performance Report, Quarter 2, 2022/23" in html
    assert '<p class="council">Borsetshire County Council</p>' in html
    assert "Kent" not in html


@pytest.mark.django_db
def test_report_settings_assume_no_council():
    from beacon.reports.models import ReportSettings

    assert ReportSettings.objects.create(period=PERIOD).council == ""


@pytest.mark.django_db
def test_kpi_heading_round_trips_and_is_checked(make_bundle, tmp_path):
    from beacon.bundle.errors import BundleErrors
    from beacon.core.models import Directorate

    import_bundle(make(make_bundle(empty=True).root), user="tester")
    export_bundle(tmp_path / "out")
    with (tmp_path / "out" / "directorates.csv").open(encoding="utf-8", newline="") as handle:
        assert {r["code"]: r["kpi_heading"] for r in csv.DictReader(handle)} == {"HW": "", "LS": "Service Measures"}
    assert dict(Directorate.objects.values_list("code", "kpi_heading")) == {"HW": "", "LS": "Service Measures"}

    bad = make(make_bundle(empty=True).root)
    write_csv(bad / "directorates.csv", ["code", "name", "kpi_heading"], [{"code": "HW", "name": "Highways", "kpi_heading": "x" * 201}])
    with pytest.raises(BundleErrors, match=r"directorates.csv:2: kpi_heading: 201 characters; at most 200 are allowed"):
        import_bundle(bad, user="tester")


@pytest.mark.django_db
def test_the_demo_still_prints_kent_from_its_settings_and_bundle(demo_imported):
    """Kent's name and Public Health's heading now come from the demo's data: output unchanged."""
    from beacon.reports import documents
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

    seed_report_settings(DEMO_REPORT_SETTINGS)
    html = documents.qpr_html(documents.edition_inputs(Quarter.parse(PERIOD)))
    assert "Kent County Council – Quarterly Performance Report, Quarter 2, 2022/23" in html
    assert '<p class="council">Kent County Council</p>' in html
    headings = dict(re.findall(r'<h3 id="section-(\w+)-kpis">(.*?)</h3>', html))
    assert headings["ph"] == "Performance Indicators"
    assert {h for code, h in headings.items() if code != "ph"} == {"Key Performance Indicators"}
