"""Where a paper's pages come from, and the HTML of each part of a pack.

A paper's pages are, in this order of precedence:

* the newest file a clerk uploaded for it (:class:`UploadSource`: a PDF, or a Word file converted
  to PDF when it was uploaded, :mod:`beacon.reports.papers`);
* the document its ``document_ref`` names (the pinned references of
  :func:`beacon.domain.packs.parse_document_ref`):

  - ``qpr:<period>[#<edition>]``: the published QPR edition, read from its frozen snapshot
    (:class:`QprSource`): the appendix of the published document, figures as published;
  - ``register:<body>@<date>``: the current frozen register edition for that body and date
    (:class:`RegisterSource`), the register document (its covering report is the paper's cover);
  - ``minutes:<meeting>``: the minutes of that meeting rendered from the governance records
    (:class:`MinutesSource`), which never invents text: what the records do not hold is said.

A report paper Beacon renders (a QPR or register document) prints its cover report from the
paper's own record (§6): the header, Summary, Recommendation(s) written from the Recommendation
rows, the numbered sections (the paper's, else those the document generates), the same
Recommendation(s) again as the final numbered section, the contact block; then the document as
"Appendix 1".
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.template import Context
from django.utils.html import escape

from beacon.domain import governance as g
from beacon.domain import packs as rules
from beacon.domain.governance_rules import Name, date_words, long_date
from beacon.governance import models as gm

# --- resolution -------------------------------------------------------------------------------


class Unresolved(Exception):
    """A paper whose pages cannot be found: the message says why, in plain words."""


@dataclass
class Part:
    """One rendered part of a pack: the HTML WeasyPrint lays out (``html``), the resources it
    refers to (charts), and the fragment the HTML pack shows (``fragment``, its own style in
    ``css``). An uploaded file has ``upload`` (its PDF bytes) and ``upload_pages``."""

    html: str = ""
    fragment: str = ""
    css: str = ""
    resources: dict = field(default_factory=dict)
    upload: bytes | None = None
    upload_pages: int = 0
    upload_name: str = ""


def latest_file(paper: gm.Paper) -> gm.PaperFile | None:
    return paper.files.order_by("-uploaded_at", "-pk").first()


def source_problem(paper: gm.Paper) -> str | None:
    """Why ``paper`` has no pages, or None when it has them."""
    if latest_file(paper) is not None:
        return None
    if not paper.document_ref:
        return f"paper {paper.key} has no pages: it names no document and no file was uploaded for it"
    try:
        resolve(paper.document_ref)
    except Unresolved as exc:
        return f"paper {paper.key}: {exc}"
    return None


def resolve(ref: str):
    """The document ``ref`` names, ready to render: a :class:`QprSource`, :class:`RegisterSource`
    or :class:`MinutesSource`; :class:`Unresolved` when it does not exist (yet)."""
    try:
        parsed = rules.parse_document_ref(ref)
    except rules.DocumentRefError as exc:
        raise Unresolved(str(exc)) from None
    if parsed.kind == "qpr":
        return QprSource.of(ref, parsed)
    if parsed.kind == "register":
        return RegisterSource.of(ref, parsed)
    return MinutesSource.of(ref, parsed)


# --- ids: each part's ids are prefixed, so that parts joined in one pack never share one ----------
_ID_ATTRS = re.compile(r'\b(id|for|aria-labelledby|aria-describedby|aria-controls|headers)="([^"]*)"')
_HREF = re.compile(r'\bhref="#([^"]*)"')


def prefix_ids(html: str, prefix: str) -> str:
    def attr(m):
        values = " ".join(f"{prefix}{v}" for v in m.group(2).split())
        return f'{m.group(1)}="{values}"'

    html = _ID_ATTRS.sub(attr, html)
    return _HREF.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html)


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_MAIN = re.compile(r"<main>(.*)</main>", re.S)


def splice(document_html: str) -> tuple[str, str]:
    """The stylesheet and the content of ``<main>`` of a whole document Beacon rendered."""
    css = "\n".join(_STYLE.findall(document_html))
    m = _MAIN.search(document_html)
    return css, (m.group(1) if m else document_html)


def engine():
    from beacon.reports.documents import engine as qpr_engine

    return qpr_engine()


def render_template(name: str, context: dict) -> str:
    return engine().get_template(name).render(Context(context))


def base_css() -> str:
    return render_template("reports/qpr/style.css", {}) + render_template("reports/register/style.css", {})


# --- documents --------------------------------------------------------------------------------------
@dataclass
class QprSource:
    """A published QPR edition (its frozen snapshot)."""

    ref: str
    row: object  # PublishedReport
    kind: str = "qpr"

    @classmethod
    def of(cls, ref, parsed):
        from beacon.domain.periods import PeriodError, Quarter
        from beacon.reports.models import PublishedReport

        try:
            period = Quarter.parse(parsed.period)
        except PeriodError as exc:
            raise Unresolved(f"{ref}: {exc}") from None
        rows = PublishedReport.objects.filter(period=period.label)
        row = rows.filter(edition=parsed.edition).first() if parsed.edition else rows.order_by("-edition").first()
        if row is None:
            if parsed.edition:
                raise Unresolved(f"{ref}: the QPR of {period.label} has no published edition {parsed.edition}")
            raise Unresolved(f"{ref}: the QPR of {period.label} is not published (publish it before its pack is "
                             "dispatched: a pack carries published figures only)")
        return cls(ref, row)

    @property
    def label(self) -> str:
        from beacon.reports.papers import document_label

        return document_label(self.ref)

    def edition(self):
        from beacon.reports.publish import frozen_edition

        return frozen_edition(self.row)

    def context(self) -> dict:
        from beacon.reports.documents import build_context

        e = self.edition()
        return build_context(e.model, e.settings, e.overrides, e.published)

    def cover_sections(self, ctx: dict | None = None) -> list[tuple[str, list[str]]]:
        """The numbered sections the QPR's own cover report generates (before its recommendation)."""
        ctx = ctx or self.context()
        text = ctx["text"]
        performance = [text["cover.2.1"],
                       "\n".join([text["cover.2.2"], *(f"• {text[f'cover.2.2.{k}']}" for k in ("green", "amber", "red"))]),
                       "\n".join([text["cover.2.3"], *(f"{d['name']}: {'; '.join(d['kpis'])}" for d in ctx["reds"])])]
        if "cover.2.4" in text:
            performance.append(text["cover.2.4"])
        return [("Introduction", [text["cover.1.1"], text["cover.1.2"]]), (ctx["quarter_heading"], performance)]

    def summary(self, ctx: dict | None = None) -> str:
        ctx = ctx or self.context()
        return f"{ctx['text']['cover.summary.purpose']}\n\n{ctx['text']['cover.summary.counts']}"

    def appendix(self, for_pdf: bool) -> tuple[str, str, dict]:
        ctx = self.context()
        ctx["pdf"] = for_pdf
        for chart in ctx["charts"].values():
            chart.svg
        body = render_template("reports/qpr/appendix.html", ctx)
        resources = {f"chart-{key}.svg": (chart.svg.encode("utf-8"), "image/svg+xml")
                     for key, chart in ctx["charts"].items()} if for_pdf else {}
        return render_template("reports/qpr/style.css", {}), body, resources


