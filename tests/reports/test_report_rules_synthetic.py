"""The report applies the spec's rules to data made up here, independent of the demo's
answers (performance.md §3.1 RAG, §3.2 display precision, §3.3 direction of travel,
§3.9 illustrative history).

One directorate, KPIs of each polarity, six quarters of values (2021/22 Q1 to 2022/23 Q2).
"""

from __future__ import annotations

import csv
import json
import math

import pytest
from django.core.management import call_command

from beacon.bundle.importer import import_bundle
from beacon.domain.periods import Quarter
from beacon.domain.rules import get_rule_set
from beacon.reports.qpr import build_qpr as build_qpr_model
from beacon.reports.qpr import model_json


def build_qpr(*args):
    """The report model as JSON data: these tests read the shape ``beacon report --format json``
    writes (docs/report-model.md)."""
    return model_json(build_qpr_model(*args))

PERIOD = "2022/23 Q2"
QUARTERS = ["2021/22 Q1", "2021/22 Q2", "2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2"]

# code: (unit, polarity, decimals, thresholds, six values oldest first (None = no row))
KPIS = {
    # higher is better, a clear upward trend, ending exactly on target
    "HUP": ("percent", "higher", 0, {"target": 90, "floor": 80}, [61, 66, 73, 77, 84, 90]),
    # higher is better, no clear trend, ending exactly on the floor (just up from 78)
    "HFLOOR": ("percent", "higher", 0, {"target": 90, "floor": 80}, [80, 84, 79, 83, 78, 80]),
    # 97.7 is displayed as 98: on target
    "HDISP": ("percent", "higher", 0, {"target": 98, "floor": 95}, [None, None, None, None, None, 97.7]),
    # below the floor
    "HRED": ("percent", "higher", 0, {"target": 90, "floor": 80}, [None, None, None, None, None, 70]),
    # lower is better and rising steadily: worse, though still on target
    "LUP": ("count", "lower", 0, {"target": 30, "floor": 40}, [10, 13, 15, 18, 21, 24]),
    "LTARGET": ("days", "lower", 0, {"target": 20, "floor": 25}, [None, None, None, None, None, 20]),
    "LFLOOR": ("days", "lower", 0, {"target": 20, "floor": 25}, [None, None, None, None, None, 25]),
    # range: inside the band, and between the band and the floor band
    "RIN": ("percent", "range", 1,
            {"target_low": 17.5, "target_high": 22.5, "floor_low": 15, "floor_high": 25}, [None] * 5 + [20.0]),
    "RAMBER": ("percent", "range", 1,
               {"target_low": 17.5, "target_high": 22.5, "floor_low": 15, "floor_high": 25}, [None] * 5 + [24.0]),
    # the current value is illustrative: never rated
    "ILLNOW": ("percent", "higher", 0, {"target": 90, "floor": 80}, [None] * 5 + [95]),
    # flat real values; illustrative back-filled history that would make a trend if used
    "ILLHIST": ("percent", "higher", 0, {"target": 60, "floor": 40}, [10, 20, 50, 49, 51, 50]),
}
ILLUSTRATIVE = {("ILLNOW", "2022/23 Q2"), ("ILLHIST", "2021/22 Q1"), ("ILLHIST", "2021/22 Q2")}
MANUAL_DOT = {
    "HUP": "worsening",  # the trend can be computed: the manual direction is ignored
    "HDISP": "improving",  # one point only: the manual direction is used
}


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def t_statistic(values):
    """OLS slope / its standard error over equally spaced points (to check the fixture's
    premise independently of beacon.domain)."""
    n = len(values)
    xs = range(n)
    mx, my = sum(xs) / n, sum(values) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, values)) / sxx
    residual = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, values))
    return slope / math.sqrt(residual / (n - 2) / sxx)


T_CRITICAL = {4: 2.776, 2: 4.303}  # two-sided 5% points of Student's t


def test_the_fixture_series_are_what_they_claim():
    assert t_statistic(KPIS["HUP"][4]) > T_CRITICAL[4]  # significant rise
    assert t_statistic(KPIS["LUP"][4]) > T_CRITICAL[4]  # significant rise
    assert abs(t_statistic(KPIS["HFLOOR"][4])) < T_CRITICAL[4]  # no clear trend
    assert abs(t_statistic(KPIS["ILLHIST"][4][2:])) < T_CRITICAL[2]  # the real values: flat
    assert t_statistic(KPIS["ILLHIST"][4]) > T_CRITICAL[4]  # with the illustrative ones: a rise


@pytest.fixture
def synthetic(tmp_path):
    folder = tmp_path / "synthetic"
    folder.mkdir()
    write_csv(folder / "directorates.csv", ["code", "name", "display_order"], [{"code": "TD", "name": "Test Directorate", "display_order": 1}])
    write_csv(
        folder / "kpis.csv",
        ["code", "name", "directorate", "unit", "polarity", "decimals"],
        [{"code": c, "name": f"KPI {c}", "directorate": "TD", "unit": u, "polarity": p, "decimals": d}
         for c, (u, p, d, _, _) in KPIS.items()],
    )
    threshold_columns = ["target", "floor", "target_low", "target_high", "floor_low", "floor_high"]
    write_csv(
        folder / "targets.csv",
        ["kpi", "financial_year", *threshold_columns],
        [{"kpi": c, "financial_year": "2022/23", **t} for c, (_, _, _, t, _) in KPIS.items()],
    )
    rows = []
    for code, (*_, values) in KPIS.items():
        for quarter, value in zip(QUARTERS, values):
            if value is None:
                continue
            row = {"kpi": code, "period": quarter, "value": value}
            if (code, quarter) in ILLUSTRATIVE:
                row["illustrative"] = "true"
            if quarter == PERIOD and code in MANUAL_DOT:
                row["manual_dot"] = MANUAL_DOT[code]
                row["manual_dot_reason"] = "set by hand for the test"
            rows.append(row)
    write_csv(
        folder / "observations.csv",
        ["kpi", "period", "value", "illustrative", "manual_dot", "manual_dot_reason"],
        rows,
    )
    return folder


