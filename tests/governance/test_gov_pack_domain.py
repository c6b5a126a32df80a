"""The pack's page rules (beacon.domain.packs): odd starts, padding, continuous numbering,
supplements, document references."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain import packs as rules
from beacon.domain.governance_rules import PageRange, page_range_problems


def test_the_january_2023_pack_is_laid_out_as_printed():
    # the minutes 5 pages + filler, the QPR 58, the register 69 + filler
    layout = rules.lay_out([rules.PaperPages(3, 5), rules.PaperPages(6, 58), rules.PaperPages(7, 69)])
    assert [r.printed for r in layout.ranges] == ["(Pages 1 - 6)", "(Pages 7 - 64)", "(Pages 65 - 134)"]
    assert layout.padded == (3, 7)
    assert layout.filler_pages() == (6, 134)
    assert layout.next_page == 135


@given(st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=15))
def test_every_paper_starts_on_an_odd_page_and_the_ranges_are_contiguous_from_one(lengths):
    layout = rules.lay_out([rules.PaperPages(i, n) for i, n in enumerate(lengths, start=1)])
    assert page_range_problems(layout.ranges) == []
    assert all(r.first % 2 == 1 and r.pages % 2 == 0 for r in layout.ranges)
    assert all(r.pages - n in (0, 1) for r, n in zip(layout.ranges, lengths))
    assert set(layout.padded) == {i for i, n in enumerate(lengths, start=1) if n % 2}


def test_papers_cannot_start_on_an_even_page_and_have_a_page():
    with pytest.raises(ValueError):
        rules.lay_out([rules.PaperPages(1, 2)], first_page=2)
    with pytest.raises(ValueError):
        rules.padding_after(0)


@given(st.integers(min_value=0, max_value=500))
def test_a_supplement_numbers_on_from_the_last_published_page_on_an_odd_page(last):
    first = rules.next_first_page(last)
    assert first > last and first % 2 == 1 and first - last <= 2


def test_a_supplement_that_renumbers_or_overlaps_a_published_page_is_named():
    published = [PageRange(3, 1, 6), PageRange(6, 7, 64)]
    assert rules.supplement_problems(published, [PageRange(8, 65, 70)]) == []
    assert rules.supplement_problems(published, [PageRange(6, 65, 70)]) == [
        "item 6: its paper was published as pages 7 - 64; a supplement cannot renumber it"]
    assert rules.supplement_problems(published, [PageRange(8, 63, 70)]) == [
        "item 8: page 63 is already published; the supplement's papers start after page 64"]


def test_times_and_names_as_the_papers_print_them():
    assert rules.time_words(dt.time(10, 0)) == "10.00 am"
    assert rules.time_words(dt.time(16, 30)) == "4.30 pm"
    assert rules.time_words(dt.time(12, 0)) == "12.00 noon"
    assert rules.joined(["Mr R W Gough (Chairman)", "Mr P M Hill, OBE", "Mrs S Prendergast"]) == (
        "Mr R W Gough (Chairman), Mr P M Hill, OBE and Mrs S Prendergast")
    assert rules.joined(["Mrs C Bell"]) == "Mrs C Bell"


def test_document_references():
    assert rules.parse_document_ref("qpr:2022/23 Q2") == rules.DocumentRef("qpr", period="2022/23 Q2")
    assert rules.parse_document_ref("qpr:2022/23 Q2#2").edition == 2
    ref = rules.parse_document_ref("register:Cabinet@2023-01-05")
    assert (ref.kind, ref.body, ref.date) == ("register", "Cabinet", dt.date(2023, 1, 5))
    assert rules.parse_document_ref("minutes:CABINET-2022-12-01").meeting == "CABINET-2022-12-01"
    for bad in ("qpr:", "register:Cabinet@2023-02-30", "report.pdf", "minutes:"):
        with pytest.raises(rules.DocumentRefError):
            rules.parse_document_ref(bad)