@dataclass
class RegisterSource:
    """The current frozen register edition for a body and date."""

    ref: str
    edition: object  # beacon.risk.models.Edition
    kind: str = "register"

    @classmethod
    def of(cls, ref, parsed):
        from beacon.risk.editions import current_edition

        edition = current_edition(parsed.body, parsed.date)
        if edition is None:
            raise Unresolved(f"{ref}: there is no frozen register edition for {parsed.body} on "
                             f"{date_words(parsed.date)} (freeze it first: beacon register --body "
                             f"\"{parsed.body}\" --date {parsed.date.isoformat()})")
        return cls(ref, edition)

    @property
    def label(self) -> str:
        from beacon.reports.papers import document_label

        return document_label(self.ref)

    def content(self):
        from beacon.risk.editions import read_edition

        return read_edition(self.edition)

    def cover(self, settings: dict | None = None):
        from beacon.reports.register.cover import build_cover, load_cover_settings

        return build_cover(self.content(), settings or load_cover_settings(None))

    def cover_sections(self, cover=None) -> list[tuple[str, list[str]]]:
        cover = cover or self.cover()
        return [(s.title, [p.text for p in s.paragraphs]) for s in cover.sections
                if not s.title.lower().startswith("recommendation")]

    def appendix(self, for_pdf: bool) -> tuple[str, str, dict]:
        from beacon.reports.register.documents import register_html
        from beacon.reports.register.model import build_register_model

        css, body = splice(register_html(build_register_model(self.content(), self.edition)))
        return css, body, {}


