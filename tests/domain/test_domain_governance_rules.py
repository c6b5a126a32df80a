"""The governance rules shared by the importer, the pack and the minutes (governance.md §§5-12)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from beacon.domain import governance as g
from beacon.domain.governance_rules import (
    Name, PageRange, date_words, long_date, missing_numbers, next_minute_number, normalise_decision_no,
    page_range_problems, recommendations_differ, vote_count_problems,
)


def test_the_january_2023_ranges_are_right():
    assert page_range_problems([PageRange(3, 1, 6), PageRange(6, 7, 64), PageRange(7, 65, 134)]) == []


def test_a_range_not_starting_at_one_a_gap_and_an_overlap_are_each_named():
    problems = page_range_problems([PageRange(3, 2, 6), PageRange(6, 8, 64), PageRange(7, 60, 134)])
    assert problems == [
        "item 3: the first paper starts on page 2, not page 1",
        "item 6: pages 7 - 7 are in no item's range (a gap)",
        "item 7: pages 60 - 64 are also in an earlier item's range (an overlap)",
    ]


def test_a_range_ending_before_it_starts_is_named():
    assert page_range_problems([PageRange(3, 6, 1)]) == ["item 3: pages 6 - 1 end before they start"]


@given(st.lists(st.integers(min_value=1, max_value=80), min_size=1, max_size=12))
def test_contiguous_ranges_built_from_any_lengths_have_no_problems(lengths):
    ranges, first = [], 1
    for item, n in enumerate(lengths, start=1):
        ranges.append(PageRange(item, first, first + n - 1))
        first += n
    assert page_range_problems(ranges) == []


@given(st.lists(st.integers(min_value=1, max_value=80), min_size=2, max_size=12), st.data())
def test_shifting_any_one_range_is_always_found(lengths, data):
    ranges, first = [], 1
    for item, n in enumerate(lengths, start=1):
        ranges.append(PageRange(item, first, first + n - 1))
        first += n
    i = data.draw(st.integers(min_value=0, max_value=len(ranges) - 1))
    shift = data.draw(st.integers(min_value=1, max_value=5))
    r = ranges[i]
    ranges[i] = PageRange(r.item, r.first + shift, r.last + shift)
    assert page_range_problems(ranges) != []


def test_the_printed_range():
    assert PageRange(3, 1, 6).printed == "(Pages 1 - 6)"
    assert PageRange(3, 7, 7).printed == "(Page 7)"


def test_printed_vote_counts_must_equal_the_names_listed():
    names = {g.VoteChoice.FOR: ["a", "b"], g.VoteChoice.AGAINST: ["c"], g.VoteChoice.ABSTAIN: []}
    assert vote_count_problems({g.VoteChoice.FOR: 2, g.VoteChoice.AGAINST: 1, g.VoteChoice.ABSTAIN: 0}, names) == []
    assert vote_count_problems({g.VoteChoice.FOR: 3, g.VoteChoice.AGAINST: 1, g.VoteChoice.ABSTAIN: 0}, names) == [
        "For: the printed count is 3 but 2 names are listed"]
    assert vote_count_problems({g.VoteChoice.FOR: 2, g.VoteChoice.ABSTAIN: 0}, names) == [
        "Against: 1 named but no count printed"]


def test_not_applicable_decision_numbers_are_no_number():
    for printed in ("n/a", "N/A", " n/a ", "", None):
        assert normalise_decision_no(printed) is None
    assert normalise_decision_no(" 22/00105 ") == "22/00105"


def test_header_and_body_recommendations_are_compared_as_printed():
    assert recommendations_differ("Cabinet is asked to NOTE the Quarter 2 Performance Report.",
                                  "Cabinet is asked to NOTE the Quarter 2 Performance Report")
    assert not recommendations_differ("Cabinet Members are asked to NOTE the report.",
                                      "Cabinet Members are asked to  NOTE the report.")
    assert not recommendations_differ("", "anything")


def test_numbering_gaps_and_the_next_number():
    assert missing_numbers([1, 3, 4, 5, 6, 7, 8, 9]) == [2]
    assert missing_numbers([]) == []
    assert next_minute_number([]) == 1
    assert next_minute_number([101, 102, 103]) == 104


def test_the_printed_forms_of_a_name():
    hill = Name(title="Mr", initials="P M", surname="Hill", known_as="Mike", honours=("OBE",))
    assert hill.attendance == "Mr P M Hill, OBE"
    assert hill.full == "Mike Hill"
    assert hill.formal == "Mr Hill"
    watts = Name(forename="Benjamin", surname="Watts", known_as="Ben")
    assert watts.attendance == "Benjamin Watts"
    assert watts.full == "Benjamin Watts"


def test_dates_in_one_style():
    assert date_words(dt.date(2023, 1, 5)) == "5 January 2023"
    assert long_date(dt.date(2022, 12, 1)) == "Thursday, 1 December 2022"


def test_every_code_has_words_and_every_value_is_the_bundle_code():
    for enum in (g.BodyKind, g.RoleKind, g.MeetingType, g.MeetingStatus, g.Section, g.ItemCategory, g.PaperKind,
                 g.RecommendationVerb, g.PathwayRole, g.PathwayStatus, g.MinutesStatus, g.Numbering, g.OutcomeKind,
                 g.ResolutionVerb, g.ResolutionForm, g.ResolutionSource, g.AttendanceCategory, g.InterestType,
                 g.DeclarationAction, g.MotionKind, g.MotionOutcome, g.VoteChoice, g.ElectionOutcome):
        for member in enum:
            assert member.label and "_" not in member.label
    assert g.OutcomeKind.NONE.label == "No decision recorded"
    assert g.RoleKind.CHAIR.label == "Chairman"


def test_members_of_two_enums_with_one_value_keep_their_own_words():
    """"other" is a meeting type and an interest type: each reads its own words."""
    assert g.MeetingType.OTHER.label == "Other"
    assert g.InterestType.OTHER.label == "Other interest"
    assert g.ResolutionForm.RESOLVED.label == "Resolved"
