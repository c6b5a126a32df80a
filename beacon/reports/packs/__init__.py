"""The agenda pack (governance.md §5, §12): assembled, checked, dispatched and supplemented.

:func:`assemble` renders the pack of a meeting for an audience:

* the agenda first, unnumbered (padded to an even number of pages), its "(Pages a - b)" taken
  from the assembled pack;
* then every paper in agenda order (unrestricted items, then exempt ones, each by number), each
  rendered on its own by WeasyPrint with its page counter starting where it falls, stamped
  "Page n" in the footer, starting on an odd page and padded with a page reading "This page is
  intentionally left blank" (the rules: :mod:`beacon.domain.packs`);
* the parts are joined page by page (WeasyPrint's ``Document.copy``) into one tagged PDF
  (PDF/UA-1, with a structure tree), with one bookmark per item and the paper's headings below
  it; an uploaded PDF's pages are drawn under placeholder pages that carry the stamp (pypdf,
  docs/decisions/0006-pypdf-for-uploaded-papers.md);
* a members' pack holds the exempt papers and marks every page "EXEMPT: NOT FOR PUBLICATION"; a
  public pack lists the exempt items' titles but never holds their papers;
* the HTML pack holds the same agenda with the same page references and the same papers.

:func:`pack_problems` lists what §12 forbids, each failure naming its item and field;
:func:`dispatch` refuses (:class:`PackRefused`) while there is one, then freezes the packs
(``Pack`` rows, version 1) and records each item's range on the agenda. :func:`supplement`
publishes the items added since, numbered on from the last page already published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import time
from dataclasses import dataclass

from django.db import transaction

from beacon.core import audit, clock
from beacon.domain import governance as g
from beacon.domain import packs as rules
from beacon.domain.governance_rules import PageRange, date_words, normalise_decision_no, page_range_problems, recommendations_differ
from beacon.governance import models as gm

from . import sources
from .sources import Part

PackAudience = g.PackAudience

__all__ = ["AssembledPack", "PackRefused", "DispatchPack", "DispatchSupplement", "PackAudience", "pack_problems", "pack_warnings",
           "assemble", "assembly_steps", "dispatch", "supplement", "entries_of", "dispatch_refusal", "dispatched_since"]


class PackRefused(Exception):
    """The pack was not dispatched: ``problems`` says why, one failure each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("the pack was not dispatched: " + "; ".join(self.problems))


@dataclass(frozen=True)
class AssembledPack:
    pdf: bytes
    html: str
    ranges: tuple[PageRange, ...]
    page_count: int
    audience: str = PackAudience.PUBLIC
    items: tuple[int, ...] = ()  # the items its agenda lists
    filler_pages: tuple[int, ...] = ()  # stamped numbers of the padding pages
    agenda_pages: int = 0  # unnumbered pages before page 1 (padding included)
    problems: tuple[str, ...] = ()  # papers that could not be rendered (no pages)
    title: str = ""
    timings: dict = dataclasses.field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class DispatchPack:
    meeting_key: str
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class DispatchSupplement:
    meeting_key: str
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class Entry:
    item: gm.AgendaItem
    paper: gm.Paper | None


# --- the agenda's entries ------------------------------------------------------------------------
def entries_of(meeting: gm.Meeting) -> list[Entry]:
    """The agenda's items in pack order (unrestricted, then exempt; each by number), each with its
    paper: the one the item links, else the meeting's paper for that item number."""
    items = list(meeting.items.select_related("paper").all())
    by_item = {p.item: p for p in gm.Paper.objects.filter(meeting=meeting)}
    order = {g.Section.UNRESTRICTED: 0, g.Section.EXEMPT: 1}
    items.sort(key=lambda i: (order.get(i.section, 0), i.number))
    return [Entry(i, i.paper or by_item.get(i.number)) for i in items]


def _in_pack(entry: Entry, audience: str) -> bool:
    return entry.paper is not None and (audience == PackAudience.MEMBERS or entry.item.section != g.Section.EXEMPT)


def _named(item: gm.AgendaItem) -> str:
    return f"item {item.number} ({item.title})"


