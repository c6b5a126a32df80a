"""Display precision by financial year (performance spec 3.2, Beacon extension: targets.csv
``decimals``). A KPI printed as a whole percent one year and to one decimal place the next is
rated at the precision of each year: 97.7 printed 98 is Green against 98; 97.9 to 1 dp is Amber.
"""

from __future__ import annotations

import csv

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.domain.periods import Quarter
from beacon.reports.qpr import build_qpr


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make(root, target_rows, observations, kpi_decimals="0"):
    write_csv(root / "directorates.csv", ["code", "name"], [{"code": "D", "name": "Emergency Services"}])
    write_csv(root / "kpis.csv", ["code", "name", "directorate", "unit", "polarity", "decimals"],
              [{"code": "EI", "name": "Emergency incidents attended on time", "directorate": "D", "unit": "percent",
                "polarity": "higher", "decimals": kpi_decimals}])
    write_csv(root / "targets.csv", ["kpi", "financial_year", "target", "floor", "decimals"], target_rows)
    write_csv(root / "observations.csv", ["kpi", "period", "value"],
              [{"kpi": "EI", "period": p, "value": v} for p, v in observations])
    return root


YEARS = [
    {"kpi": "EI", "financial_year": "2021/22", "target": "98", "floor": "95", "decimals": ""},  # the KPI's: whole percent
    {"kpi": "EI", "financial_year": "2022/23", "target": "98", "floor": "95", "decimals": "1"},  # printed to 1 dp
]
VALUES = [("2021/22 Q4", "97.7"), ("2022/23 Q1", "97.9")]


@pytest.mark.django_db
def test_each_financial_year_is_rated_and_printed_at_its_own_precision(make_bundle):
    from beacon.reports import documents

    bundle = make_bundle(empty=True)
    import_bundle(make(bundle.root, YEARS, VALUES), user="tester")

    [whole] = build_qpr(Quarter.parse("2021/22 Q4")).kpis
    assert (whole.decimals, whole.value_displayed, whole.rag) == (0, 98, "GREEN")  # 97.7 printed 98: on target

    model = build_qpr(Quarter.parse("2022/23 Q1"))
    [one_dp] = model.kpis
    assert (one_dp.decimals, one_dp.value_displayed, one_dp.rag) == (1, 97.9, "AMBER")  # 97.9 against 98
    assert one_dp.previous_rag == "GREEN"  # last year's value keeps last year's precision
    assert {c.id: c.passed for c in model.checks}["6.1.R"] is True
    html = documents.qpr_html(documents.edition_inputs(Quarter.parse("2022/23 Q1")))
    assert "97.9%" in html


@pytest.mark.django_db
def test_the_kpis_own_precision_can_be_overridden_downwards(make_bundle):
    """The other way round: the KPI is kept to 1 dp, but one year printed whole percents."""
    bundle = make_bundle(empty=True)
    years = [dict(YEARS[0], decimals="0"), dict(YEARS[1], decimals="")]
    import_bundle(make(bundle.root, years, VALUES, kpi_decimals="1"), user="tester")
    assert build_qpr(Quarter.parse("2021/22 Q4")).kpis[0].rag == "GREEN"
    assert build_qpr(Quarter.parse("2022/23 Q1")).kpis[0].rag == "AMBER"


@pytest.mark.django_db
def test_targets_decimals_is_checked_and_round_trips(make_bundle, tmp_path, db_dump):
    from beacon.performance.models import KpiTarget

    bad = make(make_bundle(empty=True).root, [dict(YEARS[0], decimals="one"), dict(YEARS[1], decimals="7")], VALUES)
    with pytest.raises(BundleErrors) as exc:
        import_bundle(bad, user="tester")
    text = str(exc.value)
    assert "targets.csv:2: decimals:" in text
    assert "targets.csv:3: decimals: 7 is more than the 6 decimals a report can show" in text

    import_bundle(make(make_bundle(empty=True).root, YEARS, VALUES), user="tester")
    assert dict(KpiTarget.objects.values_list("financial_year", "decimals")) == {"2021/22": None, "2022/23": 1}
    before = db_dump(history=False)
    export_bundle(tmp_path / "out")
    with (tmp_path / "out" / "targets.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["decimals"] for r in rows] == ["", "1"]
    import_bundle(tmp_path / "out", user="tester")
    assert db_dump(history=False) == before