@pytest.fixture
def report(db, synthetic):
    import_bundle(synthetic, user="tester")

    def build(overrides=None):
        model = build_qpr(Quarter.parse(PERIOD), get_rule_set("2022", overrides))
        return {k["code"]: k for k in model["kpis"]}, model

    return build


def test_rag_follows_the_spec_rules(report):
    kpis, _ = report()
    expected = {
        "HUP": "GREEN",  # value = target
        "HFLOOR": "AMBER",  # value = floor
        "HDISP": "GREEN",  # 97.7 displayed 98 = target 98
        "HRED": "RED",
        "LUP": "GREEN",
        "LTARGET": "GREEN",  # value = target, lower is better
        "LFLOOR": "AMBER",  # value = floor, lower is better
        "RIN": "GREEN",  # inside the target band
        "RAMBER": "AMBER",  # outside the band, inside the floor band
        "ILLHIST": "AMBER",  # 50 between floor 40 and target 60
    }
    assert {c: kpis[c]["rag"] for c in expected} == expected
    assert all(kpis[c]["rag_source"] == "computed" for c in expected)


def test_comparison_basis_unrounded_rates_97_7_below_98(report):
    """The control for display precision: compared unrounded, 97.7 misses a 98 target."""
    kpis, _ = report({"rag": {"comparison_basis": "unrounded"}})
    assert kpis["HDISP"]["rag"] == "AMBER"


def test_trend_is_polarity_aware(report):
    kpis, _ = report()
    assert kpis["HUP"]["dot"] == "improving"
    assert kpis["LUP"]["dot"] == "worsening"
    assert kpis["HFLOOR"]["dot"] == "stable"
    for code in ("HUP", "LUP", "HFLOOR"):
        assert kpis[code]["dot_source"] == "computed"
        assert kpis[code]["dot_evidence"]["points_used"] == 6
        assert kpis[code]["dot_evidence"]["method"] == "trend"
    assert kpis["HUP"]["dot_evidence"]["p_value"] < 0.05 < kpis["HFLOOR"]["dot_evidence"]["p_value"]


def test_an_illustrative_value_is_never_rated(report):
    kpis, model = report()
    kpi = kpis["ILLNOW"]
    assert kpi["value"] is None and kpi["rag"] is None and kpi["rag_source"] is None
    assert kpi["series"][-1] == {"period": PERIOD, "value": 95, "illustrative": True}
    assert model["totals"]["not_rated"] == 1
    failing = {c["id"]: c["failures"] for c in model["checks"] if not c["passed"]}
    assert any("ILLNOW" in f for f in failing["6.1.7"])


def test_illustrative_history_never_feeds_the_trend(report):
    kpis, _ = report()
    kpi = kpis["ILLHIST"]
    assert kpi["dot"] == "stable"
    assert kpi["dot_evidence"]["points_used"] == 4
    assert [p["illustrative"] for p in kpi["series"]] == [True, True, False, False, False, False]
    # the control: told to use illustrative values, the same data shows the rise
    with_illustrative, _ = report({"dot": {"include_illustrative": True}})
    assert with_illustrative["ILLHIST"]["dot"] == "improving"


def test_a_manual_dot_is_used_only_when_the_trend_cannot_be_computed(report):
    kpis, _ = report()
    assert (kpis["HUP"]["dot"], kpis["HUP"]["dot_source"]) == ("improving", "computed")
    assert any("ignored" in w for w in kpis["HUP"]["warnings"])
    assert (kpis["HDISP"]["dot"], kpis["HDISP"]["dot_source"]) == ("improving", "manual")
    assert kpis["HDISP"]["dot_manual_reason"] == "set by hand for the test"


def test_set_dot_method_previous_period_switches_method(report, tmp_path):
    out = tmp_path / "qpr.json"
    call_command("report", period=PERIOD, out=str(out), set=["dot.method=previous_period"])
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["rule_set"]["dot"]["method"] == "previous_period"
    kpis = {k["code"]: k for k in model["kpis"]}
    # HFLOOR has no trend, but rose from 78 to 80 since last quarter
    assert kpis["HFLOOR"]["dot"] == "improving"
    assert kpis["HUP"]["dot"] == "improving"
    assert kpis["LUP"]["dot"] == "worsening"
    assert kpis["HFLOOR"]["dot_evidence"]["method"] == "previous_period"
    # and the default is the trend method
    default = tmp_path / "default.json"
    call_command("report", period=PERIOD, out=str(default))
    assert {k["code"]: k["dot"] for k in json.loads(default.read_text())["kpis"]}["HFLOOR"] == "stable"
