"""The demo-shaped pack: the Cabinet of 5 January 2023 from the governance bundle, its papers
Beacon's own documents (the minutes of 1 December 2022, the published QPR, the frozen register
with its covering report), read page by page; and "create paper" from the QPR and the register
onto another meeting, its cover header pre-filled. One test: the setup publishes the QPR."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from beacon.demo import HERE
from beacon.domain import governance as g
from beacon.domain.packs import FILLER_TEXT
from beacon.governance import models as gm
from beacon.reports import packs
from beacon.reports.papers import CreatePaper, PaperError, create_paper, document_label

from gov_pack_support import NOW, demo_pack_data, is_tagged, outline, pages_text

pytestmark = pytest.mark.django_db


def test_the_demo_pack_and_create_paper():
    demo_pack_data()
    meeting = gm.Meeting.objects.get(key="CABINET-2023-01-05")
    assert packs.pack_problems(meeting) == []

    pack = packs.assemble(meeting, "public")
    ranges = pack.ranges
    assert [r.item for r in ranges] == [3, 6, 7]
    assert packs.pack_problems(meeting, "public", pack) == []
    assert ranges[0].first == 1 and all(r.first % 2 == 1 and r.pages % 2 == 0 for r in ranges)
    assert all(b.first == a.last + 1 for a, b in zip(ranges, ranges[1:]))
    texts = pages_text(pack.pdf)
    agenda = " ".join(texts[:pack.agenda_pages])
    for r, title in zip(ranges, ("Minutes of the meeting held on 1 December 2022",
                                 "Quarterly Performance Report (Quarter 2 2022/23)", "Corporate Risk Register")):
        assert f"{title} {r.printed}" in agenda
    assert "Provisional Local Government Finance Settlement (Pages" not in agenda
    numbered = texts[pack.agenda_pages:]
    assert [t.rsplit("Page ", 1)[-1] for t in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    for page in pack.filler_pages:
        assert numbered[page - 1].startswith(FILLER_TEXT)
    for r in ranges:
        assert not numbered[r.first - 1].startswith(FILLER_TEXT)
    assert numbered[0].startswith("MINUTES of a meeting of the Cabinet held in the Council Chamber on Thursday, "
                                  "1 December 2022.")
    qpr = numbered[ranges[1].first - 1]
    assert qpr.startswith("Quarterly Performance Report, Quarter 2, 2022/23 From: Roger Gough – Leader of the Council")
    assert "Cabinet is asked to NOTE the Quarter 2 Performance Report." in qpr
    assert numbered[ranges[2].first - 1].startswith("Corporate Risk Register From: Roger Gough, Leader of the Council")
    top = [title for depth, title in outline(pack.pdf) if depth == 0]
    assert top == ["Agenda", "Item 3: Minutes of the meeting held on 1 December 2022",
                   "Item 6: Quarterly Performance Report (Quarter 2 2022/23)", "Item 7: Corporate Risk Register"]
    assert is_tagged(pack.pdf)
    # the papers speak in the council's words: never of the software (as tests/documents checks its papers)
    assert not re.search(r"\bBeacon\b", " ".join(texts)), [t for t in texts if "Beacon" in t][:1]
    assert not re.search(r"\bBeacon\b", re.sub(r"<[^>]+>", " ", pack.html))

    # "create paper" onto the next meeting: header from the report settings / the register's cover
    nxt = gm.Meeting.objects.create(key="CABINET-2023-02-02", body=meeting.body, date=dt.date(2023, 2, 2),
                                    venue="Council Chamber", status=g.MeetingStatus.SCHEDULED)
    assert document_label("qpr:2022/23 Q2") == "Quarterly Performance Report, Quarter 2, 2022/23"
    assert document_label("register:Cabinet@2023-01-05") == "Corporate Risk Register, Cabinet, 5 January 2023"
    assert document_label("minutes:CABINET-2022-12-01") == ("Minutes of the meeting of Cabinet held on 1 December 2022")
    paper = create_paper(CreatePaper("qpr:2022/23 Q2", nxt.key, by="clerk", now=NOW))
    assert (paper.key, paper.item, paper.source, paper.document_ref) == ("CABINET-2023-02-02-01", 1, "qpr", "qpr:2022/23 Q2")
    assert paper.subject == "Quarterly Performance Report, Quarter 2, 2022/23"
    assert paper.from_as_printed == ["Leader of the Council", "Chief Executive Officer"]
    assert (paper.to_body, paper.to_date, paper.decision_no, paper.classification) == (
        meeting.body, dt.date(2023, 2, 2), None, "unrestricted")
    assert [(r.verb, r.text, r.printed_in) for r in paper.recommendations.all()] == [
        ("NOTE", "Cabinet is asked to NOTE the Quarter 2 Performance Report.", ["header", "body"])]
    assert [s.heading for s in paper.sections.all()] == ["Introduction", "Quarter 2 Performance Report"]
    assert paper.summary.startswith("The purpose of the Quarterly Performance Report (QPR) is to inform Cabinet")
    assert [c["role"] for c in paper.contact_details] == ["Report author", "Relevant Director"]
    item = gm.AgendaItem.objects.get(meeting=nxt, number=1)
    assert (item.category, item.paper, item.title) == ("report", paper, paper.subject)
    assert [(p.role, p.body.code, p.meeting) for p in paper.pathway.all()] == [("current", "CABINET", nxt)]

    register = create_paper(CreatePaper("register:Cabinet@2023-01-05", nxt.key, by="clerk", item_number=4, now=NOW,
                                        cover_settings=HERE / "register-cover-settings.json"))
    assert (register.item, register.subject, register.future_pathway) == (4, "Corporate Risk Register",
                                                                         "Governance & Audit Committee")
    assert [(p.role, p.body.code) for p in register.pathway.all()] == [("current", "CABINET"), ("future", "GAC")]
    assert [r.text for r in register.recommendations.all()] == ["Cabinet Members are asked to NOTE the report."]
    assert [s.heading for s in register.sections.all()] == [
        "Background", "Corporate Risk Register – summary of changes", "Monitoring and Review", "Conclusions"]
    assert [c["name"] for c in register.contact_details] == [
        "Corporate Risk & Assurance Manager", "Director of Strategy, Policy, Relationships and Corporate Assurance"]
    with pytest.raises(PaperError, match="item 4 of CABINET-2023-02-02 already has a paper"):
        create_paper(CreatePaper("qpr:2022/23 Q2", nxt.key, by="clerk", item_number=4, now=NOW))
    with pytest.raises(PaperError, match="the QPR of 2023/24 Q1 is not published"):
        create_paper(CreatePaper("qpr:2023/24 Q1", nxt.key, by="clerk", now=NOW))
    assert packs.pack_problems(nxt) == ["the meeting has no agenda record (heading, dispatch date, signatory, "
                                        "contact officer)"]