@dataclass
class MinutesSource:
    """The minutes of a meeting, from the governance records."""

    ref: str
    meeting: gm.Meeting
    kind: str = "minutes"

    @classmethod
    def of(cls, ref, parsed):
        meeting = gm.Meeting.objects.filter(key=parsed.meeting).select_related("body").first()
        if meeting is None:
            raise Unresolved(f"{ref}: there is no meeting {parsed.meeting}")
        if meeting.status == g.MeetingStatus.CANCELLED:
            raise Unresolved(f"{ref}: the meeting of {date_words(meeting.date)} was cancelled: it has no minutes")
        if not meeting.minute_items.exists() and not gm.Minutes.objects.filter(meeting=meeting).exists():
            raise Unresolved(f"{ref}: no minutes are recorded for the meeting of {meeting.body.name} on "
                             f"{date_words(meeting.date)}")
        return cls(ref, meeting)

    @property
    def label(self) -> str:
        from beacon.reports.papers import document_label

        return document_label(self.ref)

    def context(self) -> dict:
        return minutes_context(self.meeting)

    def body(self) -> str:
        return render_template("reports/pack/minutes.html", self.context())


# --- people ------------------------------------------------------------------------------------------
def name_of(person: gm.Person) -> Name:
    return Name(person.title, person.initials, person.forename, person.surname, person.known_as,
                tuple(person.honours or ()))


def post_of(person: gm.Person, on: dt.date | None = None) -> str:
    """A person's post as a header prints it ("Leader of the Council", "Chief Analyst")."""
    roles = list(person.roles.all())
    if on is not None:
        current = [r for r in roles if (r.from_date is None or r.from_date <= on) and (r.to_date is None or r.to_date >= on)]
        roles = current or roles
    for r in roles:
        if r.role == g.RoleKind.LEADER:
            return "Leader of the Council"
    for r in roles:
        if r.as_printed:
            return r.as_printed
        if r.portfolio_or_post:
            if r.role in (g.RoleKind.CABINET_MEMBER, g.RoleKind.DEPUTY_CABINET_MEMBER, g.RoleKind.LEAD_MEMBER):
                return f"{g.RoleKind(r.role).label} for {r.portfolio_or_post}"
            return r.portfolio_or_post
        return g.RoleKind(r.role).label
    return ""


def _people(keys) -> list[gm.Person]:
    found = {p.key: p for p in gm.Person.objects.filter(key__in=list(keys or [])).prefetch_related("roles")}
    return [found[k] for k in keys or [] if k in found]


