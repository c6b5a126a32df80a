"""Issue 8: assumed and derived thresholds are shown as such, and every Red of the year-end
list of Reds appears, banded or under "Severity not determined" with the reason.

The data is made up here (one directorate, a year-end quarter), so nothing depends on the
demo's answers. The documents are read as text: HTML, the text of the Word file and the text
of the PDF.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess

import pytest

from beacon.domain import narrative
from beacon.domain.periods import Quarter
from beacon.domain.qpr_model import KpiEntry
from beacon.domain.records import from_plain
from beacon.reports.qpr import model_json
from beacon.reports.render import parse_html

PERIOD = "2022/23 Q4"

KPIS = [
    # code, name, unit, polarity, decimals
    ("CALC", "Calls answered", "percent", "higher", "0"),
    ("DERIV", "Reviews on time", "percent", "higher", "0"),
    ("MANRED", "Visits completed", "percent", "higher", "0"),
    ("MANSEV", "Plans agreed", "percent", "higher", "0"),
    ("BAND", "Share of repeat referrals", "percent", "range", "1"),
    ("GOOD", "Forms processed", "percent", "higher", "0"),
]
TARGETS = [
    # kpi, target, floor, target_low, target_high, target_source, floor_source
    ("CALC", "90", "80", "", "", "published", "assumed"),
    ("DERIV", "97", "90", "", "", "derived", "published"),
    ("MANRED", "90", "80", "", "", "", ""),
    ("MANSEV", "90", "80", "", "", "", ""),
    ("BAND", "", "", "17.5", "22.5", "assumed", ""),
    ("GOOD", "90", "80", "", "", "published", "published"),
]
OBSERVATIONS = [
    # kpi, value, manual_rating, manual_reason, manual_severity, manual_severity_reason
    ("CALC", "60", "", "", "", ""),
    ("DERIV", "95", "", "", "", ""),
    ("MANRED", "", "RED", "Value not published; rating as published.", "", ""),
    ("MANSEV", "", "RED", "Value not published; rating as published.", "moderately_below",
     "The published paper lists it as moderately below its floor standard."),
    ("BAND", "30.0", "", "", "", ""),
    ("GOOD", "95", "", "", "", ""),
]


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write_bundle(b) -> None:
    b.write("directorates.csv", _csv([["code", "name"], ["DD", "Delivery"]]))
    b.write("kpis.csv", _csv([["code", "name", "directorate", "unit", "polarity", "decimals"]]
                             + [[c, n, "DD", u, p, d] for c, n, u, p, d in KPIS]))
    b.write("targets.csv", _csv(
        [["kpi", "financial_year", "target", "floor", "target_low", "target_high", "target_source", "floor_source"]]
        + [[k, "2022/23", t, f, lo, hi, ts, fs] for k, t, f, lo, hi, ts, fs in TARGETS]))
    b.write("observations.csv", _csv(
        [["kpi", "period", "value", "manual_rating", "manual_reason", "manual_severity", "manual_severity_reason"]]
        + [[k, PERIOD, v, r, rr, s, sr] for k, v, r, rr, s, sr in OBSERVATIONS]))


@pytest.fixture
def year_end(db, make_bundle):
    """The made-up year-end edition: its model and its documents (HTML, Word text, PDF text)."""
    from beacon.bundle.importer import import_bundle
    from beacon.reports import documents

    b = make_bundle(empty=True)
    write_bundle(b)
    import_bundle(b.root, user="tester")
    edition = documents.edition_inputs(Quarter.parse(PERIOD))
    return edition


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def html_text(html: str) -> str:
    return flat(parse_html(html).text())


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return flat(" ".join(parts))


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "qpr.pdf"
    path.write_bytes(data)
    return flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def kpi(model, code):
    return next(k for k in model["kpis"] if k["code"] == code)


def entry(data: dict) -> KpiEntry:
    """A KPI of the typed model from the fields a test gives (the rest take their defaults)."""
    return from_plain(KpiEntry, data)


# --- the sentences (pure) -----------------------------------------------------------------
BASE = {"unit": "percent", "decimals": 0, "polarity": "higher", "target": 90, "floor": 80, "value": 85,
        "value_displayed": 85, "rag": "AMBER"}


def test_an_assumed_floor_standard_is_not_stated_as_fact_in_the_kpi_sentence():
    published = narrative._vs_thresholds(entry({**BASE, "target_source": "published", "floor_source": "published"}))
    assert published == "below the target of 90% but above the floor standard of 80%"
    assumed = narrative._vs_thresholds(entry({**BASE, "floor_source": "assumed"}))
    assert assumed == "below the target of 90% but above the assumed floor standard of 80%"
    derived = narrative._vs_thresholds(entry({**BASE, "target_source": "derived", "floor_source": "assumed", "value": 70,
                                        "value_displayed": 70, "rag": "RED"}))
    assert derived == "below the derived target of 90% and the assumed floor standard of 80%"
    on_target = narrative._vs_thresholds(entry({**BASE, "value": 90, "value_displayed": 90, "rag": "GREEN",
                                          "target_source": "assumed"}))
    assert on_target == "on the assumed target of 90%"
    band = narrative._vs_thresholds(entry({**BASE, "polarity": "range", "target_low": 17.5, "target_high": 22.5,
                                     "decimals": 1, "rag": "GREEN", "target_source": "assumed"}))
    assert band == "within the assumed target range of between 17.5% and 22.5%"


def test_a_missing_floor_standard_is_said_to_be_missing_not_printed_as_a_figure():
    text = narrative._vs_thresholds(entry({**BASE, "floor": None, "value": 70, "value_displayed": 70, "rag": "RED"}))
    assert text == "below the target of 90%, with no floor standard recorded"
    assert "floor standard of %" not in text and "floor standard of 0" not in text


def test_severity_lines_say_how_each_red_was_banded():
    line = narrative.severity_line(entry({**BASE, "name": "Calls", "floor_source": "assumed", "severity_source": "computed"}),
                                   "Stable")
    assert line == "Calls (Stable) – measured against an assumed floor standard of 80%"
    assert narrative.severity_line(entry({**BASE, "name": "Calls", "severity_source": "computed"}), "Stable") == "Calls (Stable)"
    manual = narrative.severity_line(entry({**BASE, "name": "Plans", "severity_source": "manual",
                                      "severity_reason": "Listed so in the paper."}), "Stable")
    assert manual == "Plans (Stable) – severity set manually: Listed so in the paper"
    undetermined = narrative.severity_line(entry({**BASE, "name": "Visits", "severity_source": "not_determined",
                                            "severity_reason": "no floor standard is recorded"}), "Stable")
    assert undetermined == "Visits (Stable) – no floor standard is recorded"


# --- the model ----------------------------------------------------------------------------
def test_every_red_is_in_the_year_end_severity_list(year_end):
    model = model_json(year_end.model)
    assert model["period"]["variant"] == "year_end"
    reds = {k["code"] for k in model["kpis"] if k["rag"] == "RED"}
    assert reds == {"CALC", "MANRED", "MANSEV", "BAND"}
    listed = [c for codes in model["severity"].values() for c in codes]
    assert sorted(listed) == sorted(reds)  # each Red exactly once
    assert model["severity"]["well_below"] == ["CALC"]
    assert model["severity"]["moderately_below"] == ["MANSEV"]
    assert model["severity"]["not_determined"] == ["MANRED", "BAND"]
    assert (kpi(model, "CALC")["severity_source"], kpi(model, "CALC")["severity_reason"]) == ("computed", None)
    mansev = kpi(model, "MANSEV")
    assert (mansev["severity"], mansev["severity_source"]) == ("moderately_below", "manual")
    assert mansev["severity_reason"] == "The published paper lists it as moderately below its floor standard."
    assert "no value is recorded" in kpi(model, "MANRED")["severity_reason"]
    assert "no floor band" in kpi(model, "BAND")["severity_reason"]
    assert all(k["severity_source"] is None for k in model["kpis"] if k["rag"] != "RED")


def test_a_manual_severity_on_a_measurable_red_is_ignored_with_a_warning(db, make_bundle):
    from beacon.bundle.importer import import_bundle
    from beacon.reports.qpr import build_qpr, model_json

    b = make_bundle(empty=True)
    write_bundle(b)
    b.set_cell("observations.csv", "CALC,", "manual_severity", "slightly_below")
    b.set_cell("observations.csv", "CALC,", "manual_severity_reason", "By hand")
    b.set_cell("observations.csv", "GOOD,", "manual_severity", "slightly_below")
    b.set_cell("observations.csv", "GOOD,", "manual_severity_reason", "By hand")
    import_bundle(b.root, user="tester")
    model = model_json(build_qpr(Quarter.parse(PERIOD)))
    calc, good = kpi(model, "CALC"), kpi(model, "GOOD")
    assert (calc["severity"], calc["severity_source"]) == ("well_below", "computed")
    assert any("manual severity slightly_below ignored" in w for w in calc["warnings"])
    assert good["severity"] is None and any("not rated Red" in w for w in good["warnings"])


# --- the documents ------------------------------------------------------------------------
def commentary_of(text: str) -> str:
    """The cover's "3. Commentary" (the year-end list of Reds) up to its Recommendation(s)."""
    start = text.index("3. Commentary")
    return text[start:text.index("Recommendation(s)", start)]


