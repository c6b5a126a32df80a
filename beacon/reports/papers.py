"""Papers Beacon writes and papers a clerk uploads (governance.md §6, §11).

* :func:`create_paper`: "create paper" from a QPR or a register edition (or a meeting's minutes):
  the cover header pre-filled from the report settings (a QPR: ``beacon.reports.models.ReportSettings``
  of the published edition) or the register's covering report (:mod:`beacon.reports.register.cover`),
  the recommendation stored once (a ``Recommendation`` row, NOTE), the document attached as its
  appendix (``document_ref``), an agenda item (category report) placed on the meeting, and its
  pathway: the current step at this meeting, and the future step when the settings' future
  pathway names a body Beacon knows.
* :func:`attach_file`: a clerk's file as a paper's pages: a PDF is kept as it is; a Word file
  (.docx) is converted to a tagged PDF from its headings, paragraphs, lists and tables
  (python-docx, then WeasyPrint); anything else, an old Word file (.doc) included, is refused
  with a message naming the file (:class:`UploadRefused`).
* :func:`document_label`: a document reference in words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.html import escape

from beacon.core import audit, clock
from beacon.domain import governance as g
from beacon.domain import packs as rules
from beacon.domain.governance_rules import date_words, normalise_decision_no
from beacon.governance import models as gm

__all__ = ["CreatePaper", "AttachFile", "PaperError", "UploadRefused", "create_paper", "attach_file", "document_label",
           "docx_to_pdf", "MAX_UPLOAD_BYTES"]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class PaperError(ValueError):
    """A paper that cannot be created: the message says why."""


class UploadRefused(PaperError):
    """A file that cannot be a paper's pages: the message names the file and says why."""


@dataclass(frozen=True)
class CreatePaper:
    document_ref: str
    meeting_key: str
    by: str
    item_number: int | None = None
    now: dt.datetime | None = None
    cover_settings: str | Path | None = None  # a register's covering-report settings file (register/cover.py)


@dataclass(frozen=True)
class AttachFile:
    paper_key: str
    name: str
    content: bytes
    by: str
    now: dt.datetime | None = None


# --- labels ---------------------------------------------------------------------------------------
def document_label(document_ref: str) -> str:
    """A document reference in words: "Quarterly Performance Report, Quarter 2, 2022/23",
    "Corporate Risk Register, Cabinet, 5 January 2023", "Minutes of the meeting of Cabinet held on
    1 December 2022"."""
    try:
        ref = rules.parse_document_ref(document_ref)
    except rules.DocumentRefError:
        return document_ref
    if ref.kind == "qpr":
        from beacon.domain.periods import PeriodError, Quarter

        try:
            q = Quarter.parse(ref.period)
        except PeriodError:
            return document_ref
        label = f"Quarterly Performance Report, Quarter {q.number}, {q.financial_year.label}"
        if q.is_year_end:
            label += " (year end)"
        return label + (f" (edition {ref.edition})" if ref.edition and ref.edition > 1 else "")
    if ref.kind == "register":
        return rules.register_label(ref.body, ref.date)
    meeting = gm.Meeting.objects.filter(key=ref.meeting).select_related("body").first()
    if meeting is None:
        return f"Minutes of {ref.meeting}"
    return f"Minutes of the meeting of {meeting.body.name} held on {date_words(meeting.date)}"


# --- create paper ---------------------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _body_named(text: str) -> gm.Body | None:
    """The body a pathway's words name (its name, code or an alias), or None."""
    words = " ".join((text or "").split()).lower()
    if not words or words in ("n/a", "none", "na"):
        return None
    for body in gm.Body.objects.all():
        names = [body.name, body.code, *(body.aliases or [])]
        if any(words == " ".join(n.split()).lower() for n in names if n):
            return body
    return None


def _qpr_prefill(document, meeting: gm.Meeting) -> dict:
    """The cover header from the published edition's report settings and its generated text."""
    ctx = document.context()
    settings = ctx["settings"]
    subject = settings.get("subject") or document_label(document.ref.split("#")[0])
    contacts = [{k: str(c.get(k) or "") for k in ("role", "name", "title", "phone", "email")}
                for c in settings.get("contacts") or []]
    return {
        "from": _lines(settings.get("from_text")) or ["Leader of the Council", "Chief Executive Officer"],
        "subject": subject,
        "decision_no": settings.get("decision_no") or "",
        "classification": settings.get("classification") or "Unrestricted",
        "past_pathway": settings.get("past_pathway") or "",
        "future_pathway": settings.get("future_pathway") or "",
        "electoral_division": settings.get("electoral_division") or "",
        "summary": document.summary(ctx),
        "recommendation": ctx["text"]["cover.recommendation"],
        "sections": document.cover_sections(ctx),
        "contacts": contacts,
        "appendices": f"Appendix 1 – {document_label(document.ref)}",
    }