# --- the cover report of a paper (§6) -------------------------------------------------------------------
def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def recommendation_lines(paper: gm.Paper) -> list[str]:
    """The recommendation as printed, once written, twice printed: the rows (stem once, then the
    lettered parts), else the header text the paper records."""
    rows = list(paper.recommendations.all())
    if not rows:
        return paragraphs(paper.recommendation)
    lines = []
    stem = next((r.stem for r in rows if r.stem), "")
    if stem:
        lines.append(stem)
    for r in rows:
        lines.append(f"({r.label}) {r.text}" if r.label else r.text)
    return lines


def report_context(paper: gm.Paper, document=None) -> dict:
    """The cover report of ``paper`` from its record; ``document`` (a resolved source) gives the
    numbered sections and summary when the paper holds none, and names Appendix 1."""
    meeting = paper.meeting
    on = paper.to_date or meeting.date
    from_lines = list(paper.from_as_printed or [])
    if not from_lines:
        for person in _people(paper.from_people):
            post = post_of(person, on)
            from_lines.append(f"{name_of(person).full}, {post}" if post else name_of(person).full)
    if paper.to_body_id:
        to = f"{paper.to_body.name} – {date_words(paper.to_date)}" if paper.to_date else paper.to_body.name
    else:
        to = paper.to_as_printed or f"{meeting.body.name} – {date_words(meeting.date)}"
    header = [("From", "\n".join(from_lines) or "—"), ("To", to)]
    header.append(("Decision No", paper.decision_no or "N/A"))
    if paper.is_key_decision is not None:
        header.append(("Key decision", "Yes" if paper.is_key_decision else "No"))
    header.append(("Subject", paper.subject))
    if paper.classification:
        header.append(("Classification", g.Section(paper.classification).value.capitalize()))
    for label, value in (("Past Pathway of Paper", paper.past_pathway), ("Future Pathway of Paper", paper.future_pathway),
                         ("Electoral Division", paper.electoral_division)):
        if value:
            header.append((label, value))
    ctx_doc = None
    sections: list[tuple[str, list[str]]] = [
        (s.heading, paragraphs(s.text)) for s in paper.sections.all()
        if not s.heading.lower().startswith("recommendation")]
    summary = paragraphs(paper.summary)
    if document is not None and document.kind == "qpr" and (not sections or not summary):
        ctx_doc = document.context()
    if not sections and document is not None:
        if document.kind == "qpr":
            sections = document.cover_sections(ctx_doc)
        elif document.kind == "register":
            sections = document.cover_sections()
    if not summary and document is not None and document.kind == "qpr":
        summary = paragraphs(document.summary(ctx_doc))
    numbered = []
    for n, (heading, paras) in enumerate(sections, start=1):
        numbered.append({"number": n, "heading": heading,
                         "paragraphs": [{"number": f"{n}.{i}", "lines": p.split("\n")} for i, p in enumerate(paras, 1)]})
    recommendation = recommendation_lines(paper)
    final_number = len(numbered) + 1
    contacts = []
    labels = list(paper.contact_block_label or [])
    people = _people(paper.contacts)
    for i, person in enumerate(people):
        role = labels[i] if len(labels) == len(people) else ""
        contacts.append({"role": role, "name": name_of(person).full, "title": post_of(person, on),
                         "phone": person.phone, "email": person.email})
    for c in paper.contact_details or []:
        contacts.append({k: c.get(k, "") for k in ("role", "name", "title", "phone", "email")})
    block_label = labels[0] if len(labels) == 1 else "Contact details"
    return {
        "paper": paper,
        "header": header,
        "summary": summary,
        "recommendation": recommendation,
        "sections": numbered,
        "final_number": final_number,
        "contacts": contacts,
        "contact_label": block_label,
        "background": paper.background_documents,
        "appendix": document.label if document is not None and document.kind != "minutes" else "",
        # the QPR's appendix opens with its own "Appendix 1" title page; the register needs the label
        "appendix_label": document is not None and document.kind == "register",
        "contact_roles": any(c["role"] for c in contacts),
    }


