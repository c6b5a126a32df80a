"""The pack assembled from rendered papers, read back page by page (governance.md §5): ranges
computed, odd starts with the filler page, continuous stamps, bookmarks, tags, the public pack
without exempt content and the members' pack marked on every page; the HTML pack's references."""

from __future__ import annotations

import re

import pytest

from beacon.domain.packs import EXEMPT_MARK, FILLER_TEXT
from beacon.reports import packs

from gov_pack_support import is_tagged, make_cabinet, outline, pages_text

SECRET = "Heads of terms for the disposal of Sessions House"


_BUILT: dict = {}


@pytest.fixture
def assembled(db):
    """Both packs of the meeting, assembled once for the module (they are bytes: the records
    they were made from are rolled back after the first test)."""
    if not _BUILT:
        meeting = make_cabinet()
        _BUILT.update(public=packs.assemble(meeting, "public"), members=packs.assemble(meeting, "members"))
    return _BUILT


def test_ranges_are_computed_from_the_pack_and_printed_on_the_agenda(assembled):
    public = assembled["public"]
    # the minutes fit one page (+ filler), the uploaded 3-page budget report (+ filler)
    assert [(r.item, r.first, r.last) for r in public.ranges] == [(3, 1, 2), (5, 3, 6)]
    agenda = pages_text(public.pdf)[0]
    assert "Minutes of the meeting held on 1 December 2022 (Pages 1 - 2)" in agenda
    assert "Budget consultation (Pages 3 - 6)" in agenda
    assert "Apologies (Pages" not in agenda  # an item without a paper has no range


def test_each_paper_starts_on_an_odd_page_padded_by_the_filler(assembled):
    public = assembled["public"]
    texts = pages_text(public.pdf)[public.agenda_pages:]
    assert len(texts) == 6
    assert public.filler_pages == (2, 6)
    for number in public.filler_pages:
        assert texts[number - 1].startswith(FILLER_TEXT)
    assert texts[0].startswith("MINUTES of a meeting of the Cabinet")
    assert texts[2].startswith("Budget page 1 of 3")  # page 3: the upload starts on an odd page


def test_stamps_run_continuously_from_1_and_the_agenda_is_unnumbered(assembled):
    for pack in assembled.values():
        texts = pages_text(pack.pdf)
        for text in texts[:pack.agenda_pages]:
            assert "Page " not in text.replace("This page", "")
        numbered = texts[pack.agenda_pages:]
        assert [t.rsplit("Page ", 1)[-1] for t in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
        assert pack.page_count == len(texts)


def test_bookmarks_per_item_and_tagged(assembled):
    public = assembled["public"]
    top = [title for depth, title in outline(public.pdf) if depth == 0]
    assert top == ["Agenda", "Item 3: Minutes of the meeting held on 1 December 2022", "Item 5: Budget consultation"]
    assert is_tagged(public.pdf)
    assert public.pdf.startswith(b"%PDF-1.7")


def test_the_public_pack_lists_the_exempt_item_but_never_holds_its_paper(assembled):
    public = assembled["public"]
    text = " ".join(pages_text(public.pdf))
    assert "Property disposal" in text  # the title is listed under EXEMPT ITEMS
    assert SECRET not in text and "Sessions House" not in text
    assert EXEMPT_MARK not in text
    assert SECRET not in public.html
    assert [r.item for r in public.ranges] == [3, 5]


def test_the_members_pack_holds_the_exempt_paper_and_marks_every_page(assembled):
    members = assembled["members"]
    texts = pages_text(members.pdf)
    assert all(EXEMPT_MARK in t for t in texts)
    assert any(SECRET in t for t in texts)
    assert [(r.item, r.first, r.last) for r in members.ranges] == [(3, 1, 2), (5, 3, 6), (6, 7, 8)]
    # the same numbers as the public pack for the papers both hold
    assert members.ranges[:2] == assembled["public"].ranges
    assert EXEMPT_MARK in members.html and "Property disposal (Pages 7 - 8)" in members.html


def test_the_html_pack_cites_the_same_pages_as_the_pdf(assembled):
    html = assembled["public"].html
    assert '<a href="#item-3">(Pages 1 - 2)</a>' in html
    assert 'id="item-3">Item 3: Minutes of the meeting held on 1 December 2022 (Pages 1 - 2)' in html
    assert 'id="item-5">Item 5: Budget consultation (Pages 3 - 6)' in html
    assert "pages 3 - 6 of the PDF pack" in html
    # the parts' ids are prefixed per item: none repeats and every link inside the page resolves
    ids = re.findall(r'\bid="([^"]+)"', assembled["members"].html)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'href="#([^"]+)"', assembled["members"].html)) <= set(ids)


def test_the_minutes_are_rendered_from_the_records_without_inventing_text(assembled):
    text = " ".join(pages_text(assembled["public"].pdf))
    assert ("MINUTES of a meeting of the Cabinet held in the Council Chamber on Thursday, 1 December 2022. "
            "PRESENT: Mr R W Gough (Chairman), Mrs C Bell, Mr P M Hill, OBE and Mr P J Oakford") in text
    assert "1. Apologies (Item 1) There were no apologies for absence." in text
    assert ("3. Revenue and Capital Budget Monitoring Report (quarter 2) (Item 4) The record of discussion for this "
            "item (11 paragraphs) is not reproduced in this pack. No decision recorded.") in text
    assert ("Sarah Hammond (Corporate Director, Children's Young People and Education) was in attendance for this "
            "item.") in text
    assert "(1) Mr Love introduced the report. (2) Mrs Hammond outlined the actions underway. (3) RESOLVED to note" in text