# --- §12 ---------------------------------------------------------------------------------------------
def pack_problems(meeting: gm.Meeting, audience=PackAudience.PUBLIC, assembled: AssembledPack | None = None) -> list[str]:
    """What stops ``meeting``'s pack for ``audience`` from being dispatched (§5, §12), each naming
    its item and field. ``assembled``: also check its page ranges."""
    problems: list[str] = []
    if meeting.status == g.MeetingStatus.CANCELLED:
        problems.append(f"the meeting of {date_words(meeting.date)} is cancelled: it has no pack")
    agenda = gm.Agenda.objects.filter(meeting=meeting).first()
    if agenda is None:
        problems.append("the meeting has no agenda record (heading, dispatch date, signatory, contact officer)")
    else:
        if agenda.dispatch_date is None:
            problems.append("the agenda has no dispatch date: record the date it is sent out (Manage the meeting, "
                            "Agenda)")
        if agenda.signatory_id is None:
            problems.append("the agenda has no signatory: record who signs it (Manage the meeting, Agenda)")
        if agenda.contact_officer_id is None:
            problems.append("the agenda has no contact officer: record who to ask about it, printed as \"Ask for\" "
                            "(Manage the meeting, Agenda)")
    entries = entries_of(meeting)
    if not entries:
        problems.append("the agenda has no items")
    highest_unrestricted = max((e.item.number for e in entries if e.item.section == g.Section.UNRESTRICTED), default=0)
    for entry in entries:
        item, paper = entry.item, entry.paper
        if item.section == g.Section.EXEMPT:
            if not item.exempt_reason.strip() and item.exempt_paragraph is None:
                problems.append(f"{_named(item)} is exempt but gives no reason: record the exempt reason "
                                "(the paragraph of Schedule 12A and why)")
            if item.number < highest_unrestricted:
                problems.append(f"{_named(item)} is exempt but numbered before unrestricted item {highest_unrestricted}: "
                                "exempt items come after the unrestricted ones, under EXEMPT ITEMS")
        if paper is None:
            if item.page_from is not None or item.page_to is not None:
                problems.append(f"{_named(item)} has pages {item.page_from} - {item.page_to} recorded but no paper: "
                                "an item without a paper has no page range")
            continue
        if not _in_pack(entry, audience):
            continue
        problem = sources.source_problem(paper)
        if problem:
            problems.append(f"{_named(item)}: {problem}")
        problems += [f"{_named(item)}: {p}" for p in paper_problems(paper)]
    if assembled is not None:
        if assembled.ranges and assembled.ranges[0].first == 1:
            problems += [f"page ranges: {p}" for p in page_range_problems(
                sorted(assembled.ranges, key=lambda r: r.first))]
        problems += list(assembled.problems)
    return list(dict.fromkeys(problems))


def pack_warnings(meeting: gm.Meeting) -> list[str]:
    """What the clerk should confirm before dispatch but which does not stop it: a report item
    with no paper that is not marked oral goes out with no pages, its report to follow in a
    supplement (as item 5 of Cabinet, 5 January 2023 did)."""
    return [f"{_named(e.item)} is a report but has no paper and is not marked oral: the agenda will list it without "
            "pages, and its report must follow in a supplement. Create or upload its paper, or mark the item oral, if "
            "it should not"
            for e in entries_of(meeting)
            if e.paper is None and e.item.category == g.ItemCategory.REPORT and not e.item.is_oral]


def paper_problems(paper: gm.Paper) -> list[str]:
    """A paper's own §12 failures: its recommendation printed twice must be the same text; its
    decision number normalised; the minutes it carries cite items of their meeting's agenda."""
    out = []
    printed = sources.recommendation_lines(paper)
    for section in paper.sections.all():
        if section.heading.lower().startswith("recommendation"):
            body = " ".join(sources.paragraphs(section.text))
            if body and " ".join(" ".join(printed).split()) != " ".join(body.split()):
                out.append(f"paper {paper.key}: the recommendation in section {section.number} ({body!r}) differs from "
                           f"the header's ({' '.join(printed)!r}); Beacon prints the header's in both places, so "
                           "correct or remove the section")
    uploaded = sources.latest_file(paper) is not None
    if uploaded and recommendations_differ(paper.recommendation, paper.recommendation_body):
        out.append(f"paper {paper.key}: the header recommendation ({paper.recommendation!r}) differs from the final "
                   f"section's ({paper.recommendation_body!r})")
    if paper.decision_no is not None and normalise_decision_no(paper.decision_no) != paper.decision_no:
        out.append(f"paper {paper.key}: Decision No {paper.decision_no!r} is not a decision number (leave it empty)")
    if paper.document_ref.startswith("minutes:") and not uploaded:
        key = paper.document_ref.split(":", 1)[1]
        minuted = gm.Meeting.objects.filter(key=key).first()
        if minuted is not None:
            out += _series_problems(paper, minuted)
            on_agenda = set(minuted.items.values_list("number", flat=True))
            if on_agenda:
                for mi in minuted.minute_items.all():
                    if mi.item_number is not None and mi.item_number not in on_agenda:
                        out.append(f"paper {paper.key}: minute {mi.minute_number} of {key} cites (Item {mi.item_number}), "
                                   "which is not on that meeting's agenda")
    return out