def _register_prefill(document, meeting: gm.Meeting, settings_path) -> dict:
    from beacon.reports.register.cover import CoverSettingsError, load_cover_settings

    try:
        settings = load_cover_settings(settings_path)
    except CoverSettingsError as exc:
        raise PaperError(str(exc)) from None
    cover = document.cover(settings)
    contacts = [c for c in ({"role": "Report Author", "name": cover.author, "title": "", "phone": "", "email": ""},
                            {"role": "Relevant Director", "name": cover.director, "title": "", "phone": "", "email": ""})
                if c["name"]]
    return {
        "from": list(cover.from_lines),
        "subject": cover.subject,
        "decision_no": cover.decision_no,
        "classification": cover.classification,
        "past_pathway": cover.past_pathway,
        "future_pathway": cover.future_pathway,
        "electoral_division": cover.electoral_division,
        "summary": cover.summary,
        "recommendation": cover.recommendation,
        "sections": document.cover_sections(cover),
        "contacts": contacts,
        "appendices": f"Appendix 1 – {document.label}",
    }


_CLASSIFICATIONS = {"unrestricted": g.Section.UNRESTRICTED, "exempt": g.Section.EXEMPT}


def create_paper(command: CreatePaper) -> gm.Paper:
    """A report paper for the document ``command.document_ref`` on the meeting's agenda (a new item
    numbered next, or ``item_number``: a new item, or an existing one that has no paper yet),
    its cover header pre-filled, its recommendation stored once, its pathway recorded."""
    from beacon.reports.packs import sources

    now = command.now or clock.now()
    change = audit.Change(by=command.by, at=now, source="create paper")
    with transaction.atomic():
        meeting = gm.Meeting.objects.select_for_update().filter(key=command.meeting_key).select_related("body").first()
        if meeting is None:
            raise PaperError(f"there is no meeting {command.meeting_key}")
        if meeting.status == g.MeetingStatus.CANCELLED:
            raise PaperError(f"the meeting {meeting.key} is cancelled: place the paper on another meeting")
        if gm.Pack.objects.filter(meeting=meeting).exists() and command.item_number is None:
            pass  # an item added after dispatch goes into a supplement
        try:
            document = sources.resolve(command.document_ref)
        except sources.Unresolved as exc:
            raise PaperError(str(exc)) from None
        items = {i.number: i for i in meeting.items.all()}
        number = command.item_number or (max(items, default=0) + 1)
        if number < 1:
            raise PaperError("an item number counts from 1")
        existing = items.get(number)
        if existing is not None and (existing.paper_id is not None or
                                     gm.Paper.objects.filter(meeting=meeting, item=number).exists()):
            raise PaperError(f"item {number} of {meeting.key} already has a paper")
        key = f"{meeting.key}-{number:02d}"
        if gm.Paper.objects.filter(key=key).exists():
            raise PaperError(f"there is already a paper {key}")
        if document.kind == "minutes":
            fill = {"from": [], "subject": document.label, "decision_no": "", "classification": "unrestricted",
                    "past_pathway": "", "future_pathway": "", "electoral_division": "", "summary": "",
                    "recommendation": "", "sections": [], "contacts": [], "appendices": ""}
        elif document.kind == "qpr":
            fill = _qpr_prefill(document, meeting)
        else:
            fill = _register_prefill(document, meeting, command.cover_settings)
        classification = _CLASSIFICATIONS.get(str(fill["classification"]).strip().lower(), g.Section.UNRESTRICTED)
        kind = g.PaperKind.MINUTES if document.kind == "minutes" else g.PaperKind.REPORT
        source = {"qpr": g.PaperSource.QPR, "register": g.PaperSource.REGISTER, "minutes": g.PaperSource.MINUTES}[document.kind]
        paper, _ = audit.save_with_history(gm.Paper, {"key": key}, {
            "meeting": meeting, "item": number, "kind": kind, "subject": fill["subject"],
            "from_as_printed": fill["from"], "to_body": meeting.body, "to_date": meeting.date,
            "to_as_printed": f"{meeting.body.name} – {date_words(meeting.date)}",
            "decision_no": normalise_decision_no(fill["decision_no"]), "decision_no_as_printed": fill["decision_no"],
            "classification": classification, "past_pathway": fill["past_pathway"],
            "future_pathway": fill["future_pathway"], "electoral_division": fill["electoral_division"],
            "summary": fill["summary"], "recommendation": fill["recommendation"],
            "recommendation_body": fill["recommendation"], "contact_details": fill["contacts"],
            "contact_block_label": ["Contact details"] if fill["contacts"] else [],
            "appendices": fill["appendices"], "source": source, "document_ref": command.document_ref.strip(),
        }, entity="paper", key=key, change=change,
            track_creation=("subject", "document_ref", "recommendation"))
        for n, (heading, paras) in enumerate(fill["sections"], start=1):
            audit.save_with_history(gm.PaperSection, {"paper": paper, "number": n},
                                    {"heading": heading, "text": "\n\n".join(paras)},
                                    entity="paper section", key=f"{key} {n}", change=change, track_creation=("text",))
        if fill["recommendation"]:
            audit.save_with_history(gm.Recommendation, {"paper": paper, "label": ""}, {
                "seq": 1, "verb": g.RecommendationVerb.NOTE, "verb_as_printed": "NOTE", "text": fill["recommendation"],
                "printed_in": ["header", "body"]}, entity="recommendation", key=key, change=change,
                track_creation=("text",))
        category = g.ItemCategory.MINUTES if document.kind == "minutes" else g.ItemCategory.REPORT
        title = fill["subject"]
        if existing is None:
            audit.save_with_history(gm.AgendaItem, {"meeting": meeting, "number": number}, {
                "title": title, "section": classification, "category": category, "paper": paper},
                entity="agenda item", key=f"{meeting.key} {number}", change=change, track_creation=("title",))
        else:
            audit.save_with_history(gm.AgendaItem, {"pk": existing.pk}, {"paper": paper},
                                    entity="agenda item", key=f"{meeting.key} {number}", change=change)
        if kind == g.PaperKind.REPORT:
            audit.save_with_history(gm.Pathway, {"paper": paper, "step": 1}, {
                "body": meeting.body, "meeting": meeting, "role": g.PathwayRole.CURRENT,
                "status": g.PathwayStatus.PLANNED, "from_header": False},
                entity="pathway", key=f"{key} 1", change=change, track_creation=("body",))
            future = _body_named(fill["future_pathway"])
            if future is not None:
                audit.save_with_history(gm.Pathway, {"paper": paper, "step": 2}, {
                    "body": future, "role": g.PathwayRole.FUTURE, "status": g.PathwayStatus.PLANNED,
                    "from_header": True}, entity="pathway", key=f"{key} 2", change=change, track_creation=("body",))
        return paper


