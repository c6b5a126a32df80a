"""Dispatch and supplements (governance.md §5, §12): each failure refuses dispatch naming it; a
dispatched pack is frozen with its ranges recorded; a supplement keeps the pages published."""

from __future__ import annotations

import pytest

from beacon.core.audit import history_of
from beacon.domain import governance as g
from beacon.governance import models as gm
from beacon.reports import packs

from gov_pack_support import MEETING, NOW, PREVIOUS, attach, make_cabinet, pages_text, pdf_with_pages

pytestmark = pytest.mark.django_db


def refused(meeting_key=MEETING) -> list[str]:
    with pytest.raises(packs.PackRefused) as caught:
        packs.dispatch(packs.DispatchPack(meeting_key, by="clerk", now=NOW))
    assert not gm.Pack.objects.filter(meeting__key=meeting_key).exists()
    return caught.value.problems


def item(number) -> gm.AgendaItem:
    return gm.AgendaItem.objects.get(meeting__key=MEETING, number=number)


def test_a_paper_without_pages_refuses_dispatch_naming_its_item():
    make_cabinet(upload=False)
    problems = refused()
    assert ("item 5 (Budget consultation): paper CABINET-2023-01-05-05 has no pages: it names no document and no "
            "file was uploaded for it") in problems
    assert any(p.startswith("item 6 (Property disposal): paper CABINET-2023-01-05-06 has no pages") for p in problems)


def test_an_exempt_item_without_a_reason_refuses_dispatch():
    make_cabinet()
    gm.AgendaItem.objects.filter(meeting__key=MEETING, number=6).update(exempt_reason="", exempt_paragraph=None)
    assert refused() == ["item 6 (Property disposal) is exempt but gives no reason: record the exempt reason "
                         "(the paragraph of Schedule 12A and why)"]


def test_an_exempt_item_numbered_before_an_unrestricted_one_refuses_dispatch():
    make_cabinet()
    gm.AgendaItem.objects.create(meeting=gm.Meeting.objects.get(key=MEETING), number=7, title="Any other business",
                                 category=g.ItemCategory.STANDING)
    assert refused() == ["item 6 (Property disposal) is exempt but numbered before unrestricted item 7: exempt items "
                         "come after the unrestricted ones, under EXEMPT ITEMS"]


def test_an_item_without_a_paper_but_with_a_typed_range_refuses_dispatch():
    make_cabinet()
    gm.AgendaItem.objects.filter(meeting__key=MEETING, number=4).update(page_from=7, page_to=9)
    assert refused() == ["item 4 (Cabinet Member Updates) has pages 7 - 9 recorded but no paper: an item without a "
                         "paper has no page range"]


def test_a_body_recommendation_differing_from_the_header_refuses_dispatch():
    make_cabinet()
    paper = gm.Paper.objects.get(key=f"{MEETING}-05")
    gm.Recommendation.objects.create(paper=paper, verb=g.RecommendationVerb.NOTE,
                                     text="Cabinet is asked to NOTE the report.", printed_in=["header", "body"])
    gm.PaperSection.objects.create(paper=paper, number=3, heading="Recommendation(s)",
                                   text="Cabinet is asked to APPROVE the report.")
    assert refused() == [
        "item 5 (Budget consultation): paper CABINET-2023-01-05-05: the recommendation in section 3 ('Cabinet is asked "
        "to APPROVE the report.') differs from the header's ('Cabinet is asked to NOTE the report.'); Beacon prints the "
        "header's in both places, so correct or remove the section"]


def test_an_uploaded_papers_header_and_body_recommendations_must_agree():
    make_cabinet()
    gm.Paper.objects.filter(key=f"{MEETING}-05").update(
        recommendation="Cabinet is asked to NOTE the report.", recommendation_body="Cabinet is asked to AGREE the report.")
    assert refused() == [
        "item 5 (Budget consultation): paper CABINET-2023-01-05-05: the header recommendation ('Cabinet is asked to "
        "NOTE the report.') differs from the final section's ('Cabinet is asked to AGREE the report.')"]


def test_a_decision_number_printed_n_a_must_be_normalised():
    make_cabinet()
    gm.Paper.objects.filter(key=f"{MEETING}-05").update(decision_no="n/a")
    assert refused() == ["item 5 (Budget consultation): paper CABINET-2023-01-05-05: Decision No 'n/a' is not a "
                         "decision number (leave it empty)"]


def test_a_minute_citing_an_item_not_on_its_meetings_agenda_refuses_dispatch():
    make_cabinet()
    previous = gm.Meeting.objects.get(key=PREVIOUS)
    for n, title in ((1, "Apologies"), (3, "Minutes"), (4, "Revenue"), (5, "SEND")):  # no item 9
        gm.AgendaItem.objects.create(meeting=previous, number=n, title=title, category=g.ItemCategory.STANDING)
    gm.MinuteItem.objects.filter(meeting=previous, minute_number=4).update(item_number=9)
    assert refused() == ["item 3 (Minutes of the meeting held on 1 December 2022): paper CABINET-2023-01-05-03: minute 4 "
                         "of CABINET-2022-12-01 cites (Item 9), which is not on that meeting's agenda"]