def _series_problems(paper: gm.Paper, minuted: gm.Meeting) -> list[str]:
    """Minute numbers are unique in their series: a running series (numbers continued from meeting
    to meeting) may not repeat a number another meeting of the body used."""
    minutes = gm.Minutes.objects.filter(meeting=minuted).first()
    if minutes is None or minutes.numbering != g.Numbering.RUNNING:
        return []
    own = set(minuted.minute_items.values_list("minute_number", flat=True))
    clashes = (gm.MinuteItem.objects.filter(meeting__body=minuted.body, minute_number__in=own,
                                            meeting__minutes__numbering=g.Numbering.RUNNING)
               .exclude(meeting=minuted).select_related("meeting").order_by("minute_number"))
    return [f"paper {paper.key}: minute {c.minute_number} of {minuted.key} repeats minute {c.minute_number} of "
            f"{c.meeting.key} (a running series numbers each minute once)" for c in clashes]


# --- rendering ---------------------------------------------------------------------------------------
def page_css(start: int | None, audience: str) -> str:
    """The page rules of one part: the stamp "Page n" counting from ``start`` (None: unnumbered,
    the agenda) and, in a members' pack, the mark on every page."""
    rules_css = ["@page { size: A4; margin: 18mm 16mm 20mm 16mm;"
                 " @bottom-left { content: none; } @bottom-right { content: none; }"
                 + (' @bottom-center { content: "Page " counter(page); font-family: Arial, sans-serif; font-size: 10pt; }'
                    if start is not None else " @bottom-center { content: none; }")
                 + (f' @top-center {{ content: "{rules.EXEMPT_MARK}"; font-family: Arial, sans-serif; font-size: 10pt;'
                    ' font-weight: bold; }' if audience == PackAudience.MEMBERS else " @top-center { content: none; }")
                 + " }"]
    if start is not None:
        rules_css.append(f"@page :first {{ counter-reset: page {start}; }}")
    return "\n".join(rules_css)


def _pack_css() -> str:
    return sources.render_template("reports/pack/pack.css", {})


def _part_html(title: str, bookmark: str, css: str, body: str, start: int | None, audience: str,
               anchor: str = "", banner: bool = True) -> str:
    banner = (f'<p class="exempt-banner">{rules.EXEMPT_MARK}</p>' if banner and audience == PackAudience.MEMBERS else "")
    return sources.render_template("reports/pack/part.html", {
        "title": title, "bookmark": bookmark, "css": css, "anchor": anchor,
        "pack_css": _pack_css() + "\n" + page_css(start, audience), "body": banner + body,
    })


def _render(html: str, resources: dict | None = None):
    from weasyprint import HTML

    from beacon.reports import render as renderer

    fetcher = renderer._resource_fetcher(resources) if resources else None
    return HTML(string=html, base_url=".", url_fetcher=fetcher).render()


def _filler(page: int | None, audience: str):
    body = f'<p class="pack-filler">{rules.FILLER_TEXT}</p>'
    html = sources.render_template("reports/pack/part.html", {
        "title": rules.FILLER_TEXT, "bookmark": "", "css": sources.base_css(),
        "pack_css": _pack_css() + "\n.pack-item { bookmark-level: none; }\n" + page_css(page, audience),
        "body": body})
    return _render(html)


def _bookmark(item: gm.AgendaItem) -> str:
    return f"Item {item.number}: {item.title}"