# --- uploads --------------------------------------------------------------------------------------
PDF_TYPE = "application/pdf"


def attach_file(command: AttachFile) -> gm.PaperFile:
    """The file ``command.name`` as the pages of paper ``command.paper_key`` (a new PaperFile:
    earlier uploads are kept)."""
    name = (command.name or "").strip() or "(no name)"
    content = bytes(command.content or b"")
    suffix = Path(name).suffix.lower()
    if not content:
        raise UploadRefused(f"{name} is empty: upload the paper's PDF or Word (.docx) file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name} is {len(content) / 1024 / 1024:.0f} MB: a paper's file may be at most "
                            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    if suffix == ".doc":
        raise UploadRefused(f"{name} is an old Word document (.doc), which Beacon cannot convert: open it in Word, "
                            "save it as a Word document (.docx) or a PDF, and upload that")
    if suffix == ".pdf":
        pdf, pages = _checked_pdf(name, content)
    elif suffix == ".docx":
        pdf = docx_to_pdf(name, content)
        pages = _checked_pdf(name, pdf)[1]
    else:
        raise UploadRefused(f"{name}: Beacon takes a paper as a PDF (.pdf) or a Word document (.docx); "
                            f"{suffix or 'a file without an extension'} is neither")
    now = command.now or clock.now()
    with transaction.atomic():
        paper = gm.Paper.objects.select_for_update().filter(key=command.paper_key).first()
        if paper is None:
            raise PaperError(f"there is no paper {command.paper_key}")
        row = gm.PaperFile.objects.create(
            paper=paper, name=name[:200], content_type=PDF_TYPE, sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf), page_count=pages, content=pdf, uploaded_by=command.by, uploaded_at=now)
        audit.record_revision(audit.Change(by=command.by, at=now, source="paper upload"), paper, "paper", paper.key,
                              "file", None, f"{name} ({pages} pages, sha256 {row.sha256[:12]})")
        if paper.source == g.PaperSource.IMPORTED and not paper.document_ref:
            audit.save_with_history(gm.Paper, {"pk": paper.pk}, {"source": g.PaperSource.UPLOAD}, entity="paper",
                                    key=paper.key, change=audit.Change(by=command.by, at=now, source="paper upload"))
        return row