def test_a_running_series_repeating_a_minute_number_refuses_dispatch():
    make_cabinet()
    previous = gm.Meeting.objects.get(key=PREVIOUS)
    gm.Minutes.objects.filter(meeting=previous).update(numbering=g.Numbering.RUNNING)
    earlier = gm.Meeting.objects.create(key="CABINET-2022-11-03", body=previous.body, date=previous.date.replace(month=11),
                                        status=g.MeetingStatus.HELD)
    gm.Minutes.objects.create(meeting=earlier, numbering=g.Numbering.RUNNING)
    gm.MinuteItem.objects.create(meeting=earlier, minute_number=4, title="Earlier business",
                                 outcome_kind=g.OutcomeKind.NONE)
    assert refused() == ["item 3 (Minutes of the meeting held on 1 December 2022): paper CABINET-2023-01-05-03: minute 4 "
                         "of CABINET-2022-12-01 repeats minute 4 of CABINET-2022-11-03 (a running series numbers each "
                         "minute once)"]


def test_minutes_of_a_meeting_with_no_minutes_recorded_refuse_dispatch():
    make_cabinet()
    previous = gm.Meeting.objects.get(key=PREVIOUS)
    previous.minute_items.all().delete()
    gm.Minutes.objects.filter(meeting=previous).delete()
    assert refused() == ["item 3 (Minutes of the meeting held on 1 December 2022): paper CABINET-2023-01-05-03: "
                         "minutes:CABINET-2022-12-01: no minutes are recorded for the meeting of Cabinet on 1 December 2022"]


def test_a_qpr_that_is_not_published_refuses_dispatch():
    make_cabinet()
    gm.Paper.objects.filter(key=f"{MEETING}-05").update(document_ref="qpr:2022/23 Q2")
    gm.PaperFile.objects.filter(paper__key=f"{MEETING}-05").delete()
    assert refused() == ["item 5 (Budget consultation): paper CABINET-2023-01-05-05: qpr:2022/23 Q2: the QPR of "
                         "2022/23 Q2 is not published (publish it before its pack is dispatched: a pack carries "
                         "published figures only)"]


def test_a_meeting_without_an_agenda_or_cancelled_refuses_dispatch():
    meeting = make_cabinet()
    gm.Agenda.objects.filter(meeting=meeting).delete()
    gm.Meeting.objects.filter(pk=meeting.pk).update(status=g.MeetingStatus.CANCELLED)
    assert refused() == ["the meeting of 5 January 2023 is cancelled: it has no pack",
                         "the meeting has no agenda record (heading, dispatch date, signatory, contact officer)"]


def test_dispatch_freezes_both_packs_and_records_the_ranges_then_refuses_again():
    make_cabinet()
    made = packs.dispatch(packs.DispatchPack(MEETING, by="clerk", now=NOW))
    assert [(p.audience, p.version) for p in made] == [("public", 1), ("members", 1)]
    public, members = made
    assert public.pages == {"3": [1, 2], "5": [3, 6]}
    assert members.pages == {"3": [1, 2], "5": [3, 6], "6": [7, 8]}
    assert public.items == [1, 2, 3, 4, 5, 6]
    assert (item(5).page_from, item(5).page_to) == (3, 6) and item(1).page_from is None
    assert gm.Paper.objects.get(key=f"{MEETING}-05").ends_with_blank_page is True
    assert [(r.field, r.new_value) for r in history_of(item(5))][-2:] == [("page_from", "3"), ("page_to", "6")]
    with pytest.raises(packs.PackRefused) as caught:
        packs.dispatch(packs.DispatchPack(MEETING, by="clerk", now=NOW))
    assert caught.value.problems == ["the pack of CABINET-2023-01-05 was dispatched on 22 December 2022 and is frozen: "
                                     "add items by a supplement"]


def test_without_exempt_papers_only_the_public_pack_is_dispatched():
    make_cabinet(exempt=False)
    assert [p.audience for p in packs.dispatch(packs.DispatchPack(MEETING, by="clerk", now=NOW))] == ["public"]


