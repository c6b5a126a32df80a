"""HTML -> Word and HTML -> tagged PDF on small documents (the converter the risk register
documents reuse)."""

from __future__ import annotations

import io
import re
import zlib

import docx
from docx.oxml.ns import qn

from beacon.reports.render import html_to_docx, html_to_pdf

HTML = """<!DOCTYPE html><html lang="en-GB"><head><title>Small report</title></head><body><main>
<h1>Title</h1>
<p>Intro with <strong>bold</strong> and <em>italic</em>.</p>
<div class="docx-skip"><p>Only in HTML and PDF</p></div>
<section class="page-break"><h2>Second</h2>
<ul><li>one</li><li>two <span data-fill="D4351C" data-color="FFFFFF">RED</span></li></ul>
<ol class="numbered"><li><span>1.1</span> numbered by its text</li></ol>
<table><caption class="visually-hidden">Hidden name</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody><tr><td>A</td><td data-fill="00703C">1</td></tr><tr><td colspan="2">wide</td></tr></tbody></table>
<h3>Third</h3><h4>Fourth</h4>
</section></main></body></html>"""


def test_docx_structure():
    d = docx.Document(io.BytesIO(html_to_docx(HTML)))
    assert d.core_properties.title == "Small report" and d.core_properties.language == "en-GB"
    paras = [(p.style.name, p.text.strip()) for p in d.paragraphs if p.text.strip()]
    assert paras[0] == ("Heading 1", "Title")
    assert ("Normal", "Intro with bold and italic.") in paras
    assert not any("Only in HTML" in t for _, t in paras)
    assert ("Heading 2", "Second") in paras and ("Heading 3", "Third") in paras and ("Heading 4", "Fourth") in paras
    assert ("List Bullet", "one") in paras and ("List Bullet", "two RED") in paras
    assert ("Normal", "1.1 numbered by its text") in paras
    assert not any("Hidden name" in t for _, t in paras)
    second = next(p for p in d.paragraphs if p.text == "Second")
    assert second.paragraph_format.page_break_before
    bold = next(p for p in d.paragraphs if p.text.startswith("Intro")).runs[1]
    assert bold.text == "bold" and bold.bold
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Name", "Value"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[1]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "00703C"
    assert table.rows[2].cells[0].text == "wide" and len({id(c._tc) for c in table.rows[2].cells}) == 1


def test_pdf_tagged_title_language():
    data = html_to_pdf(HTML)
    parts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        try:
            parts.append(zlib.decompress(data[m.end():end]))
        except zlib.error:
            pass
    text = b"\n".join(parts)
    assert b"/StructTreeRoot" in text and re.search(rb"/Lang\s*\(en-GB\)", text)
    title = "Small report"
    assert (title.encode() in text or title.encode("utf-16-be") in text
            or title.encode("utf-16-be").hex().encode() in text.lower())
    assert b"/Outlines" in text
