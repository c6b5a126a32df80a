"""The pure rules of minutes (beacon.domain.minutes): cases from the 1 December 2022 minutes and
properties (hypothesis) of numbering, name lists, paragraphs, resolutions and the warnings."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from beacon.domain import minutes as r
from beacon.domain.governance import AttendanceCategory as A
from beacon.domain.governance import Numbering, RecommendationVerb, ResolutionVerb

DEC = dt.date(2022, 12, 1)


# --- cases ---------------------------------------------------------------------------------


def test_the_words_of_the_december_minutes():
    assert r.minutes_heading("Cabinet", "Council Chamber", DEC) == \
        "MINUTES of a meeting of the Cabinet held in the Council Chamber on Thursday, 1 December 2022."
    assert r.minutes_title(DEC) == "Minutes of the meeting held on 1 December 2022"
    assert r.apologies_statement([]) == "There were no apologies for absence."
    assert r.apologies_statement(["Mr A", "Mrs B"]) == "Apologies for absence were received from Mr A and Mrs B."
    assert r.name_list(["Mr R W Gough (Chairman)", "Mr P M Hill, OBE", "Mrs S Prendergast"]) == \
        "Mr R W Gough (Chairman), Mr P M Hill, OBE and Mrs S Prendergast"
    assert r.item_attendance_sentence([("Colin Finch", "Strategic Programme Manager (Infrastructure)"),
                                       ("Victoria Thistlewood", "Project Manager – Infrastructure")]) == (
        "Colin Finch (Strategic Programme Manager (Infrastructure)) and Victoria Thistlewood (Project Manager – "
        "Infrastructure) were in attendance for this item.")


def test_resolutions_proposed_by_recommendations():
    assert r.resolution_for("NOTE") == r.Proposed(ResolutionVerb.NOTE, "RESOLVED to note the report.")
    assert r.resolution_for("CONSIDER").text == \
        "RESOLVED to consider and endorse the recommendations as outlined in the report."
    assert r.resolution_for("APPROVE").verb is ResolutionVerb.APPROVE
    both = r.resolutions_for([("ENDORSE", "a"), ("NOTE", "b")])
    assert [p.text for p in both] == ["RESOLVED to endorse recommendation (a) as outlined in the report.",
                                      "RESOLVED to note recommendation (b) as outlined in the report."]


def test_the_verb_of_a_resolution_as_printed():
    cases = {
        "RESOLVED to note the content of the report and the actions already underway": ResolutionVerb.NOTE,
        "RESOLVED to consider and endorse the recommendations as outlined in the report.": ResolutionVerb.CONSIDER_AND_ENDORSE,
        "RESOLVED to approve the Kent and Medway Interim Integrated Care Strategy": ResolutionVerb.APPROVE,
        "RESOLVED that the minutes of the meeting held on the 29 September 2022 were a correct record and that they "
        "be signed by the Chair.": ResolutionVerb.APPROVE,
        "RESOLVED that Mr X be elected as Chairman.": ResolutionVerb.ELECT,
        "The report was noted.": ResolutionVerb.NOTE,
        "RESOLVED to agree the appointment.": ResolutionVerb.AGREE,
        "RESOLVED that the matter be deferred.": None,
    }
    for text, verb in cases.items():
        assert r.resolution_verb(text) == verb, text


def test_approval_resolutions():
    assert r.approval_resolution([DEC]) == ("RESOLVED that the minutes of the meeting held on 1 December 2022 were a "
                                            "correct record and that they be signed by the Chairman.")
    assert r.approval_resolution([DEC, DEC], "Chair").startswith("RESOLVED that the minutes of the meetings held on "
                                                                 "1 December 2022 were")
    assert r.noting_resolution("Scrutiny Panel", DEC) == \
        "RESOLVED that the minutes of the meeting of the Scrutiny Panel held on 1 December 2022 be noted."


def test_mr_love_speaks_but_is_not_present():
    present = tuple(r.AttendanceRow(p, A.PRESENT) for p in ("gough-r", "oakford-p"))
    facts = r.AttendanceFacts(present + (r.AttendanceRow("hammond-s", A.IN_ATTENDANCE_FOR_ITEM, 4),),
                              frozenset({"gough-r", "oakford-p", "love-r"}))
    minutes = [r.MinuteFacts(3, ("oakford-p", "love-r")), r.MinuteFacts(4, ("love-r", "hammond-s")),
               r.MinuteFacts(5, ("hammond-s",), voters=("gough-r", "love-r"))]
    warnings = r.attendance_warnings(facts, minutes, {"love-r": "Mr Love", "hammond-s": "Mrs Hammond"})
    assert [(w.minute_number, w.person) for w in warnings] == [(3, "love-r"), (4, "love-r"), (5, "hammond-s"),
                                                               (5, "love-r")]
    assert warnings[0].message.startswith("Minute 3: Mr Love spoke but is not recorded as present")
    assert warnings[3].message == "Minute 5: Mr Love voted but is not recorded as a member present at the meeting"


def test_a_running_series_continues():
    assert r.first_minute_number(Numbering.PER_MEETING, [40, 41]) == 1
    assert r.first_minute_number(Numbering.RUNNING, [40, 41]) == 42
    assert r.first_minute_number(Numbering.RUNNING, []) == 1


# --- properties ----------------------------------------------------------------------------

items = st.lists(st.integers(min_value=1, max_value=60), max_size=20)


@given(items, st.integers(min_value=1, max_value=500))
def test_minutes_run_on_without_a_gap_whatever_items_have_none(item_numbers, first):
    pairs = r.number_minutes(item_numbers, first)
    assert [n for n, _ in pairs] == list(range(first, first + len(set(item_numbers))))
    assert [i for _, i in pairs] == sorted(set(item_numbers))
    assert r.duplicate_numbers(n for n, _ in pairs) == []


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=30))
def test_duplicates_are_exactly_the_numbers_used_twice(numbers):
    assert r.duplicate_numbers(numbers) == sorted({n for n in numbers if numbers.count(n) > 1})


names = st.lists(st.text(alphabet="ABCDEFGHIJ abcdefghij,", min_size=1, max_size=12).map(str.strip).filter(bool),
                 max_size=8)


@given(names)
def test_a_name_list_keeps_every_name_in_order(listed):
    text = r.name_list(listed)
    position = 0
    for name in listed:
        found = text.find(name, position)
        assert found >= position
        position = found + len(name)
    if len(listed) >= 2:
        assert f" and {listed[-1]}" in text


@given(st.lists(st.text(alphabet="abc xyz.", min_size=1, max_size=20).filter(lambda s: s.strip(".").strip()), max_size=6))
def test_paragraphs_typed_come_back_numbered_consecutively(paragraphs):
    typed = "\n\n".join(paragraphs)
    back = r.paragraphs_of(typed)
    assert back == [" ".join(p.split()) for p in paragraphs if " ".join(p.split())]
    assert [n for n, _ in r.numbered(back)] == [f"{i}." for i in range(1, len(back) + 1)]


@given(st.lists(st.sampled_from(list(RecommendationVerb)), min_size=1, max_size=4))
def test_every_proposed_resolution_reads_back_as_its_verb(verbs):
    proposed = r.resolutions_for([(v, "") for v in verbs])
    assert len(proposed) == len(verbs)
    for p in proposed:
        assert p.text.startswith("RESOLVED to ")
        assert r.resolution_verb(p.text) is p.verb


people = st.sampled_from(["a", "b", "c", "d", "e"])


@given(st.sets(people), st.lists(st.tuples(st.integers(1, 5), st.lists(people, max_size=4)), max_size=5))
def test_a_speaker_is_warned_exactly_when_not_attending(present, minutes):
    facts = r.AttendanceFacts(tuple(r.AttendanceRow(p, A.PRESENT) for p in present))
    got = r.attendance_warnings(facts, [r.MinuteFacts(n, tuple(s)) for n, s in minutes], {})
    expected = sorted({(n, p) for n, s in minutes for p in s if p not in present})
    assert sorted({(w.minute_number, w.person) for w in got}) == expected
    assert all("spoke" in w.message for w in got)


def test_minutes_are_numbered_around_those_written_already():
    # the approval of the previous minutes was recorded as minute 4 (item 4) before the rest
    assert r.number_around([1, 2, 3, 5], 1, {4: 4}) == [(1, 1), (2, 2), (3, 3), (5, 5)]
    assert r.number_around([1, 2], 10, {}, taken=[10, 11]) == [(12, 1), (13, 2)]


@given(st.sets(st.integers(1, 30), max_size=12), st.dictionaries(st.integers(1, 30), st.integers(1, 60), max_size=4),
       st.integers(1, 40), st.sets(st.integers(1, 80), max_size=10))
def test_numbering_around_never_reuses_a_number(items, written, first, taken):
    written = {i: n for i, n in written.items() if list(written.values()).count(n) == 1}
    pairs = r.number_around([i for i in items if i not in written], first, written, taken)
    numbers = [n for n, _ in pairs]
    assert r.duplicate_numbers(numbers + list(written.values())) == []
    assert not set(numbers) & set(taken)
    assert numbers == sorted(numbers) and all(n >= first for n in numbers)
    assert sorted(i for _, i in pairs) == sorted(i for i in items if i not in written)


def test_members_present_substitute_or_also_present_may_vote_and_no_one_else():
    cats = A
    rows = tuple(r.AttendanceRow(p, c) for p, c in (
        ("a", cats.PRESENT), ("b", cats.SUBSTITUTE), ("c", cats.ALSO_PRESENT), ("d", cats.APOLOGIES),
        ("e", cats.IN_ATTENDANCE), ("f", cats.PRESENT)))
    facts = r.AttendanceFacts(rows, frozenset("abcde"))  # f is an officer, not a member
    assert facts.present_members() == {"a", "b", "c"}