def test_a_supplement_keeps_the_published_pages_and_numbers_on():
    meeting = make_cabinet(exempt=False)
    packs.dispatch(packs.DispatchPack(MEETING, by="clerk", now=NOW))
    with pytest.raises(packs.PackRefused) as caught:
        packs.supplement(packs.DispatchSupplement(MEETING, by="clerk", now=NOW))
    assert caught.value.problems == ["no item was added to the agenda since the pack was dispatched: there is "
                                     "nothing to supplement"]
    late = gm.Paper.objects.create(key=f"{MEETING}-06", meeting=meeting, item=6, subject="Winter pressures")
    gm.AgendaItem.objects.create(meeting=meeting, number=6, title="Winter pressures", category=g.ItemCategory.REPORT,
                                 paper=late)
    attach(late.key, "winter.pdf", pdf_with_pages(2, "Winter page"))
    made = packs.supplement(packs.DispatchSupplement(MEETING, by="clerk", now=NOW))
    assert [(p.audience, p.version) for p in made] == [("public", 2)]
    public = made[0]
    # version 1 ended on page 6: the supplement starts on page 7
    assert public.pages == {"3": [1, 2], "5": [3, 6], "6": [7, 8]}
    assert public.items == [6]
    texts = pages_text(bytes(public.pdf))
    assert "SUPPLEMENTARY AGENDA" in texts[0] and "Winter pressures (Pages 7 - 8)" in texts[0]
    assert "Budget consultation" not in texts[0]
    assert [t.rsplit("Page ", 1)[-1] for t in texts[-2:]] == ["7", "8"]
    version1 = gm.Pack.objects.get(meeting=meeting, audience="public", version=1)
    assert version1.pages == {"3": [1, 2], "5": [3, 6]}  # unchanged
    assert (item(6).page_from, item(6).page_to) == (7, 8)


def test_a_supplement_is_refused_while_any_check_fails_and_the_new_item_can_be_put_right():
    """Walk defect 2: a report added after dispatch, numbered after exempt item 6, made the pack page
    say a problem stopped dispatch, yet the supplement went out. It is refused now, naming the
    problem; the item added since (not in the dispatched pack) can be edited or taken off."""
    from beacon.governance import services
    from beacon.governance.commands import EditItem, RemoveItem

    meeting = make_cabinet()
    packs.dispatch(packs.DispatchPack(MEETING, by="clerk", now=NOW))
    late = gm.AgendaItem.objects.create(meeting=meeting, number=7, title="Winter pressures",
                                        category=g.ItemCategory.REPORT, is_oral=True)
    wrong = ("item 6 (Property disposal) is exempt but numbered before unrestricted item 7: exempt items come after "
             "the unrestricted ones, under EXEMPT ITEMS")
    assert wrong in packs.pack_problems(meeting)
    with pytest.raises(packs.PackRefused) as caught:
        packs.supplement(packs.DispatchSupplement(MEETING, by="clerk", now=NOW))
    assert caught.value.problems == [wrong]
    assert gm.Pack.objects.filter(meeting=meeting).count() == 2  # version 1 only, public and members'
    # the item added since can be edited (here made exempt, with its reason) ...
    values = services.item_values(late)
    services.edit_item(EditItem(by="clerk", meeting=MEETING, number=7, title="Winter pressures", category="report",
                                is_oral=True, exempt=True, exempt_paragraph=3,
                                public_interest_reason="Disclosure would harm the negotiation",
                                exempt_reason="Commercial terms", opened=values))
    assert packs.pack_problems(meeting) == []
    # ... or taken off the agenda; an item of the dispatched pack cannot be
    services.remove_item(RemoveItem(by="clerk", meeting=MEETING, number=7))
    assert not gm.AgendaItem.objects.filter(meeting=meeting, number=7).exists()
    from beacon.governance.commands import GovernanceError
    with pytest.raises(GovernanceError, match="was in the pack dispatched"):
        services.remove_item(RemoveItem(by="clerk", meeting=MEETING, number=4))


def test_the_agenda_header_and_report_items_without_papers_are_checked():
    """Walk defect 4: no dispatch date, signatory or contact officer each stop dispatch; a report
    item with no paper that is not oral is named for the clerk to confirm (the reference meeting's
    item 5 went out so, its report to follow)."""
    meeting = make_cabinet()
    gm.Agenda.objects.filter(meeting=meeting).update(dispatch_date=None, signatory=None, contact_officer=None)
    gm.AgendaItem.objects.create(meeting=meeting, number=7, title="Winter pressures", category=g.ItemCategory.REPORT)
    gm.AgendaItem.objects.filter(meeting=meeting, number=6).update(number=8)
    gm.Paper.objects.filter(key=f"{MEETING}-06").update(item=8)
    assert refused() == [
        "the agenda has no dispatch date: record the date it is sent out (Manage the meeting, Agenda)",
        "the agenda has no signatory: record who signs it (Manage the meeting, Agenda)",
        'the agenda has no contact officer: record who to ask about it, printed as "Ask for" (Manage the meeting, '
        'Agenda)']
    assert packs.pack_warnings(meeting) == [
        "item 7 (Winter pressures) is a report but has no paper and is not marked oral: the agenda will list it without "
        "pages, and its report must follow in a supplement. Create or upload its paper, or mark the item oral, if it "
        "should not"]
    gm.AgendaItem.objects.filter(meeting=meeting, number=7).update(is_oral=True)
    assert packs.pack_warnings(meeting) == []


def test_a_supplement_before_dispatch_is_refused():
    make_cabinet()
    with pytest.raises(packs.PackRefused, match="has not been dispatched"):
        packs.supplement(packs.DispatchSupplement(MEETING, by="clerk", now=NOW))
