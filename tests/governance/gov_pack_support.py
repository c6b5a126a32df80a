"""What the pack tests share: a Cabinet meeting built through the ORM (the agenda of 5 January
2023 in small: standing items, the minutes of 1 December 2022, a report uploaded as a PDF, an
exempt report uploaded as Word), files to upload, and reading a PDF back page by page."""

from __future__ import annotations

import datetime as dt
import io

from beacon.domain import governance as g
from beacon.governance import models as gm

MEETING = "CABINET-2023-01-05"
PREVIOUS = "CABINET-2022-12-01"
NOW = dt.datetime(2022, 12, 22, 9, 0, tzinfo=dt.timezone.utc)


def pdf_with_pages(n: int, text: str = "Uploaded page") -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="{"break-before: page;" if i else ""}">{text} {i + 1} of {n}</p>' for i in range(n))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def docx_bytes(secret: str = "Heads of terms for the disposal of Sessions House") -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "Property disposal"
    d.add_heading("Property disposal", level=1)
    d.add_paragraph(secret)
    d.add_paragraph("First option", style="List Bullet")
    d.add_paragraph("Second option", style="List Bullet")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Site", "Value"
    t.cell(1, 0).text, t.cell(1, 1).text = "Sessions House", "£1m"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def person(key, title, initials, surname, forename="", honours=(), phone="", email=""):
    return gm.Person.objects.create(key=key, title=title, initials=initials, surname=surname, forename=forename,
                                    honours=list(honours), is_member=True, phone=phone, email=email)


def make_cabinet(*, exempt: bool = True, upload: bool = True) -> gm.Meeting:
    """The two Cabinet meetings; returns the one of 5 January 2023 (its pack is not dispatched)."""
    cabinet = gm.Body.objects.create(code="CABINET", name="Cabinet", kind=g.BodyKind.EXECUTIVE)
    gm.Body.objects.create(code="GAC", name="Governance & Audit Committee", kind=g.BodyKind.COMMITTEE)
    gough = person("gough-r", "Mr", "R W", "Gough", "Roger")
    gm.RoleAssignment.objects.create(person=gough, role=g.RoleKind.LEADER, body=cabinet)
    bell = person("bell-c", "Mrs", "C", "Bell", "Clair")
    hill = person("hill-p", "Mr", "P M", "Hill", honours=["OBE"])
    oakford = person("oakford-p", "Mr", "P J", "Oakford", "Peter")
    watts = person("watts-b", "", "", "Watts", "Benjamin")
    kennedy = person("kennedy-e", "", "", "Kennedy", "Emily")
    hammond = person("hammond-s", "Mrs", "", "Hammond", "Sarah")
    previous = gm.Meeting.objects.create(key=PREVIOUS, body=cabinet, date=dt.date(2022, 12, 1), venue="Council Chamber",
                                         status=g.MeetingStatus.HELD, presiding=gough)
    gm.Minutes.objects.create(meeting=previous, status=g.MinutesStatus.DRAFT, numbering=g.Numbering.PER_MEETING)
    for pos, (p, role) in enumerate(((gough, "Chairman"), (bell, ""), (hill, ""), (oakford, "")), start=1):
        gm.Attendance.objects.create(meeting=previous, person=p, category=g.AttendanceCategory.PRESENT, position=pos,
                                     role_text=role)
    gm.Attendance.objects.create(meeting=previous, person=hammond, category=g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM,
                                 minute_number=4, role_text="Corporate Director, Children's Young People and Education",
                                 name_as_printed="Sarah Hammond", position=1)
    mk = gm.MinuteItem.objects.create
    mk(meeting=previous, minute_number=1, item_number=1, title="Apologies", paragraphs=1,
       outcome_kind=g.OutcomeKind.STATEMENT, outcome="There were no apologies for absence.")
    mk(meeting=previous, minute_number=2, item_number=3, title="Minutes of the meeting held on 29 September 2022",
       paragraphs=1, outcome_kind=g.OutcomeKind.RESOLVED,
       outcome="RESOLVED that the minutes of the meeting held on the 29 September 2022 were a correct record and that "
               "they be signed by the Chair.")
    mk(meeting=previous, minute_number=3, item_number=4, title="Revenue and Capital Budget Monitoring Report (quarter 2)",
       paragraphs=11, outcome_kind=g.OutcomeKind.NONE)
    mk(meeting=previous, minute_number=4, item_number=5, title="SEND - Ofsted / CQC Revisit and Transformation Programme",
       paragraphs=3, outcome_kind=g.OutcomeKind.RESOLVED, text=["Mr Love introduced the report.",
                                                                 "Mrs Hammond outlined the actions underway."])
    gm.Resolution.objects.create(meeting=previous, minute_number=4, seq=1, verb=g.ResolutionVerb.NOTE,
                                 text="RESOLVED to note the content of the report.", source=g.ResolutionSource.REPORT)
    meeting = gm.Meeting.objects.create(key=MEETING, body=cabinet, date=dt.date(2023, 1, 5), start_time=dt.time(10, 0),
                                        venue="Council Chamber", status=g.MeetingStatus.SCHEDULED)
    gm.Agenda.objects.create(
        meeting=meeting, heading="AGENDA", dispatch_date=dt.date(2022, 12, 22), signatory=watts,
        signatory_post="General Counsel", signatory_phone="03000 416814", contact_officer=kennedy,
        contact_phone="03000 419625", contact_email="emily.kennedy@kent.gov.uk",
        unrestricted_note="During these items the meeting is likely to be open to the public")
    item = gm.AgendaItem.objects.create
    item(meeting=meeting, number=1, title="Apologies", category=g.ItemCategory.STANDING)
    item(meeting=meeting, number=2, title="Declarations of Interest", category=g.ItemCategory.STANDING)
    minutes = gm.Paper.objects.create(key=f"{MEETING}-03", meeting=meeting, item=3, kind=g.PaperKind.MINUTES,
                                      subject="Minutes of the meeting held on 1 December 2022",
                                      document_ref=f"minutes:{PREVIOUS}", source=g.PaperSource.MINUTES)
    item(meeting=meeting, number=3, title="Minutes of the meeting held on 1 December 2022",
         category=g.ItemCategory.MINUTES, paper=minutes)
    item(meeting=meeting, number=4, title="Cabinet Member Updates", category=g.ItemCategory.STANDING)
    budget = gm.Paper.objects.create(key=f"{MEETING}-05", meeting=meeting, item=5, subject="Budget consultation",
                                     source=g.PaperSource.UPLOAD)
    item(meeting=meeting, number=5, title="Budget consultation", category=g.ItemCategory.REPORT, paper=budget)
    if upload:
        attach(budget.key, "budget.pdf", pdf_with_pages(3, "Budget page"))
    if exempt:
        disposal = gm.Paper.objects.create(key=f"{MEETING}-06", meeting=meeting, item=6, subject="Property disposal",
                                           classification=g.Section.EXEMPT, source=g.PaperSource.UPLOAD)
        item(meeting=meeting, number=6, title="Property disposal", section=g.Section.EXEMPT,
             category=g.ItemCategory.REPORT, paper=disposal, exempt_paragraph=3,
             exempt_reason="Information relating to the financial or business affairs of any particular person")
        if upload:
            attach(disposal.key, "disposal.docx", docx_bytes())
    return meeting