# --- minutes (§8) --------------------------------------------------------------------------------------
def _article(body_name: str) -> str:
    return body_name if body_name.lower().startswith(("the ", "county council")) else f"the {body_name}"


def minutes_heading(meeting: gm.Meeting) -> str:
    venue = f" in the {meeting.venue}" if meeting.venue else ""
    if meeting.venue.lower().startswith(("the ", "online", "virtual")):
        venue = f" {'in ' if meeting.venue.lower().startswith('the ') else ''}{meeting.venue}"
    return f"MINUTES of a meeting of {_article(meeting.body.name)} held{venue} on {long_date(meeting.date)}."


def _attendee(row: gm.Attendance) -> str:
    return row.name_as_printed or name_of(row.person).attendance


def _in_attendance_sentence(rows: list[gm.Attendance]) -> str:
    """As the minutes print it: "Sarah Hammond (Corporate Director, ...) was in attendance for this
    item."; several, each "Name, Role": "Colin Finch, Strategic Programme Manager
    (Infrastructure), and Victoria Thistlewood, Project Manager – Infrastructure, were in
    attendance for this item."."""
    names = [r.name_as_printed or name_of(r.person).full for r in rows]
    if len(rows) == 1:
        role = f" ({rows[0].role_text})" if rows[0].role_text else ""
        return f"{names[0]}{role} was in attendance for this item."
    parts = [f"{n}, {r.role_text}" if r.role_text else n for n, r in zip(names, rows)]
    roles = any(r.role_text for r in rows)
    sep = ", " if roles else ", "
    text = sep.join(parts[:-1]) + (", and " if roles else " and ") + parts[-1] + ("," if rows[-1].role_text else "")
    return f"{text} were in attendance for this item."


def minutes_context(meeting: gm.Meeting) -> dict:
    minutes = gm.Minutes.objects.filter(meeting=meeting).first()
    attendance = list(meeting.attendance.select_related("person").order_by("position", "pk"))

    def listed(category) -> list[str]:
        out = []
        for row in attendance:
            if row.category == category and row.minute_number is None:
                name = _attendee(row)
                if row.role_text and row.role_text.lower() in ("chairman", "chair", "vice-chairman", "vice-chair", "chairwoman"):
                    name = f"{name} ({row.role_text})"
                out.append(name)
        return out

    lists = []
    for category, label in ((g.AttendanceCategory.PRESENT, "PRESENT"), (g.AttendanceCategory.ALSO_PRESENT, "ALSO PRESENT"),
                            (g.AttendanceCategory.VIRTUAL, "PRESENT VIRTUALLY"),
                            (g.AttendanceCategory.SUBSTITUTE, "SUBSTITUTES"),
                            (g.AttendanceCategory.IN_ATTENDANCE, "IN ATTENDANCE")):
        names = listed(category)
        if names:
            lists.append({"label": label, "names": rules.joined(names)})
    apologies = listed(g.AttendanceCategory.APOLOGIES)
    apologies_line = f"Apologies for absence were received from {rules.joined(apologies)}." if apologies else ""
    resolutions: dict[int, list] = {}
    for r in meeting.resolutions.all():
        resolutions.setdefault(r.minute_number, []).append(r)
    items = []
    for mi in meeting.minute_items.all():
        present = [a for a in attendance if a.category == g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM
                   and a.minute_number == mi.minute_number]
        text = [t for t in (mi.text or []) if str(t).strip()]
        outcome_lines = [r.text for r in resolutions.get(mi.minute_number, [])] or paragraphs(mi.outcome)
        held_note = ""
        if not text:
            not_held = max(mi.paragraphs - (len(outcome_lines) if outcome_lines else 0), 0)
            if not_held:
                held_note = (f"The record of discussion for this item ({not_held} paragraph{'s' if not_held != 1 else ''}) "
                             "is not reproduced in this pack.")
        numbered = [{"number": i, "text": t} for i, t in enumerate(text, start=1)]
        items.append({
            "number": mi.minute_number,
            "title": mi.title,
            "item": mi.item_number,
            "attendance": _in_attendance_sentence(present) if present else "",
            "paragraphs": numbered,
            "held_note": held_note,
            "outcome": outcome_lines,
            "outcome_number": len(numbered) + 1 if numbered and outcome_lines else None,
            "no_decision": mi.outcome_kind == g.OutcomeKind.NONE and not outcome_lines,
            "no_decision_label": g.OutcomeKind.NONE.label,
        })
    return {
        "meeting": meeting,
        "heading": (minutes.heading if minutes and minutes.heading else minutes_heading(meeting)),
        "lists": lists,
        "apologies": apologies_line,
        "items": items,
        "draft": minutes is None or minutes.status != g.MinutesStatus.APPROVED,
    }