# each Red: its name, its direction of travel in brackets (wording not tested here), then what
# the reader must know about its severity
SEVERITY_LINES = [
    ("Calls answered", "measured against an assumed floor standard of 80%"),
    ("Plans agreed", "severity set manually: The published paper lists it as moderately below its floor standard"),
    ("Visits completed", "rated Red by a manual rating; no value is recorded to measure against the floor standard"),
    ("Share of repeat referrals", "no floor band is recorded for this target range"),
]


def check_cover(text: str) -> None:
    commentary = commentary_of(text)
    positions = []
    for name, tail in SEVERITY_LINES:
        found = re.search(re.escape(name) + r" \(.+?\) – " + re.escape(tail), commentary)
        assert found, (name, tail, commentary)
        positions.append(found.start())
    undetermined = commentary.index("Severity not determined")
    # banded (well below, then moderately below) before the ones not determined
    assert positions[0] < positions[1] < undetermined < positions[2] < positions[3]
    assert commentary.index("Well below floor standard") < positions[0]
    assert commentary.index("Moderately below floor standard") < positions[1]
    # the bands the determined Reds do not fill do not claim that no Red is in them
    assert "Slightly below floor standard" in commentary
    assert "None among the KPIs whose severity is determined." in commentary
    assert "None. " not in commentary + " "


