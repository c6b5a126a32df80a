"""The register edition as HTML, PDF and Word, checked as a reader would: page by page."""

import os
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():
    import_bundle(HERE / "kcc-risk-register-2023-01", user="test")
    import_bundle(HERE / "kcc-risk-register-2023-03-cype", user="test")


def _html(tmp_path, *args):
    out = tmp_path / "register.html"
    call_command("register", *args, "--format", "html", "--out", str(out))
    return out.read_text(encoding="utf-8")


def test_html_structure_and_accessibility(both, tmp_path):
    html = _html(tmp_path, "--body", "CYPE Cabinet Committee", "--date", "2023-03-08")
    assert '<html lang="en-GB">' in html
    assert "<title>KCC Corporate Risk Register – For Presentation to CYPE Cabinet Committee on 08/03/2023</title>" in html
    assert html.count("<h1") == 1
    assert "<h2 id=\"summary\">Corporate Risk Register - Summary Risk Profile</h2>" in html
    assert '<th scope="col">Direction of Travel since March 2022</th>' in html
    # each summary row: level word and score, and the direction in words (the arrow is hidden from screen readers)
    row = re.search(r'<a href="#crr0001">CRR0001</a></th>(.*?)</tr>', html, re.S).group(1)
    assert "Medium (15)" in row and "Reduced" in row and 'aria-hidden="true">↓' in row
    # a detail page per risk with every field, controls and actions
    for rid in ("CRR0001", "CRR0056", "CRR0057"):
        assert f'<h2 id="{rid.lower()}-h">{rid}:' in html
    assert html.count('<th scope="col">Control Title</th>') == 3
    assert html.count('<th scope="col">Action Title</th>') == 3
    assert "Planned Completion / Review Date" in html
    assert "Proposal to enter into the" in html
    # cross-references are links
    assert '(see risk <a href="#crr0057">CRR0057</a>)' in html
    # the heat map: level words in every cell, ids as links
    assert '<span class="cell-band">25 High</span><br><a href="#crr0056">CRR0056</a>' in html
    assert "Not yet rated: none." in html
    # every table has header cells
    for table in re.findall(r"<table.*?</table>", html, re.S):
        assert "<th" in table


@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"), reason="pdftotext (poppler) is not installed")
def test_pdf_page_by_page(both, tmp_path):
    out = tmp_path / "register.pdf"
    call_command("register", "--body", "CYPE Cabinet Committee", "--date", "2023-03-08", "--format", "pdf", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "Title:" in info and "KCC Corporate Risk Register" in info
    texts = [
        subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(out), "-"], capture_output=True, text=True).stdout
        for n in range(1, pages + 1)
    ]
    texts_plain = [
        " ".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out), "-"], capture_output=True, text=True).stdout.split())
        for n in range(1, pages + 1)
    ]
    # page 1: the cover line and the summary with its three rows, band line and legend
    first = texts[0]
    assert "For Presentation to CYPE Cabinet Committee on 08/03/2023" in first
    assert "Summary Risk Profile" in first and "Low = 1-6 | Medium = 8-15 | High = 16-25" in first
    for rid, current, target, dot in (("CRR0001", "Medium (15)", "Medium (15)", "Reduced"),
                                      ("CRR0056", "High (25)", "High (16)", "Merged"),
                                      ("CRR0057", "High (16)", "Low (6)", "New")):
        line = next(l for l in first.splitlines() if rid in l)
        assert current in line and target in line and dot in line, line
    assert "Direction of Travel since March 2022" in texts_plain[0]
    # the heat maps start a page
    heat = next(i for i, t in enumerate(texts) if "Heat maps" in t)
    assert heat >= 1 and "25 High" in texts[heat]
    # each risk starts its own page, in id order, and its pages hold its controls and actions
    starts = [next(i for i, t in enumerate(texts) if re.search(rf"^\s*{rid}: ", t, re.M)) for rid in ("CRR0001", "CRR0056", "CRR0057")]
    assert starts == sorted(starts) and starts[0] > heat
    crr0057 = " ".join(texts_plain[starts[2]:])
    assert "Current: High (16) · Target: Low (6)" in crr0057
    assert "Control Title" in crr0057 and "Action Title" in crr0057
    assert "Review findings and respond to Home To School Transport" in crr0057
    # every page is numbered
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {pages}" in text


def test_docx(both, tmp_path):
    from docx import Document

    out = tmp_path / "register.docx"
    call_command("register", "--body", "CYPE Cabinet Committee", "--date", "2023-03-08", "--format", "docx", "--out", str(out))
    doc = Document(io.BytesIO(out.read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "KCC Corporate Risk Register" in headings
    assert any(h.startswith("CRR0056: ") for h in headings)
    assert doc.core_properties.title.startswith("KCC Corporate Risk Register")
    summary = doc.tables[0]
    assert [c.text for c in summary.rows[0].cells][-1] == "Direction of Travel since March 2022"
    assert [c.text for c in summary.rows[1].cells][2:4] == ["Medium (15)", "Medium (15)"]


def test_cabinet_january_edition_renders_every_risk(both, tmp_path):
    html = _html(tmp_path, "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07", "--draft")
    assert len(re.findall(r'<section class="risk page-break"', html)) == 18
    assert "CRR0049</a></th>" in html and "Medium (10)" in html and "High (10)" not in html
    assert "** Risk rating to be reviewed after local government finance settlement is confirmed. (CRR0009)" in html
    assert "Not yet rated: <a href=\"#crr0058\">CRR0058</a>." in html
    assert '<h2 id="changes">Changes since July 2022</h2>' in html
    assert "CRR0051: Closed (related: CRR0058)" in html
    assert "Data-quality flags" in html and "CRR0009: the latest change note gives a current score of 25" in html


def test_text_lost_from_the_source_is_explained_once(both, tmp_path):
    html = _html(tmp_path, "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07-01")
    assert "[…]" in html
    assert html.count("“[…]” marks text missing from the source paper") == 1
    # the changes since the baseline are only those recorded as made after it
    undated = html[html.index('id="changes-undated"'):]
    assert "CRR0004" in undated and "(by 05/01/2023)" in undated
    assert 'date:"Y-m-d"' not in html and "(by 2023-" not in html