def _checked_pdf(name: str, content: bytes) -> tuple[bytes, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.lstrip()[:5] == b"%PDF-":
        raise UploadRefused(f"{name} is not a PDF file (it does not begin as one): upload the paper as a PDF or .docx")
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UploadRefused(f"{name} is protected by a password: upload a copy without the protection")
        pages = len(reader.pages)
    except UploadRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UploadRefused(f"{name} cannot be read as a PDF ({exc}): upload it again or save it as PDF anew") from None
    if pages < 1:
        raise UploadRefused(f"{name} has no pages")
    return content, pages


# --- Word to PDF ----------------------------------------------------------------------------------
_HEADING = re.compile(r"^(?:heading|titre|überschrift)\s*(\d)$", re.I)


def _runs_html(paragraph) -> str:
    out = []
    for run in paragraph.runs:
        text = escape(run.text)
        if not text:
            continue
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out).replace("\n", "<br>")


def docx_html(name: str, content: bytes) -> tuple[str, str]:
    """The HTML of a Word document's body, in order: headings (levels kept, below the paper's
    title), paragraphs, list paragraphs as lists, tables (the first row as their header); and its
    title (the document's title property, else its first heading, else the file name)."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise
    try:
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ValueError("not a zip package")
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:
        raise UploadRefused(f"{name} cannot be read as a Word document (.docx) ({exc}): save it again in Word and "
                            "upload it, or upload a PDF") from None
    title = (document.core_properties.title or "").strip()
    parts: list[str] = []
    list_open = False
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            style = (p.style.name if p.style is not None else "") or ""
            html = _runs_html(p)
            is_list = style.lower().startswith("list") or child.find(
                ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}numPr") is not None
            if is_list and html:
                if not list_open:
                    parts.append("<ul>")
                    list_open = True
                parts.append(f"<li>{html}</li>")
                continue
            if list_open:
                parts.append("</ul>")
                list_open = False
            if not html.strip():
                continue
            m = _HEADING.match(style.strip())
            if style.lower() == "title":
                title = title or p.text.strip()
                parts.append(f"<h1>{html}</h1>")
            elif m:
                level = min(int(m.group(1)) + 1, 6)
                title = title or p.text.strip()
                parts.append(f"<h{level}>{html}</h{level}>")
            else:
                parts.append(f"<p>{html}</p>")
        elif tag == "tbl":
            if list_open:
                parts.append("</ul>")
                list_open = False
            table = Table(child, document)
            rows = []
            for r, row in enumerate(table.rows):
                cells = []
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue  # a merged cell is listed once per column it spans
                    seen.add(id(cell._tc))
                    text = "<br>".join(_runs_html(p) for p in cell.paragraphs if p.text.strip())
                    cells.append(f"<th scope=\"col\">{text}</th>" if r == 0 else f"<td>{text}</td>")
                rows.append(("<thead>" if r == 0 else "") + f"<tr>{''.join(cells)}</tr>" + ("</thead><tbody>" if r == 0 else ""))
            if rows:
                parts.append(f"<table><caption class=\"visually-hidden\">Table {sum(1 for x in parts if x.startswith('<table'))+1}"
                             f"</caption>{''.join(rows)}</tbody></table>")
    if list_open:
        parts.append("</ul>")
    return title or Path(name).stem, "\n".join(parts)


def docx_to_pdf(name: str, content: bytes) -> bytes:
    """A Word document as a tagged PDF (PDF/UA-1), from its headings, paragraphs, lists and tables
    (pictures, headers and footers are not carried over)."""
    from beacon.reports import render as renderer

    title, body = docx_html(name, content)
    if not body.strip():
        raise UploadRefused(f"{name} has no text Beacon can convert: upload it as a PDF")
    html = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}</title><style>'
            "@page { size: A4; margin: 20mm 18mm; } body { font-family: Arial, sans-serif; font-size: 11pt; }"
            " table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #505a5f; padding: 3pt;"
            " text-align: left; vertical-align: top; } .visually-hidden { position: absolute; width: 1px; height: 1px;"
            " overflow: hidden; }"
            f"</style></head><body><main>{body}</main></body></html>")
    return renderer.html_to_pdf(html)