def attach(paper_key: str, name: str, content: bytes):
    from beacon.reports.papers import AttachFile, attach_file

    return attach_file(AttachFile(paper_key, name, content, by="clerk", now=NOW))


def pages_text(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def outline(pdf: bytes) -> list[tuple[int, str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out = []

    def walk(items, depth):
        for x in items:
            if isinstance(x, list):
                walk(x, depth + 1)
            else:
                out.append((depth, x.title))

    walk(reader.outline, 0)
    return out


def is_tagged(pdf: bytes) -> bool:
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked"))


from beacon.demo import DEMO_PUBLISH_ACCEPTED as DEMO_ACCEPTED  # noqa: E402


def demo_pack_data() -> None:
    """The demo's data with the pack's documents ready (as bench/pack.py): the QPR of 2022/23 Q2
    published, the Cabinet register edition of 5 January 2023 frozen, the governance bundle of that
    meeting imported (its papers name their documents)."""
    import datetime as dt

    from beacon.bundle.importer import import_bundle
    from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD, HERE
    from beacon.domain.periods import Quarter
    from beacon.reports.publish import publish
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings
    from beacon.risk.editions import create_edition

    import_bundle(DEMO_BUNDLE, user="demo-test")
    import_bundle(HERE / "kcc-risk-register-2023-01", user="demo-test")
    create_edition("Cabinet", dt.date(2023, 1, 5), by="demo-test", baseline=dt.date(2022, 7, 1))
    seed_report_settings(DEMO_REPORT_SETTINGS, by="demo-test")
    publish(Quarter.parse(DEMO_PERIOD), "demo-test", DEMO_ACCEPTED)
    import_bundle(HERE / "kcc-cabinet-2023-01-05", user="demo-test")