def paper_part(entry: Entry, for_pdf: bool, prefix: str) -> Part:
    """The HTML of one paper (a cover report and its appendix, minutes, or an uploaded file's
    placeholder pages)."""
    paper = entry.paper
    file = sources.latest_file(paper)
    if file is not None:
        content = bytes(file.content)
        return Part(upload=content, upload_pages=file.page_count or sources.pdf_page_count(content), upload_name=file.name)
    document = sources.resolve(paper.document_ref)
    if document.kind == "minutes":
        body = sources.prefix_ids(document.body(), prefix)
        return Part(html=body, fragment=body, css="")
    cover = sources.render_template("reports/pack/report.html",
                                    {**sources.report_context(paper, document), "anchor": "cover"})
    css, appendix, resources = document.appendix(for_pdf)
    body = sources.prefix_ids(cover + appendix, prefix)
    return Part(html=body, fragment=body, css=css, resources=resources)


def assembly_steps(meeting: gm.Meeting, audience=PackAudience.PUBLIC, *, only_items: set[int] | None = None) -> int:
    """How many steps :func:`assemble` reports: one per paper in the pack, then the agenda,
    joining the PDF and writing the web page."""
    entries = [e for e in entries_of(meeting) if only_items is None or e.item.number in only_items]
    return sum(1 for e in entries if _in_pack(e, PackAudience(audience))) + 3


