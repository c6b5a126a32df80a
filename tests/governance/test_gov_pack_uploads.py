"""A clerk's file as a paper's pages: a PDF kept, a Word file converted, anything else refused
with a message naming the file."""

from __future__ import annotations

import io

import pytest

from beacon.core.audit import history_of
from beacon.governance import models as gm
from beacon.reports.papers import AttachFile, UploadRefused, attach_file, docx_html

from gov_pack_support import MEETING, NOW, docx_bytes, is_tagged, make_cabinet, pages_text, pdf_with_pages

pytestmark = pytest.mark.django_db
PAPER = f"{MEETING}-05"


def upload(name, content):
    return attach_file(AttachFile(PAPER, name, content, by="clerk", now=NOW))


def refusal(name, content) -> str:
    with pytest.raises(UploadRefused) as caught:
        upload(name, content)
    return str(caught.value)


def test_a_pdf_is_kept_as_uploaded_and_earlier_files_are_kept():
    make_cabinet(upload=False)
    content = pdf_with_pages(3)
    first = upload("budget.pdf", content)
    assert bytes(first.content) == content and first.page_count == 3 and first.content_type == "application/pdf"
    second = upload("budget-v2.pdf", pdf_with_pages(4))
    assert list(gm.PaperFile.objects.filter(paper__key=PAPER).values_list("name", flat=True)) == ["budget-v2.pdf", "budget.pdf"]
    assert second.page_count == 4
    assert [r.field for r in history_of(gm.Paper.objects.get(key=PAPER))][-2:] == ["file", "file"]


def test_a_word_file_is_converted_to_a_tagged_pdf_from_its_paragraphs_and_tables():
    make_cabinet(upload=False)
    row = upload("disposal.docx", docx_bytes("Heads of terms"))
    pdf = bytes(row.content)
    assert pdf.startswith(b"%PDF-") and is_tagged(pdf)
    text = " ".join(pages_text(pdf))
    for words in ("Property disposal", "Heads of terms", "First option", "Second option", "Sessions House", "£1m"):
        assert words in text
    title, html = docx_html("disposal.docx", docx_bytes())
    assert title == "Property disposal"
    assert "<h2>Property disposal</h2>" in html and "<li>First option</li>" in html
    assert '<th scope="col">Site</th>' in html and "<td>£1m</td>" in html


def test_an_old_word_file_is_refused_naming_it():
    make_cabinet(upload=False)
    assert refusal("Budget 2023.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == (
        "Budget 2023.doc is an old Word document (.doc), which Beacon cannot convert: open it in Word, save it as a "
        "Word document (.docx) or a PDF, and upload that")


def test_other_files_are_refused_naming_them():
    make_cabinet(upload=False)
    assert refusal("notes.txt", b"hello") == (
        "notes.txt: Beacon takes a paper as a PDF (.pdf) or a Word document (.docx); .txt is neither")
    assert refusal("scan.pdf", b"GIF89a....") == (
        "scan.pdf is not a PDF file (it does not begin as one): upload the paper as a PDF or .docx")
    assert refusal("empty.pdf", b"") == "empty.pdf is empty: upload the paper's PDF or Word (.docx) file"
    assert refusal("broken.pdf", b"%PDF-1.7\nthis is not a pdf").startswith("broken.pdf cannot be read as a PDF")
    assert refusal("report.docx", b"PK\x03\x04 not really").startswith(
        "report.docx cannot be read as a Word document (.docx)")
    assert not gm.PaperFile.objects.exists()


def test_a_password_protected_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    make_cabinet(upload=False)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_pages(1))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert refusal("locked.pdf", out.getvalue()) == "locked.pdf is protected by a password: upload a copy without the protection"
