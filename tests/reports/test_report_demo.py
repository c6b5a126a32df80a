"""The report model of the demo bundle reproduces what Kent County Council published for
Quarter 2 2022/23 (performance.md §4.3, §3.10, §6.1, §6.3).

Expected answers come from the demo's published.csv (read here as a file, not from the
database) and from the spec's Executive Summary table, typed in below.
"""

from __future__ import annotations

import csv
import json

import pytest

from beacon.domain.periods import Quarter
from beacon.reports.qpr import build_qpr as build_qpr_model
from beacon.reports.qpr import model_json


def build_qpr(*args):
    """The report model as JSON data: these tests read the shape ``beacon report --format json``
    writes (docs/report-model.md)."""
    return model_json(build_qpr_model(*args))

NO_VALUE = ["GL1", "GL2", "GE1", "ET4", "ET6", "AS4", "AS5", "PH1", "PH2", "PH3", "PH4"]

# performance.md §4.3, Q2 2022/23 Executive Summary (blank = 0): G, A, R, improving, stable, worsening
EXECUTIVE_SUMMARY = {
    "Customer Services": (0, 1, 2, 0, 3, 0),
    "Governance and Law": (0, 0, 2, 0, 2, 0),
    "Growth, Economic Development & Communities": (2, 0, 0, 0, 2, 0),
    "Environment and Transport": (4, 2, 0, 0, 6, 0),
    "Children, Young People and Education": (6, 5, 2, 1, 8, 4),
    "Adult Social Care": (2, 3, 1, 0, 6, 0),
    "Public Health": (3, 2, 0, 1, 3, 1),
}
TOTAL = (17, 13, 7, 2, 30, 5)
KEYS = ("green", "amber", "red", "improving", "stable", "worsening")


@pytest.fixture
def qpr(demo_imported, demo_period):
    return build_qpr(Quarter.parse(demo_period))


