"""The clerk's paper and pack pages through Django's test client, with the reports area's papers
and packs: "create paper" from a published QPR, the cycle's "accept" making the paper, a paper's
file uploaded (a refused file named in the error summary), the pack refused with each failure
listed, dispatched, then a supplement."""

from __future__ import annotations

import html as html_lib
import io
import re
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "web"))

from clerk_fixtures import make_governance  # noqa: E402
from test_gov_clerk_web import signed_in, summary  # noqa: E402
from web_fixtures import PERIOD, make_data  # noqa: E402

from beacon.core import permissions as perm  # noqa: E402
from beacon.governance import cycle  # noqa: E402
from beacon.governance import models as m  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(clock, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set("2022-12-01", tick=True)
    meetings = make_governance()
    cycle.load_rules(by="setup")
    return meetings


@pytest.fixture
def published(gov):
    from beacon.domain.periods import Quarter
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    make_data()
    q = Quarter.parse(PERIOD)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    return q


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text(response) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_create_paper_from_a_qpr_and_accept_the_cycles_placement(published):
    clerk = signed_in(perm.CLERK, "emily")
    url = reverse("web:paper_create")
    page = clerk.get(url + "?meeting=CABINET-2023-01-05").content.decode()
    assert f'<option value="qpr:{PERIOD}">Quarterly Performance Report, Quarter 2, 2022/23</option>' in page
    assert '<option value="CABINET-2023-01-05" selected>' in page
    r = clerk.post(url, {"document": "", "meeting": ""})
    assert r.status_code == 400 and summary(r) == ["Document: choose one", "Meeting: choose one"]
    r = clerk.post(url, {"document": f"qpr:{PERIOD}", "meeting": "GAC-2023-01-24", "item_number": "x"})
    assert r.status_code == 400 and summary(r) == ["Agenda item number (optional): write a whole number, 1 or more"]
    r = clerk.post(url, {"document": f"qpr:{PERIOD}", "meeting": "CABINET-2023-01-05"})
    assert r.status_code == 302 and r["Location"] == reverse("web:meeting_manage", args=["CABINET-2023-01-05"])
    paper = m.Paper.objects.get(meeting__key="CABINET-2023-01-05")
    assert paper.item == 3 and paper.document_ref.startswith(f"qpr:{PERIOD}")
    assert m.AgendaItem.objects.get(meeting__key="CABINET-2023-01-05", number=3).paper == paper
    assert "was placed on the agenda as item 3" in text(clerk.get(r["Location"]))

    # the cycle: the QPR's paper already sits on 5 January (made by "create a paper"): proposing takes
    # it as that step's accepted placement rather than proposing the step again (walk defect 18)
    cycle_url = reverse("web:cycle")
    page = text(clerk.get(cycle_url))
    assert "No placements yet" not in page.split("Quarterly Performance Report, Quarter 2, 2022/23", 2)[-1].split("Propose")[0]
    assert clerk.post(cycle_url, {"operation": "propose", "document": f"qpr:{PERIOD}"}).status_code == 302
    (placement,) = cycle.placements_of(f"qpr:{PERIOD}")
    assert placement.meeting.key == "CABINET-2023-01-05"
    assert placement.status == "accepted" and placement.paper == paper
    r = clerk.post(cycle_url, {"operation": "move", "placement": placement.pk,
                               f"move-{placement.pk}-meeting": "CABINET-2023-02-09"})
    assert r.status_code == 400  # an accepted step with its paper is not moved
    page = text(clerk.get(cycle_url))
    assert "Item 3: " in page and "Accepted" in page


def test_upload_dispatch_refusal_dispatch_and_supplement(gov):
    clerk = signed_in(perm.CLERK, "emily")
    mt = gov["GAC-2023-01-24"]
    paper = m.Paper.objects.create(key="GAC-2023-01-24-01", meeting=mt, item=1, subject="Internal Audit progress",
                                   source="upload")
    m.AgendaItem.objects.create(meeting=mt, number=1, title="Internal Audit progress", category="report", paper=paper)
    pack_url = reverse("web:meeting_pack", args=[mt.key])
    page = text(clerk.get(pack_url))
    # while a check fails the page offers no dispatch (walk defect 2), and a dispatch posted is refused
    assert "item 1 (Internal Audit progress)" in page and "Dispatch the pack" not in page

    r = clerk.post(pack_url, {"operation": "dispatch"})
    assert r.status_code == 400
    errors = summary(r)
    from beacon.reports import packs

    problems = packs.pack_problems(mt)
    assert errors[0] == f"The pack was not dispatched: {len(problems)} problem{'s' if len(problems) != 1 else ''} to put right."
    assert errors[1:] == problems and any("item 1 (Internal Audit progress)" in p for p in problems)
    assert not m.Pack.objects.filter(meeting=mt).exists()

    upload_url = reverse("web:paper_upload", args=[mt.key, paper.key])
    r = clerk.post(upload_url, {"upload-file": SimpleUploadedFile("notes.txt", b"hello")})
    assert r.status_code == 400
    (error,) = summary(r)
    assert error.startswith("The paper's file: notes.txt: Beacon takes a paper as a PDF (.pdf) or a Word document (.docx)")
    assert 'href="#upload-file"' in r.content.decode()
    r = clerk.post(upload_url, {})
    assert r.status_code == 400 and summary(r) == ["The paper's file: choose a file"]
    r = clerk.post(upload_url, {"upload-file": SimpleUploadedFile("audit.pdf", pdf(3), content_type="application/pdf")})
    assert r.status_code == 302 and paper.files.get().page_count == 3

    assert packs.pack_problems(mt) == [
        "the agenda has no dispatch date: record the date it is sent out (Manage the meeting, Agenda)",
        "the agenda has no signatory: record who signs it (Manage the meeting, Agenda)",
        'the agenda has no contact officer: record who to ask about it, printed as "Ask for" (Manage the meeting, '
        'Agenda)']
    import datetime as dt
    m.Agenda.objects.filter(meeting=mt).update(dispatch_date=dt.date(2023, 1, 13),
                                               signatory=m.Person.objects.get(key="watts-b"),
                                               contact_officer=m.Person.objects.get(key="kennedy-e"))
    assert packs.pack_problems(mt) == []
    r = clerk.post(pack_url, {"operation": "dispatch"})
    # the pack is rendered in the background: the clerk is sent to the job's page
    assert r.status_code == 303 and r["Location"].startswith("/jobs/"), summary(r)
    assert not m.Pack.objects.filter(meeting=mt).exists()
    from beacon.core import jobs

    jobs.run_queued()
    assert f'href="{pack_url}"' in clerk.get(r["Location"]).content.decode()
    (pack,) = m.Pack.objects.filter(meeting=mt)
    assert pack.version == 1 and pack.audience == "public"
    page = text(clerk.get(pack_url))
    assert "The pack was dispatched" in page and "Dispatch a supplement" in page and "Dispatch the pack" not in page

    # an item added after dispatch goes out in a supplement, numbered on from the published pages
    r = clerk.post(reverse("web:meeting_manage", args=[mt.key]), {"operation": "add_item", "item-title": "Urgent item",
                                                                  "item-category": "report"})
    assert r.status_code == 302
    late = m.Paper.objects.create(key="GAC-2023-01-24-02", meeting=mt, item=2, subject="Urgent item", source="upload")
    m.AgendaItem.objects.filter(meeting=mt, number=2).update(paper=late)
    clerk.post(reverse("web:paper_upload", args=[mt.key, late.key]),
               {"upload-file": SimpleUploadedFile("urgent.pdf", pdf(1), content_type="application/pdf")})
    r = clerk.post(pack_url, {"operation": "supplement"})
    assert r.status_code == 303, summary(r)
    jobs.run_queued()
    assert "The supplement was dispatched" in clerk.get(r["Location"]).content.decode()
    assert sorted(m.Pack.objects.filter(meeting=mt).values_list("version", flat=True)) == [1, 2]
    r = clerk.post(pack_url, {"operation": "supplement"})
    assert r.status_code == 400
    assert "no item was added to the agenda since the pack was dispatched" in " ".join(summary(r))


def test_the_register_edition_goes_to_cabinet_then_governance_and_audit(gov, clock):
    import datetime as dt

    from beacon.domain.risk import Rating
    from beacon.governance import services
    from beacon.governance.commands import CancelMeeting
    from beacon.risk import lifecycle
    from beacon.risk.editions import create_edition

    lifecycle.add_risk("Cyber attack", ["B. Officer, Director of Technology"], by="setup", on=dt.date(2022, 6, 1),
                       current=Rating(3, 4), target=Rating(2, 4))
    create_edition("Cabinet", dt.date(2023, 1, 5), by="setup")
    clerk = signed_in(perm.CLERK, "emily")
    ref = "register:Cabinet@2023-01-05"
    url = reverse("web:cycle")
    page = text(clerk.get(url))
    assert "Corporate Risk Register, Cabinet, 5 January 2023" in page
    assert clerk.post(url, {"operation": "propose", "document": ref}).status_code == 302
    first, second = cycle.placements_of(ref)
    assert (first.meeting.key, second.meeting.key) == ("CABINET-2023-01-05", "GAC-2023-01-24")
    r = clerk.post(url, {"operation": "accept", "placement": first.pk})
    assert r.status_code == 302, summary(r)
    first.refresh_from_db()
    paper = first.paper
    assert paper.meeting.key == "CABINET-2023-01-05" and paper.document_ref == ref
    assert list(paper.pathway.values_list("body__code", "meeting__key", "role", "status")) == [
        ("CABINET", "CABINET-2023-01-05", "current", "planned"), ("GAC", "GAC-2023-01-24", "future", "planned")]
    # G&A on 24 January is cancelled: the paper's next step there is skipped, and so is the placement
    services.cancel_meeting(CancelMeeting(by="emily", meeting="GAC-2023-01-24", reason="Not quorate"))
    second.refresh_from_db()
    assert second.status == "skipped"
    gac = paper.pathway.get(body__code="GAC")
    assert (gac.role, gac.meeting.key, gac.status, gac.skip_reason) == ("future", "GAC-2023-01-24", "skipped",
                                                                        second.skip_reason)
    page = text(clerk.get(url))
    assert "The meeting of Governance & Audit Committee on 24 January 2023 was cancelled: Not quorate." in page