def assemble(meeting: gm.Meeting, audience=PackAudience.PUBLIC, *, first_page: int = 1,
             only_items: set[int] | None = None, supplement: bool = False,
             dispatch_date: dt.date | None = None, progress=None) -> AssembledPack:
    """The pack of ``meeting`` for ``audience``. ``only_items``/``first_page``/``supplement``: a
    supplement's agenda lists only the items it adds and numbers their papers from
    ``first_page``. Papers that cannot be rendered are left out and named in ``problems``.
    ``progress`` (a :class:`beacon.core.jobs.Progress`) hears each of its
    :func:`assembly_steps`; the caller sets the total."""
    from beacon.core.progress import steps

    progress = steps(progress)
    audience = PackAudience(audience)
    whose = "members' pack" if audience == PackAudience.MEMBERS else "public pack"
    timings: dict[str, float] = {}
    started = time.perf_counter()
    entries = [e for e in entries_of(meeting) if only_items is None or e.item.number in only_items]
    css_all = sources.base_css()
    page = first_page
    parts = []  # (entry, document, part, filler document or None, range)
    problems = []
    ranges: dict[int, PageRange] = {}
    for entry in entries:
        if not _in_pack(entry, audience):
            continue
        progress.step(f"Rendering item {entry.item.number}, {entry.item.title} ({whose})")
        problem = sources.source_problem(entry.paper)
        if problem:
            problems.append(f"{_named(entry.item)}: {problem}")
            continue
        t = time.perf_counter()
        part = paper_part(entry, True, f"i{entry.item.number}-")
        title = f"{meeting.body.name}, {date_words(meeting.date)}: item {entry.item.number}"
        anchor = f"item-{entry.item.number}"
        if part.upload is not None:
            body = "".join('<div class="pack-upload-marker"></div>' if i == 0 else '<div class="pack-blank"></div>'
                           for i in range(part.upload_pages))
            document = _render(_part_html(title, _bookmark(entry.item), css_all, body, page, audience, anchor, banner=False))
        else:
            document = _render(_part_html(title, _bookmark(entry.item), part.css or css_all, part.html, page, audience,
                                          anchor), part.resources)
        n = len(document.pages)
        layout = rules.lay_out([rules.PaperPages(entry.item.number, n)], page)
        r = layout.ranges[0]
        filler = _filler(r.last, audience) if layout.padded else None
        parts.append((entry, document, part, filler, r))
        ranges[entry.item.number] = r
        page = layout.next_page
        timings[f"item {entry.item.number}"] = time.perf_counter() - t
    progress.step(f"Rendering the agenda ({whose})")
    t = time.perf_counter()
    agenda_ctx = sources.agenda_context(meeting, entries, ranges, audience, supplement, dispatch_date)
    agenda_body = sources.render_template("reports/pack/agenda.html", agenda_ctx)
    title = f"{meeting.body.name}, {sources.long_date(meeting.date)}: {'supplementary ' if supplement else ''}agenda pack" + (
        " (members' pack, with exempt items)" if audience == PackAudience.MEMBERS else "")
    agenda_doc = _render(_part_html(title, "Supplementary agenda" if supplement else "Agenda", css_all, agenda_body,
                                    None, audience))
    agenda_filler = _filler(None, audience) if len(agenda_doc.pages) % 2 else None
    timings["agenda"] = time.perf_counter() - t
    progress.step(f"Joining the pages into one PDF ({whose})")
    t = time.perf_counter()
    pages = list(agenda_doc.pages) + (list(agenda_filler.pages) if agenda_filler else [])
    agenda_pages = len(pages)
    uploads = []  # (physical index of first page, bytes, pages)
    for entry, document, part, filler, r in parts:
        if part.upload is not None:
            uploads.append((len(pages), part.upload, part.upload_pages))
        pages += list(document.pages)
        if filler is not None:
            pages += list(filler.pages)
    pdf = agenda_doc.copy(pages).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    if uploads:
        pdf = _draw_uploads(pdf, uploads)
    timings["pdf"] = time.perf_counter() - t
    progress.step(f"Writing the web page ({whose})")
    t = time.perf_counter()
    html = _html_pack(meeting, audience, title, agenda_body, parts, css_all)
    timings["html"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    all_ranges = tuple(r for *_, r in parts)
    return AssembledPack(
        pdf=pdf, html=html, ranges=all_ranges, page_count=len(pages), audience=audience.value,
        items=tuple(e.item.number for e in entries),
        filler_pages=tuple(r.last for entry, _, _, filler, r in parts if filler is not None),
        agenda_pages=agenda_pages, problems=tuple(problems), title=title, timings=timings,
    )


def _draw_uploads(pdf: bytes, uploads) -> bytes:
    """Draw each uploaded PDF's pages under the placeholder pages that carry their stamps (and
    the members' mark), scaled to fit the A4 page; the pack keeps its structure tree, outline and
    metadata."""
    from pypdf import PdfReader, PdfWriter, Transformation

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # keep WeasyPrint's PDF version (PDF/UA-1 is PDF 1.7)
    for index, content, count in uploads:
        upload = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
        for i, source in enumerate(list(upload.pages)[:count]):
            target = writer.pages[index + i]
            source.transfer_rotation_to_content()
            tw, th = float(target.mediabox.width), float(target.mediabox.height)
            sw, sh = float(source.mediabox.width), float(source.mediabox.height)
            scale = min(tw / sw, th / sh)
            dx, dy = (tw - sw * scale) / 2 - float(source.mediabox.left) * scale, (th - sh * scale) / 2 - float(source.mediabox.bottom) * scale
            target.merge_transformed_page(source, Transformation().scale(scale).translate(dx, dy), over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _html_pack(meeting, audience, title, agenda_body, parts, css_all) -> str:
    """One web page: the agenda with the same page references as the PDF (each a link to its
    paper), then each paper headed with its pages."""
    articles = []
    for entry, _document, part, filler, r in parts:
        anchor = f"item-{entry.item.number}"
        head = (f'<p class="pack-paper-pages" id="{anchor}">Item {entry.item.number}: {sources.escape_text(entry.item.title)}'
                f' {r.printed}</p>')
        if part.upload is not None:
            body = (f"<p>This paper is the file “{sources.escape_text(part.upload_name)}”, {part.upload_pages} "
                    f"page{'s' if part.upload_pages != 1 else ''} long: it is pages {r.first} - {r.last} of the PDF pack"
                    f"{' (the last page is intentionally left blank)' if filler is not None else ''}.</p>")
        else:
            body = paper_part(entry, False, f"i{entry.item.number}-").fragment
        articles.append(f'<article class="pack-paper" aria-labelledby="{anchor}">{head}{body}</article>')
    banner = f'<p class="exempt-banner">{rules.EXEMPT_MARK}</p>' if audience == PackAudience.MEMBERS else ""
    return sources.render_template("reports/pack/html_pack.html", {
        "title": title, "css": css_all + "\n" + _pack_css(), "banner": banner, "agenda": agenda_body,
        "papers": "\n".join(articles)})


# --- dispatch and supplements ---------------------------------------------------------------------------
def _audiences(meeting: gm.Meeting, entries: list[Entry]) -> list[str]:
    exempt = any(e.item.section == g.Section.EXEMPT and e.paper is not None for e in entries)
    return [PackAudience.PUBLIC, PackAudience.MEMBERS] if exempt else [PackAudience.PUBLIC]


def _meeting(key: str) -> gm.Meeting:
    meeting = gm.Meeting.objects.select_for_update().filter(key=key).first()
    if meeting is None:
        raise PackRefused([f"there is no meeting {key}"])
    return meeting


def _store(meeting, assembled: AssembledPack, version: int, by: str, now, pages: dict) -> gm.Pack:
    change = audit.Change(by=by, at=now, source="pack dispatch")
    pack = gm.Pack.objects.create(
        meeting=meeting, audience=assembled.audience, version=version, title=assembled.title, pages=pages,
        items=list(assembled.items), page_count=assembled.page_count, pdf=assembled.pdf, html=assembled.html,
        sha256=hashlib.sha256(assembled.pdf).hexdigest(), dispatched_by=by, dispatched_at=now)
    audit.record_revision(change, pack, "pack", f"{meeting.key} v{version} {assembled.audience}", "dispatched",
                          None, pack.sha256)
    return pack


def _record_ranges(meeting, entries, ranges: dict[int, PageRange], change) -> None:
    for entry in entries:
        r = ranges.get(entry.item.number)
        if r is None:
            continue
        audit.save_with_history(gm.AgendaItem, {"pk": entry.item.pk}, {"page_from": r.first, "page_to": r.last},
                                entity="agenda item", key=f"{meeting.key} {entry.item.number}", change=change)
        if entry.item.paper_id is None:
            audit.save_with_history(gm.AgendaItem, {"pk": entry.item.pk}, {"paper": entry.paper},
                                    entity="agenda item", key=f"{meeting.key} {entry.item.number}", change=change)


def _padded(assembled: AssembledPack) -> set[int]:
    return {r.item for r in assembled.ranges if r.last in assembled.filler_pages}


def _dispatch_refusal(meeting: gm.Meeting) -> list[str]:
    first = gm.Pack.objects.filter(meeting=meeting).order_by("dispatched_at").first()
    if first is not None:
        return [f"the pack of {meeting.key} was dispatched on {date_words(first.dispatched_at.date())} "
                "and is frozen: add items by a supplement"]
    entries = entries_of(meeting)
    problems: list[str] = []
    for audience in _audiences(meeting, entries):
        problems += pack_problems(meeting, audience)
    return list(dict.fromkeys(problems))


def _listed(published: list[gm.Pack]) -> set[int]:
    return {int(i) for p in published for i in (p.items or [])} | {int(k) for p in published for k in p.pages}


def _supplement_refusal(meeting: gm.Meeting) -> list[str]:
    published = list(gm.Pack.objects.filter(meeting=meeting))
    if not published:
        return [f"the pack of {meeting.body.name}, {date_words(meeting.date)} has not been dispatched: dispatch it first"]
    entries = entries_of(meeting)
    listed = _listed(published)
    if all(e.item.number in listed for e in entries):
        return ["no item was added to the agenda since the pack was dispatched: there is nothing to supplement"]
    # every §12 failure refuses a supplement, as it refuses the pack: what the pack page lists
    return list(dict.fromkeys(p for a in _audiences(meeting, entries) for p in pack_problems(meeting, a)))


def dispatch_refusal(meeting_key: str, supplement: bool = False) -> list[str]:
    """Why :func:`dispatch` (``supplement``: :func:`supplement`) would refuse now, before any
    paper is rendered, one failure each ([]: it may go ahead; what only the assembled pack shows,
    its page ranges and papers that cannot be rendered, it still refuses itself). Nothing is
    stored. The web asks it before starting a dispatch in the background."""
    meeting = gm.Meeting.objects.filter(key=meeting_key).first()
    if meeting is None:
        return [f"there is no meeting {meeting_key}"]
    return _supplement_refusal(meeting) if supplement else _dispatch_refusal(meeting)


def dispatched_since(meeting_key: str, by: str, since: dt.datetime, supplement: bool = False) -> list[gm.Pack]:
    """The packs of ``meeting_key`` that ``by`` dispatched at or after ``since`` (``supplement``:
    a supplement, version 2 on; else version 1): how a background job run again after its worker
    stopped finds what it dispatched before, rather than dispatching twice."""
    packs = gm.Pack.objects.filter(meeting__key=meeting_key, dispatched_by=by, dispatched_at__gte=since)
    packs = packs.filter(version__gt=1) if supplement else packs.filter(version=1)
    newest = packs.order_by("-version").values_list("version", flat=True).first()
    return list(packs.filter(version=newest).order_by("audience")) if newest is not None else []


def dispatch(command: DispatchPack, progress=None) -> list[gm.Pack]:
    """Freeze the meeting's packs (public, and members' when an exempt item has a paper) as
    version 1, recording each item's page range; refused, naming every failure, while §12 fails
    or once the pack has been dispatched. ``progress`` (a :class:`beacon.core.jobs.Progress`)
    hears each step: the checks, each paper of each pack (:func:`assemble`), storing them."""
    from beacon.core.progress import steps

    progress = steps(progress)
    now = command.now or clock.now()
    with transaction.atomic():
        progress.step("Checking the pack", advance=0)
        meeting = _meeting(command.meeting_key)
        problems = _dispatch_refusal(meeting)
        if problems:
            raise PackRefused(problems)
        entries = entries_of(meeting)
        audiences = _audiences(meeting, entries)
        change = audit.Change(by=command.by, at=now, source="pack dispatch")
        progress.total(sum(assembly_steps(meeting, a) for a in audiences) + 2)
        built = [assemble(meeting, a, progress=progress) for a in audiences]
        for assembled in built:
            failures = pack_problems(meeting, assembled.audience, assembled)
            if failures:
                raise PackRefused(failures)
        progress.step("Storing the pack" + ("s" if len(built) > 1 else ""))
        full = built[-1]  # the members' pack when there is one: every paper
        pages = {str(r.item): [r.first, r.last] for r in full.ranges}
        packs = [_store(meeting, a, 1, command.by, now, {str(r.item): [r.first, r.last] for r in a.ranges})
                 for a in built]
        _record_ranges(meeting, entries, {r.item: r for r in full.ranges}, change)
        for entry in entries:
            if entry.item.number in {int(k) for k in pages}:
                audit.save_with_history(gm.Paper, {"pk": entry.paper.pk},
                                        {"ends_with_blank_page": entry.item.number in _padded(full)},
                                        entity="paper", key=entry.paper.key, change=change)
        return packs


def supplement(command: DispatchSupplement, progress=None) -> list[gm.Pack]:
    """Publish the items added to the agenda since the pack was dispatched: a supplementary agenda
    listing them and their papers, numbered on from the last page already published (the pages
    published keep their numbers). Refused before dispatch, when nothing was added, or on a §12
    failure of an added item. ``progress``: as for :func:`dispatch`."""
    from beacon.core.progress import steps

    progress = steps(progress)
    now = command.now or clock.now()
    with transaction.atomic():
        progress.step("Checking the supplement", advance=0)
        meeting = _meeting(command.meeting_key)
        problems = _supplement_refusal(meeting)
        if problems:
            raise PackRefused(problems)
        published = list(gm.Pack.objects.filter(meeting=meeting))
        entries = entries_of(meeting)
        listed = _listed(published)
        added = [e for e in entries if e.item.number not in listed]
        added_numbers = {e.item.number for e in added}
        audiences = _audiences(meeting, added)
        last = max((pages[1] for p in published for pages in p.pages.values()), default=0)
        first_page = rules.next_first_page(last)
        version = max(p.version for p in published) + 1
        published_ranges = {PageRange(int(k), v[0], v[1]) for p in published for k, v in p.pages.items()}
        progress.total(sum(assembly_steps(meeting, a, only_items=added_numbers) for a in audiences) + 2)
        built = [assemble(meeting, a, first_page=first_page, only_items=added_numbers, supplement=True,
                          dispatch_date=clock.today(), progress=progress) for a in audiences]
        for assembled in built:
            failures = list(assembled.problems) + rules.supplement_problems(sorted(published_ranges, key=lambda r: r.first), assembled.ranges)
            if failures:
                raise PackRefused(failures)
        progress.step("Storing the supplement")
        change = audit.Change(by=command.by, at=now, source="pack supplement")
        packs = []
        for a in built:
            pages = {str(r.item): [r.first, r.last] for r in sorted(published_ranges, key=lambda r: r.item)}
            pages.update({str(r.item): [r.first, r.last] for r in a.ranges})
            packs.append(_store(meeting, a, version, command.by, now, pages))
        full = built[-1]
        _record_ranges(meeting, added, {r.item: r for r in full.ranges}, change)
        for entry in added:
            if entry.paper is not None and full.ranges and any(r.item == entry.item.number for r in full.ranges):
                audit.save_with_history(gm.Paper, {"pk": entry.paper.pk},
                                        {"ends_with_blank_page": entry.item.number in _padded(full)},
                                        entity="paper", key=entry.paper.key, change=change)
        return packs