@pytest.fixture
def published(demo_dir):
    with (demo_dir / "published.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_code(model):
    return {k["code"]: k for k in model["kpis"]}


def test_every_published_rag_and_dot_is_reproduced(qpr, published):
    kpis = by_code(qpr)
    assert len(published) == 37 and set(kpis) == {row["kpi"] for row in published}
    rag_checked = dot_checked = 0
    for row in published:
        kpi = kpis[row["kpi"]]
        if row["published_rag"]:
            assert kpi["rag"] == row["published_rag"], row["kpi"]
            rag_checked += 1
        if row["published_dot"]:
            assert kpi["dot"] == row["published_dot"], row["kpi"]
            dot_checked += 1
    assert rag_checked == 37
    assert dot_checked == sum(1 for row in published if row["published_dot"]) > 0


def test_kpis_without_a_value_carry_their_manual_rating_and_reason(qpr):
    kpis = by_code(qpr)
    for code in NO_VALUE:
        kpi = kpis[code]
        assert kpi["value"] is None, code
        assert kpi["rag_source"] == "manual", code
        assert kpi["manual_reason"] and kpi["manual_reason"].strip(), code
    others = [k for k in qpr["kpis"] if k["code"] not in NO_VALUE]
    assert len(others) == 26
    assert all(k["value"] is not None and k["rag_source"] == "computed" for k in others)


def test_emergency_incidents_are_green_at_display_precision(qpr):
    """ET3: 97.7% unrounded, printed 98%, rated Green against 98% (spec §3.2)."""
    et3 = by_code(qpr)["ET3"]
    assert (et3["value"], et3["target"], et3["rag"]) == (98, 98, "GREEN")


def test_directorate_counts_equal_the_executive_summary(qpr):
    assert [d["name"] for d in qpr["directorates"]] == list(EXECUTIVE_SUMMARY)
    for block in qpr["directorates"]:
        assert tuple(block["counts"][k] for k in KEYS) == EXECUTIVE_SUMMARY[block["name"]], block["name"]
        assert block["counts"]["kpis"] == sum(EXECUTIVE_SUMMARY[block["name"]][:3])
    assert tuple(qpr["totals"][k] for k in KEYS) == TOTAL
    assert tuple(sum(row[i] for row in EXECUTIVE_SUMMARY.values()) for i in range(6)) == TOTAL
    assert qpr["totals"]["kpis"] == 37 and qpr["totals"]["not_rated"] == 0


def test_change_clauses_against_quarter_one(qpr):
    """§3.10: against Q1 (G21 A8 R8; 5/27/5): four fewer Green, five more Amber, one fewer
    Red, three fewer improving, worsening the same."""
    comparison = qpr["comparison"]
    assert comparison["period"] == "2022/23 Q1"
    changes = comparison["changes"]
    assert (changes["green"], changes["amber"], changes["red"]) == (-4, 5, -1)
    assert (changes["improving"], changes["worsening"]) == (-3, 0)


def test_reconciliation_lists_no_differences(qpr):
    reconciliation = qpr["reconciliation"]
    assert reconciliation["available"] is True
    assert reconciliation["kpi_differences"] == []
    assert reconciliation["directorate_differences"] == []


def test_checks_pass_except_the_calls_table(qpr):
    checks = {c["id"]: c for c in qpr["checks"]}
    assert "6.1.9" in checks
    failing = [c["id"] for c in qpr["checks"] if not c["passed"]]
    assert failing == ["6.1.9"]
    failures = checks["6.1.9"]["failures"]
    assert failures
    title = "Number of phone calls to Contact Point (thousands)"
    assert all(f.startswith(title) for f in failures), failures
    # spec §7 item 7: Registrations 4+6+8+8 = 26 against a printed 38; KSAS 22 against 13
    registrations = [f for f in failures if "Registrations" in f]
    assert len(registrations) == 1 and "38" in registrations[0] and "26" in registrations[0]
    assert any("13" in f and "22" in f for f in failures if "KSAS" in f or "Support and Assistance" in f)


def test_reds_are_the_red_kpis_grouped_by_directorate_in_display_order(qpr):
    red = {k["code"] for k in qpr["kpis"] if k["rag"] == "RED"}
    listed = [(group["directorate"], k["code"]) for group in qpr["reds"] for k in group["kpis"]]
    assert {code for _, code in listed} == red and len(listed) == len(red) == 7
    kpis = by_code(qpr)
    assert all(kpis[code]["directorate"] == d for d, code in listed)
    order = [d["code"] for d in qpr["directorates"]]
    groups = [g["directorate"] for g in qpr["reds"]]
    assert groups == sorted(set(groups), key=order.index)


# --- the JSON shape ---------------------------------------------------------------------
NUMBER = (int, float)
OPTIONAL_NUMBER = (int, float, type(None))
OPTIONAL_TEXT = (str, type(None))
KPI_FIELDS = {
    "code": str,
    "name": str,
    "directorate": str,
    "sub_area": OPTIONAL_TEXT,
    "value": OPTIONAL_NUMBER,
    "previous": OPTIONAL_NUMBER,
    "target": OPTIONAL_NUMBER,
    "floor": OPTIONAL_NUMBER,
    "rag": OPTIONAL_TEXT,
    "previous_rag": OPTIONAL_TEXT,
    "dot": OPTIONAL_TEXT,
    "severity": OPTIONAL_TEXT,
}


def test_report_json_has_the_documented_fields(qpr):
    model = json.loads(json.dumps(qpr))  # plain JSON, nothing lost
    assert model == qpr
    for kpi in model["kpis"]:
        for name, kind in KPI_FIELDS.items():
            assert name in kpi, name
            assert isinstance(kpi[name], kind) and not isinstance(kpi[name], bool), (kpi["code"], name, kpi[name])
        assert kpi["rag"] in ("GREEN", "AMBER", "RED")
        assert kpi["previous_rag"] in ("GREEN", "AMBER", "RED", None)
        assert kpi["dot"] in ("improving", "stable", "worsening", "not_available")
        assert kpi["severity"] in ("well_below", "moderately_below", "slightly_below", None)
    sc4 = by_code(model)["SC4"]  # the range KPI has a band, not a target
    assert (sc4["target_low"], sc4["target_high"], sc4["target"]) == (17.5, 22.5, None)
    cype = [k for k in model["kpis"] if k["directorate"] == "CYPE"]
    assert {k["sub_area"] for k in cype} == {"Education & Wider Early Help", "Children's Social Care & Early Help"}

    for block in model["directorates"]:
        assert isinstance(block["code"], str) and isinstance(block["name"], str)
        assert set(KEYS) <= set(block["counts"])
        assert all(isinstance(block["counts"][k], int) for k in KEYS)
    assert all(isinstance(model["totals"][k], int) for k in KEYS)
    changes = model["comparison"]["changes"]
    assert all(isinstance(changes[k], int) for k in ("green", "amber", "red", "improving", "worsening"))
    for group in model["reds"]:
        assert isinstance(group["directorate"], str) and isinstance(group["name"], str)
        assert all(isinstance(k["code"], str) and isinstance(k["name"], str) for k in group["kpis"])
    for check in model["checks"]:
        assert isinstance(check["id"], str) and isinstance(check["name"], str)
        assert isinstance(check["passed"], bool) and isinstance(check["failures"], list)
    reconciliation = model["reconciliation"]
    assert isinstance(reconciliation["kpi_differences"], list)
    assert isinstance(reconciliation["directorate_differences"], list)


def test_severity_of_the_reds_follows_the_spec_illustration(qpr):
    """§3.4 illustration: foster placements 74.8 vs floor 75.0 slightly below; complaints 78
    vs 80 slightly below; care needs assessments 75 vs 80 (5 pp) moderately below."""
    kpis = by_code(qpr)
    assert kpis["SC6"]["severity"] == "slightly_below"
    assert kpis["CS3"]["severity"] == "slightly_below"
    assert kpis["AS2"]["severity"] == "moderately_below"
    assert all(k["severity"] is None for k in qpr["kpis"] if k["rag"] != "RED")


@pytest.mark.django_db
def test_reconciliation_names_a_kpi_and_directorate_that_differ(make_bundle, demo_period):
    """The control for the empty reconciliation above: a value that now meets its target."""
    from beacon.bundle.importer import import_bundle

    bundle = make_bundle()
    bundle.set_cell("observations.csv", "CS1,2022/23 Q2", "value", "97")  # target 97: GREEN, published AMBER
    import_bundle(bundle.root, user="tester")
    model = build_qpr(Quarter.parse(demo_period))
    differences = model["reconciliation"]["kpi_differences"]
    assert [(d["code"], d["field"], d["computed"], d["published"]) for d in differences] == [
        ("CS1", "rag", "GREEN", "AMBER")]
    [directorate] = model["reconciliation"]["directorate_differences"]
    assert directorate["directorate"] == "CS"
    assert directorate["counts"] == {"green": {"computed": 1, "published": 0}, "amber": {"computed": 0, "published": 1}}
