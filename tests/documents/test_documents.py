"""The QPR documents of the demo (Kent, Quarter 2 2022/23): content from the HTML and Word
structure; the PDF is tagged with a title, a language and an outline."""

from __future__ import annotations

import os

import re
import shutil
from dataclasses import replace
import subprocess
import zlib

import pytest

from beacon.reports.qpr import model_from_json, model_json
from beacon.reports.render import Node, parse_html

pytestmark = pytest.mark.django_db


def text_of(node) -> str:
    return re.sub(r"\s+", " ", node.text()).strip()


@pytest.fixture(scope="module")
def html(demo_documents):
    return demo_documents["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tree(html):
    return parse_html(html)


def by_id(tree, id_):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Node):
            if node.attrs.get("id") == id_:
                return node
            stack.extend(c for c in node.children if isinstance(c, Node))
    raise AssertionError(f"no element #{id_}")


def section_of(tree, heading_id):
    heading = by_id(tree, heading_id)
    return heading.parent


def table_rows(table) -> list[list[str]]:
    return [[text_of(c) for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")] for tr in table.find_all("tr")]


def test_document_language_title_and_outline(tree):
    html_node = next(c for c in tree.children if isinstance(c, Node) and c.tag == "html")
    assert html_node.attrs["lang"] == "en-GB"
    assert text_of(tree.find_all("title")[0]) == "Quarterly Performance Report, Quarter 2, 2022/23"
    h2 = [text_of(h) for h in tree.find_all("h2")]
    for expected in ["Summary", "Recommendation(s)", "1. Introduction", "2. Quarter 2 Performance Report",
                     "3. Recommendation(s)", "4. Contact details", "Contents", "Key to KPI Ratings used",
                     "Data quality note", "Executive Summary",
                     "Customer Services", "Governance, Law & Democracy", "Adult Social Care & Health", "Public Health"]:
        assert expected in h2
    # directorate sections in display order
    sections = [h for h in h2 if h in ("Customer Services", "Governance, Law & Democracy",
                                       "Growth, Economic Development & Communities", "Environment and Transport",
                                       "Children, Young People and Education", "Adult Social Care & Health",
                                       "Public Health")]
    assert sections[0] == "Customer Services" and sections[-1] == "Public Health" and len(sections) == 7


def test_cover_header_from_report_settings(tree):
    rows = dict((r[0], r[1]) for r in table_rows(tree.find_all("table")[0]))
    assert rows["To:"] == "Cabinet – 5 January 2023"
    assert rows["Decision No:"] == "n/a"
    assert rows["Subject:"] == "Quarterly Performance Report, Quarter 2, 2022/23"
    assert rows["Classification:"] == "Unrestricted"
    assert rows["Electoral Division:"] == "All"
    assert "Leader of the Council" in rows["From:"] and "Chief Executive Officer" in rows["From:"]
    contacts = text_of(section_of(tree, "cover-contacts"))
    assert "performance@kent.gov.uk" in contacts


def test_cover_counts_reds_and_dot(html, tree):
    text = re.sub(r"\s+", " ", html)
    assert "17 are rated Green – the target was achieved or exceeded (four fewer than the previous Quarter), including 6 rated manually where no value is held." in text
    assert "13 are rated Amber – performance achieved or exceeded the expected floor standard but did not meet target (five more than the previous Quarter), including 3 rated manually where no value is held." in text
    assert "7 are rated Red – performance did not meet the expected floor standard (one fewer than the previous Quarter), including 2 rated manually where no value is held." in text
    assert "2 indicators show a positive trend (three fewer than the previous Quarter)" in text
    assert ("5 are showing a negative trend (the same as the previous Quarter). 36 of the 37 directions of travel are "
            "recorded manually, not computed.") in text
    assert "The 7 indicators where the RAG rating is Red, are in:" in text
    perf = text_of(section_of(tree, "cover-performance"))
    for name in ["Percentage of phone calls to Contact Point which were answered",
                 "Percentage of foster care placements which are in-house or with relatives and friends (excluding UASC)",
                 "Percentage of new Care Needs Assessments delivered within 28 days"]:
        assert name in perf
    reds_block = perf.split("are in:")[1].split("2.4")[0]
    assert reds_block.index("Customer Services") < reds_block.index("Governance and Law") < reds_block.index("Adult Social Care")


def test_executive_summary_headline_and_count_table(tree):
    summary = section_of(tree, "executive-summary")
    assert text_of(summary).startswith(
        "Executive Summary 17 of the 37 indicators are rated as Green, on or ahead of target (four fewer than last Quarter)."
    )
    table = next(t for t in summary.find_all("table") if "count-table" in t.classes)
    rows = table_rows(table)
    assert rows[0] == ["Directorate", "Green", "Amber", "Red", "↑ Improving", "↔ Stable", "↓ Worsening"] or rows[0][0] == "Directorate"
    body = {r[0]: r[1:] for r in rows[1:]}
    assert body["Customer Services"] == ["", "1", "2", "", "3", ""]  # zeros blank, as published
    assert body["Children, Young People and Education"] == ["6", "5", "2", "1", "8", "4"]
    assert body["TOTAL"] == ["17", "13", "7", "2", "30", "5"]
    # per directorate or sub-area: a paragraph and a KPI table; CYPE has two blocks
    h3 = [text_of(h) for h in summary.find_all("h3")]
    assert "Education & Wider Early Help" in h3 and "Children's Social Care & Early Help" in h3
    kpi_tables = [t for t in summary.find_all("table") if "kpi-table" in t.classes]
    assert len(kpi_tables) == 8
    assert sum(len(table_rows(t)) - 1 for t in kpi_tables) == 37
    first = table_rows(kpi_tables[0])
    assert first[0][:2] == ["Customer Services KPIs", "RAG rating"]
    assert first[1][1] == "▲ AMBER" and first[2][1] == "■ RED"
    assert first[1][2] == "↔ Stable (manual)"  # the demo records the published arrow: no trend is computable


def test_section_summary_row_is_the_executive_summary_row(demo_documents, tree):
    from beacon.reports.documents import build_context

    ctx = build_context(demo_documents["edition"].model)
    for section, row in zip(ctx["sections"], ctx["count_table"]):
        assert section["counts"] is row["counts"]  # one computed object (spec 6.1.1)
    cype = section_of(tree, "section-cype")
    summary = next(t for t in cype.find_all("table") if "section-summary" in t.classes)
    assert table_rows(summary)[1] == ["6", "5", "2", "1", "8", "4"]


def test_directorate_section_header_panels_and_footnotes(tree):
    cype = section_of(tree, "section-cype")
    text = text_of(cype)
    assert "Cabinet Members: Rory Love, Sue Chandler" in text
    assert "Corporate Director: Sarah Hammond" in text
    assert "Director: Anjan Ghosh" in text_of(section_of(tree, "section-ph"))
    assert "Cabinet Member: Clair Bell" in text_of(section_of(tree, "section-asch"))
    assert "Performance Indicators" in [text_of(h) for h in section_of(tree, "section-ph").find_all("h3")]
    panels = [s for s in tree.find_all("section") if "panel" in s.classes and s.attrs.get("aria-labelledby", "").startswith("kpi-")]
    assert len(panels) == 37
    sc6 = next(p for p in panels if p.attrs["aria-labelledby"] == "kpi-SC6")
    sc6_text = text_of(sc6)
    assert "Current: 74.8% Target: 85.0% Previous: 75.4%" in sc6_text
    assert "■ RED" in sc6_text
    assert "Direction of Travel: ↓ Performance is worsening (negative trend)" in sc6_text
    img = sc6.find_all("img")[0]
    assert img.attrs["src"].startswith("data:image/svg+xml;base64,")
    assert "Sep-22 74.8%" in img.attrs["alt"]
    sc4 = text_of(next(p for p in panels if p.attrs["aria-labelledby"] == "kpi-SC4"))
    assert "Target: 17.5% - 22.5%" in sc4
    as2 = text_of(next(p for p in panels if p.attrs["aria-labelledby"] == "kpi-AS2"))
    assert "Reported one quarter in arrears" in as2 or "Reported one Quarter in arrears" in as2
    # the rolling suffix comes from the flag
    ge1 = text_of(next(p for p in panels if p.attrs["aria-labelledby"] == "kpi-GE1"))
    assert ge1.startswith("Number of homes brought back to market through No Use Empty (NUE) – rolling 12 months")
    assert "rolling 12 months – rolling 12 months" not in ge1


def test_narrative_in_sections(html):
    text = re.sub(r"\s+", " ", html)
    assert ("It decreased by 0.6 percentage points from 75.4% in the previous Quarter, moving from a RAG rating of "
            "Amber to Red.") in text
    assert "It increased by 16 percentage points from 70% in the previous Quarter, moving from a RAG rating of Red to Amber." in text
    assert "Customer Services – None of the three KPIs met target; one is rated Amber and two are rated Red." in text
    # the one streak claim rests on published values only: developer contributions 65% (March), 99%
    # (June) and 100% (September), as the s.106 table prints them; illustrative values never count
    assert text.count("in a row") == 1
    assert "from 99% in the previous Quarter, and remains at Green, and has increased for the second Quarter in a row." in text


def test_supporting_tables_and_key_pages(tree, html):
    cs = section_of(tree, "section-cs")
    captions = [text_of(c) for c in cs.find_all("caption")]
    assert "Number of phone calls to Contact Point (thousands)" in captions
    calls = next(t for t in cs.find_all("table") if text_of(t.find_all("caption")[0]) == "Number of phone calls to Contact Point (thousands)")
    rows = table_rows(calls)
    assert rows[0] == ["Service", "Oct - Dec 21", "Jan – Mar 22", "Apr – Jun 22", "Jul – Sep 22", "Yr to Sep 22", "Yr to Sep 21"]
    assert rows[-1][0] == "Total Calls (thousands)"
    text = re.sub(r"\s+", " ", html)
    assert "All data included in this report for the current financial year is provisional unaudited data" in text
    assert "Floor Standard* has not been achieved" in text
    assert "Direction of Travel is based on regression analysis across the whole timeframe shown in the graphs." in text
    # the demo edition has no activity indicators, so no Key to their graphs
    assert "Thresholds are based on past trends and other benchmark information." not in text
    assert "Key to Activity Indicator Graphs" not in text


def test_risk_overview_extension_point(demo_documents):
    from beacon.reports import documents

    edition = demo_documents["edition"]
    html = documents.qpr_html(edition)
    assert 'id="risk-overview"' not in html
    # any object with a title, paragraphs, tables and subsections renders (the template reads attributes)
    model = replace(edition.model, risk_overview={
        "paragraphs": ["The table below shows the number of corporate risks in each risk level."],
        "tables": [{"title": "Corporate risks by level", "header": ["Level", "June 2022", "November 2022"],
                    "rows": [["Low", "0", "0"], ["Medium", "4", "4"], ["High", "16", "16"]]}],
    })
    html = documents.qpr_html(documents.Edition(model, edition.settings))
    tree = parse_html(html)
    section = section_of(tree, "risk-overview")
    assert text_of(by_id(tree, "risk-overview")) == "Corporate Risk Register – Overview"
    assert table_rows(section.find_all("table")[0])[3] == ["High", "16", "16"]
    assert '<a href="#risk-overview">' in html  # listed in the contents


def test_narrative_override_is_used(demo_documents):
    from beacon.reports import documents

    edition = demo_documents["edition"]
    replaced = documents.Edition(edition.model, edition.settings, {"cover.2.2.green": "Seventeen KPIs are Green."})
    html = documents.qpr_html(replaced)
    assert "Seventeen KPIs are Green." in html
    assert "17 are rated Green – the target" not in html


def test_year_end_variant(demo_documents):
    from beacon.reports import documents

    model = model_json(demo_documents["edition"].model)
    model["period"].update({"label": "2022/23 Q4", "quarter": 4, "variant": "year_end", "data_to_label": "March 2023"})
    model["comparison"]["basis"] = "same_quarter_last_year"
    for k in model["kpis"]:
        k["rag_prior_year"] = "GREEN" if k["code"] != "AS1" else None
        k["rag_prior_year_note"] = "New KPI in 22/23" if k["code"] == "AS1" else None
    html = documents.qpr_html(documents.Edition(model_from_json(model), {}))
    tree = parse_html(html)
    text = re.sub(r"\s+", " ", html)
    assert "(four fewer than the same Quarter last year)" in text
    assert "County Council" in text_of(tree.find_all("table")[0])
    h2 = [text_of(h) for h in tree.find_all("h2")]
    assert "3. Commentary" in h2 and "4. Recommendation(s)" in h2 and "5. Contact details" in h2
    assert "Moderately below floor standard1" in [text_of(h) for h in tree.find_all("h3")]
    commentary = text_of(section_of(tree, "cover-commentary"))
    assert ("Percentage of new Care Needs Assessments delivered within 28 days (Performance has remained stable or "
            "shows no clear trend, recorded manually)") in commentary
    assert "close to their floor standard with a worsening direction of travel" in commentary
    assert "Percentage of case holding posts filled by permanent qualified social workers" in commentary
    kpi_table = next(t for t in tree.find_all("table") if "kpi-table" in t.classes)
    assert table_rows(kpi_table)[0] == ["Customer Services KPIs", "Q4 22/23", "Q4 21/22", "DoT"]
    assert "New KPI in 22/23" in text


# --- Word ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def docx_doc(demo_documents):
    import docx

    return docx.Document(str(demo_documents["docx"]))


def test_docx_headings_tables_and_metadata(docx_doc):
    from docx.oxml.ns import qn

    assert docx_doc.core_properties.title == "Quarterly Performance Report, Quarter 2, 2022/23"
    assert docx_doc.core_properties.language == "en-GB"
    headings = [(p.style.name, p.text) for p in docx_doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Quarterly Performance Report, Quarter 2, 2022/23") in headings
    assert ("Heading 2", "Executive Summary") in headings
    assert ("Heading 2", "Children, Young People and Education") in headings
    assert ("Heading 3", "Key Performance Indicators") in headings
    assert sum(1 for style, _ in headings if style == "Heading 4") >= 37
    texts = [p.text for p in docx_doc.paragraphs]
    assert any("17 are rated Green – the target was achieved or exceeded (four fewer than the previous Quarter), including 6 rated manually where no value is held." in t for t in texts)
    assert any("Current: 74.8% Target: 85.0% Previous: 75.4%" in t for t in texts)
    # the RAG tile keeps its colour in Word, beside its word and shape
    tile = next(p for p in docx_doc.paragraphs if p.text.startswith("■ RED")).runs[1]
    assert tile.text == " RED" and str(tile.font.color.rgb) == "FFFFFF"
    assert tile._r.rPr.find(qn("w:shd")).get(qn("w:fill")) == "D4351C"
    # numbered cover paragraphs carry their own numbers, in one paragraph each
    assert any(t.startswith("2.2 Of the 37 KPIs included in the report") for t in texts)
    # every table's first row is a repeating header row
    assert len(docx_doc.tables) > 10
    for table in docx_doc.tables[1:]:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    counts = next(t for t in docx_doc.tables if t.rows[0].cells[0].text == "Directorate")
    assert [c.text for c in counts.rows[-1].cells] == ["TOTAL", "17", "13", "7", "2", "30", "5"]
    # charts are pictures with their text alternative
    descriptions = [d.get("descr") for d in docx_doc.element.body.iter(qn("wp:docPr"))]
    assert len(descriptions) >= 20 and all(descriptions)
    assert any("Sep-22 74.8%" in d for d in descriptions)


# --- PDF ----------------------------------------------------------------------------------
def _pdf_text_objects(data: bytes) -> bytes:
    """The PDF's objects with every Flate stream inflated (object streams included)."""
    out = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        start = m.end()
        end = data.find(b"endstream", start)
        try:
            out.append(zlib.decompress(data[start:end]))
        except zlib.error:
            pass
    return b"\n".join(out)


def test_pdf_is_tagged_with_title_language_and_outline(demo_documents):
    data = demo_documents["pdf"].read_bytes()
    assert data.startswith(b"%PDF-")
    objects = _pdf_text_objects(data)
    assert b"/StructTreeRoot" in objects
    assert b"/MarkInfo" in objects
    assert re.search(rb"/Lang\s*\(en-GB\)", objects)
    assert b"/Outlines" in objects
    assert b"pdfuaid" in objects  # PDF/UA-1 identification in the XMP metadata
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(demo_documents["pdf"])], capture_output=True, text=True).stdout
        assert "Title:           Quarterly Performance Report, Quarter 2, 2022/23" in info
        assert "Tagged:          yes" in info
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert 20 <= pages <= 60


def test_pdf_contents_have_page_numbers(demo_documents):
    if not shutil.which("pdftotext") and not os.environ.get("CI"):  # CI installs it: there, a missing tool fails
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "6", str(demo_documents["pdf"]), "-"],
                          capture_output=True, text=True).stdout
    contents = text.split("Contents", 1)[1]
    assert re.search(r"Executive Summary\s*\.+\s*\d+", contents)
    assert re.search(r"Public Health\s*\.+\s*\d+", contents)


