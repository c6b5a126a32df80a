"""The QPR's counts, sentences, tables and Key say only what the data holds (issue 8): a
direction of travel that cannot be computed is counted and named as such, a manual one is
marked, sub-areas and directorates carry change clauses where comparison counts exist, the
year-end cover names the body of its settings, and the 2016 rule set speaks 2016.

Data made up here (not the demo): one directorate with two sub-areas, four KPIs.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import call_command

from beacon.bundle.importer import import_bundle
from beacon.domain.periods import Quarter
from beacon.domain.rules import get_rule_set
from beacon.reports import documents
from beacon.reports.documents import Edition
from beacon.reports.qpr import build_qpr

PERIOD = "2022/23 Q2"
YEAR_END = "2022/23 Q4"
QUARTERS = ["2021/22 Q1", "2021/22 Q2", "2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3",
            "2022/23 Q4"]

# code: (sub-area, eight quarterly values oldest first (None = no row))
KPIS = {
    "A1": ("Alpha", [60, 65, 70, 75, 80, 90, 91, 92]),  # a clear rise: improving, computed from six values
    "A2": ("Alpha", [None, None, None, None, 85, 86, 86, 87]),  # two values at Q2: too few for a trend
    "B1": ("Beta", [None, None, None, None, 84, 83, 82, 81]),  # too few values; a manual direction of travel
    "B2": ("Beta", [85, 86, 85, 86, 85, 86, 85, 86]),  # flat: stable, computed
}
MANUAL_DOT = {("B1", PERIOD): "worsening", ("B1", YEAR_END): "worsening"}


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def bundle(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    write_csv(folder / "directorates.csv", ["code", "name", "section_title", "display_order"],
              [{"code": "D1", "name": "Community Services", "section_title": "Community Services", "display_order": 1}])
    write_csv(folder / "kpis.csv", ["code", "name", "directorate", "sub_area", "unit", "polarity", "decimals"],
              [{"code": c, "name": f"Percentage {c}", "directorate": "D1", "sub_area": sub, "unit": "percent",
                "polarity": "higher", "decimals": 0} for c, (sub, _) in KPIS.items()])
    write_csv(folder / "targets.csv", ["kpi", "financial_year", "target", "floor"],
              [{"kpi": c, "financial_year": fy, "target": 90, "floor": 80}
               for c in KPIS for fy in ("2021/22", "2022/23")])
    rows = []
    for code, (_, values) in KPIS.items():
        for quarter, value in zip(QUARTERS, values):
            if value is None:
                continue
            row = {"kpi": code, "period": quarter, "value": value}
            if (code, quarter) in MANUAL_DOT:
                row.update(manual_dot=MANUAL_DOT[code, quarter], manual_dot_reason="as the service reported it")
            rows.append(row)
    write_csv(folder / "observations.csv", ["kpi", "period", "value", "manual_dot", "manual_dot_reason"], rows)
    return folder


@pytest.fixture
def imported(db, bundle):
    import_bundle(bundle, user="tester")


def model_of(period=PERIOD, rule_set=None):
    return build_qpr(Quarter.parse(period), rule_set)


def html_of(model, settings=None) -> str:
    return documents.qpr_html(Edition(model=model, settings=settings or {"council": "Testshire County Council"}))


def text_of(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def docx_text(model, settings=None) -> str:
    from docx import Document

    data = documents.qpr_docx(Edition(model=model, settings=settings or {"council": "Testshire County Council"}))
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_kpis_without_a_computable_direction_of_travel_are_counted_as_such(imported):
    model = model_of()
    a2 = model.kpi("A2")
    assert a2.dot == "stable" and "insufficient data" in a2.dot_evidence.flags
    t = model.totals
    # A1 improving (computed), B1 worsening (manual), B2 stable (computed), A2 none: never "stable"
    assert (t.improving, t.stable, t.worsening, t.not_available) == (1, 1, 1, 1)
    alpha = model.directorates[0].sub_areas[0]
    assert alpha.name == "Alpha" and alpha.counts.stable == 0 and alpha.counts.not_available == 1
    # the counts add up, and too few values is a rule's outcome, not a failed check
    assert {c.id: c.passed for c in model.checks}["6.1.2"] is True


def test_sub_area_and_directorate_sentences_carry_change_clauses(imported):
    model = model_of()
    block = model.directorates[0]
    # every KPI is rated in Quarter 1, so the data allows RAG comparisons for each group
    assert block.changes.green == 1  # A1 moved from Amber to Green
    alpha, beta = block.sub_areas
    assert alpha.changes.green == 1 and beta.changes.green == 0
    # a group with a KPI without a direction of travel has no direction-of-travel clause
    assert alpha.changes.stable is None
    ctx = documents.build_context(model, {"council": "Testshire County Council"})
    assert ctx["text"]["block.D1.Alpha"].startswith(
        "Alpha – One of the two KPIs met or exceeded target (one more than last Quarter), one is rated Amber "
        "(one fewer than last Quarter).")
    assert "(the same as last Quarter)" in ctx["text"]["block.D1.Beta"]
    assert "(one more than last Quarter)" in ctx["text"]["block.D1"]


def test_documents_mark_manual_and_missing_directions_of_travel(imported):
    model = model_of()
    html = html_of(model)
    text = text_of(html)
    # the Executive Summary row of B1 and its panel carry a visible mark and the reason
    b1_row = re.search(r'<tr data-kpi="B1">.*?</tr>', html, flags=re.S).group(0)
    assert "(manual)" in text_of(b1_row)
    assert "Manual direction of travel (worsening), not computed: as the service reported it" in text
    assert "Its direction of travel (worsening) is recorded manually, not computed" in text
    # A2: N/A with its reason, counted in an N/A column, and explained in the Key
    a2_row = re.search(r'<tr data-kpi="A2">.*?</tr>', html, flags=re.S).group(0)
    assert "N/A" in text_of(a2_row) and "Stable" not in text_of(a2_row)
    assert "No direction of travel: fewer than four of the last six Quarters held." in text
    assert "N/A (no direction of travel)" in text
    assert "N/A Not available" in text
    assert "(manual) Direction of Travel recorded manually where it cannot be computed" in text
    # the same in Word, which is made from the same HTML
    word = docx_text(model)
    assert "(manual)" in word and "No direction of travel: fewer than four of the last six Quarters held." in word


def test_trend_claims_follow_the_rule_set_window(imported):
    model = model_of(rule_set=get_rule_set("2022", {"dot": {"window_quarters": 8, "min_points": 5}}))
    text = text_of(html_of(model))
    assert "six Quarters" not in text
    assert "No direction of travel: fewer than five of the last eight Quarters held." in text


def test_no_qpr_document_speaks_of_the_software_or_prints_template_syntax(imported):
    for period in (PERIOD, YEAR_END):
        model = model_of(period)
        for name, text in (("html", text_of(html_of(model))), ("docx", docx_text(model))):
            assert not re.search(r"\bBeacon\b", text), (period, name)
            assert not any(mark in text for mark in ("{#", "#}", "{%", "%}", "{{", "}}")), (period, name)


def cover_text(html: str) -> str:
    return text_of(re.search(r'<article class="cover".*?</article>', html, flags=re.S).group(0))


def test_year_end_cover_goes_to_the_body_of_its_settings(imported):
    model = model_of(YEAR_END)
    for settings, body in (({"to_text": "County Council"}, "County Council"), ({"to_text": "Full Council"}, "Full Council"),
                           ({}, "County Council")):
        cover = cover_text(html_of(model, {"council": "Testshire County Council", **settings}))
        assert "Cabinet" not in cover, settings
        assert f"inform {body} about key areas of performance" in cover
        assert f"{body} is asked to NOTE the year-end Quarterly Performance Report for 2022/23." in cover
        assert "Subject: Quarterly Performance Report, Quarter 4, 2022/23 (year end)" in cover
        assert "This year-end report presents performance to the end of March 2023" in cover
    # with five values needed for a trend, B1's four leave its manual "worsening" in force, which puts
    # it on the Amber watch-list: the list says the direction of travel is a manual one
    five = model_of(YEAR_END, get_rule_set("2022", {"dot": {"min_points": 5}}))
    assert "Percentage B1 – its worsening direction of travel is recorded manually" in cover_text(html_of(five))
    quarterly = cover_text(html_of(model_of(), {"council": "Testshire County Council", "to_text": "Executive"}))
    assert "inform Executive about" in quarterly and "Executive is asked to NOTE the Quarter 2" in quarterly


def test_set_rag_wording_2016_is_a_wording_not_a_number(imported, tmp_path):
    out = tmp_path / "qpr.json"
    call_command("report", period=PERIOD, out=str(out), set=["rag.wording=2016", "dot.window_quarters=8"])
    rules = json.loads(out.read_text(encoding="utf-8"))["rule_set"]
    assert rules["rag"]["wording"] == "2016" and rules["dot"]["window_quarters"] == 8


def test_the_2016_rule_set_speaks_2016(imported, tmp_path):
    out = tmp_path / "qpr.html"
    call_command("report", period=PERIOD, format="html", out=str(out), rule_set="2016")
    text = text_of(out.read_text(encoding="utf-8"))
    assert "1 is rated Green – target achieved or exceeded" in text
    assert "Net Direction of Travel was positive with" in text
    assert "positive trend" not in text
    assert "N/A Not available" in text  # the 2016 Key's row