def check_thresholds(text: str, panel_lines: bool = True) -> None:
    # the KPI sentence
    assert "below the target of 90% and the assumed floor standard of 80%" in text
    assert "below the derived target of 97% but above the floor standard of 90%" in text
    assert "outside the assumed target range of between 17.5% and 22.5%" in text
    # the panels: target with its mark, and a note for each figure that is not published
    assert "Target: 17.5% - 22.5% (assumed)" in text
    if panel_lines:  # (in the PDF the status line's hidden DoT text interleaves with it)
        assert "Target: 97% (derived)" in text
    assert "The floor standard of 80% is assumed, not a published figure." in text
    assert "The target of 97% is derived from published information, not printed as a figure." in text
    # the Key explains both marks
    assert "Targets and floor standards that are not published" in text
    assert "shown as assumed has not been published by the council" in text
    assert "shown as derived is not printed as a figure" in text
    # and a published figure is never marked
    assert "Target: 90% (" not in text  # the published targets of CALC, GOOD, MANRED, MANSEV


def test_the_html_marks_thresholds_and_lists_every_red(year_end):
    from beacon.reports import documents

    html = documents.qpr_html(year_end)
    text = html_text(html)
    check_cover(text)
    check_thresholds(text)
    # the chart of a KPI with an assumed floor: its text alternative and its data table
    alts = [img.attrs.get("alt", "") for img in parse_html(html).find_all("img") if img.attrs.get("data-chart")]
    assert any("Target 90%; floor standard 80% (assumed)." in alt for alt in alts)
    data_table = flat(html.split("Chart data: Calls answered")[1].split("</table>")[0])
    assert "<td>80% (assumed)</td>" in data_table


def test_the_chart_legend_marks_an_assumed_floor():
    from beacon.reports import charts

    entry = {"name": "Calls", "unit": "percent", "decimals": 0, "polarity": "higher", "target": 90, "floor": 80,
             "target_source": "published", "floor_source": "assumed",
             "series": [{"period": "2022/23 Q4", "value": 60, "illustrative": False}]}
    chart = charts.kpi_chart(from_plain(KpiEntry, entry))
    assert chart.table["rows"][0][2:] == ["90%", "80% (assumed)"]
    assert "floor standard 80% (assumed)" in chart.alt
    svg = chart.svg
    assert "(assumed)" in svg and "Floor" in svg
    published = charts.kpi_chart(from_plain(KpiEntry, {**entry, "floor_source": "published"}))
    assert "(assumed)" not in published.svg and published.table["rows"][0][3] == "80%"


def test_the_word_file_marks_thresholds_and_lists_every_red(year_end):
    from beacon.reports import documents

    text = docx_text(documents.qpr_docx(year_end))
    check_cover(text)
    check_thresholds(text)


def test_the_pdf_marks_thresholds_and_lists_every_red(year_end, tmp_path):
    from beacon.reports import documents

    text = pdf_text(documents.qpr_pdf(year_end), tmp_path)
    check_cover(text)
    check_thresholds(text, panel_lines=False)
    # the chart legends, drawn as text in the PDF
    assert "Floor (assumed)" in text and "Target (derived)" in text and "Target range (assumed)" in text