# --- the agenda (§4) ------------------------------------------------------------------------------------
def agenda_context(meeting: gm.Meeting, entries, ranges: dict[int, object], audience: str,
                   supplement: bool = False, dispatch_date: dt.date | None = None) -> dict:
    agenda = getattr(meeting, "agenda", None)
    try:
        agenda = meeting.agenda
    except gm.Agenda.DoesNotExist:
        agenda = None
    signatory = agenda.signatory if agenda else None
    contact = agenda.contact_officer if agenda else None
    rows = {"unrestricted": [], "exempt": []}
    for entry in entries:
        item = entry.item
        r = ranges.get(item.number)
        withheld = item.section == g.Section.EXEMPT and audience == g.PackAudience.PUBLIC and entry.paper is not None
        rows[item.section].append({
            "number": item.number,
            "title": item.title,
            "oral": item.is_oral,
            "pages": r.printed if r is not None else "",
            "anchor": f"item-{item.number}" if r is not None else "",
            "withheld": withheld,
            "reason": item.exempt_reason or (f"paragraph {item.exempt_paragraph} of Part 1 of Schedule 12A to the Local "
                                             "Government Act 1972" if item.exempt_paragraph else ""),
        })
    has_exempt = bool(rows["exempt"])
    unrestricted_note = (agenda.unrestricted_note if agenda and agenda.unrestricted_note else rules.UNRESTRICTED_NOTE)
    if agenda and agenda.exempt_note and not (has_exempt and agenda.exempt_note.startswith("At the time of preparing")):
        exempt_note = agenda.exempt_note
    else:
        exempt_note = rules.EXEMPT_NOTE_WITH_ITEMS if has_exempt else rules.EXEMPT_NOTE
    day = dispatch_date or (agenda.dispatch_date if agenda else None)
    return {
        "meeting": meeting,
        "body": meeting.body.name,
        "date": long_date(meeting.date),
        "time": rules.time_words(meeting.start_time) if meeting.start_time else "",
        "venue": meeting.venue,
        "heading": (agenda.heading if agenda and agenda.heading else "AGENDA"),
        "supplement": supplement,
        "addressees": agenda.addressees if agenda else "",
        "preamble": agenda.preamble if agenda else "",
        "issuing_office": agenda.issuing_office if agenda else "",
        "contact": name_of(contact).full if contact else "",
        "contact_phone": (agenda.contact_phone if agenda else "") or (contact.phone if contact else ""),
        "contact_email": (agenda.contact_email if agenda else "") or (contact.email if contact else ""),
        "unrestricted": rows["unrestricted"],
        "exempt": rows["exempt"],
        "unrestricted_note": unrestricted_note,
        "exempt_note": exempt_note,
        "signatory": name_of(signatory).full if signatory else "",
        "signatory_post": agenda.signatory_post if agenda else "",
        "signatory_phone": agenda.signatory_phone if agenda else "",
        "dispatch_date": long_date(day) if day else "",
        "members": audience == g.PackAudience.MEMBERS,
    }


def escape_text(text: str) -> str:
    return escape(text)


def pdf_page_count(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)