def test_activity_indicators_and_authored_commentary(demo_documents):
    from beacon.reports import documents

    model = model_json(demo_documents["edition"].model)
    model["activity"] = [{
        "code": "CSA1", "name": "Number of visits to the KCC website – by quarter", "directorate": "CS",
        "unit": "count", "decimals": 0, "notes": "* No visitor data was available from October until February.",
        "latest_period": "2022/23 Q2", "position": "above",
        "series": [
            {"period": "2022/23 Q1", "value": 2100000, "lower_threshold": 1800000, "upper_threshold": 2200000,
             "benchmark": None, "target": None, "illustrative": False},
            {"period": "2022/23 Q2", "value": 2400000, "lower_threshold": 1800000, "upper_threshold": 2200000,
             "benchmark": None, "target": None, "illustrative": False},
        ],
    }]
    model["commentary"] = [{"directorate": "CS", "sub_area": None, "kpi": None, "topic": "Contact Point",
                            "text": "Call volumes rose over the summer.", "author": "CS"}]
    tree = parse_html(documents.qpr_html(documents.Edition(model_from_json(model), {})))
    cs = section_of(tree, "section-cs")
    text = text_of(cs)
    assert "Activity indicators" in [text_of(h) for h in cs.find_all("h3")]
    assert ("The latest value of Number of visits to the KCC website – by quarter is 2,400,000 (the Quarter to "
            "September 2022), which is above expectations.") in text
    assert "No visitor data was available from October until February." in text
    assert "Contact Point" in [text_of(h) for h in cs.find_all("h4")] and "Call volumes rose over the summer." in text
    img = next(i for i in cs.find_all("img") if "visits" in i.attrs["alt"])
    assert "Expected range in Sep-22: 1,800,000 to 2,200,000." in img.attrs["alt"]
