"""The cycle's pure rules (beacon.domain.cycle): which meeting suits a step, the order of a
route's steps, a skipped step leaving the route going straight on, document references, item
renumbering and the Schedule 12A checks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain import cycle as c

D = dt.date


def slot(key, body, day, status="scheduled"):
    return c.MeetingSlot(key, body, day, status)


# --- suitability ----------------------------------------------------------------------------
def test_a_meeting_suits_when_body_status_date_and_deadline_fit():
    step = c.RouteStep(1, "CABINET", 14)
    today = D(2022, 12, 1)
    assert c.unsuitable(slot("CAB-5", "CABINET", D(2023, 1, 5)), step, D(2022, 10, 1), today) is None
    assert "not a meeting of CABINET" in c.unsuitable(slot("GAC", "GAC", D(2023, 1, 5)), step, D(2022, 10, 1), today)
    assert "cancelled" in c.unsuitable(slot("X", "CABINET", D(2023, 1, 5), "cancelled"), step, D(2022, 10, 1), today)
    assert "before 6 January 2023" in c.unsuitable(slot("X", "CABINET", D(2023, 1, 5)), step, D(2023, 1, 6), today)
    # the agenda of 5 January goes out by 22 December: on 23 December it is too late
    assert c.unsuitable(slot("X", "CABINET", D(2023, 1, 5)), step, D(2022, 10, 1), D(2022, 12, 22)) is None
    assert c.unsuitable(slot("X", "CABINET", D(2023, 1, 5)), step, D(2022, 10, 1), D(2022, 12, 23)) == (
        "CABINET, 5 January 2023: its agenda had to be dispatched by 22 December 2022")
    # with the body's name, the meeting reads as people name it (walk defect 7: no keys, no ISO dates)
    named = c.MeetingSlot("CABINET-2023-01-05", "CABINET", D(2023, 1, 5), body_name="Cabinet")
    assert c.unsuitable(named, step, D(2022, 10, 1), D(2022, 12, 23)) == (
        "Cabinet, 5 January 2023: its agenda had to be dispatched by 22 December 2022")


days = st.integers(min_value=0, max_value=400).map(lambda n: D(2022, 4, 1) + dt.timedelta(days=n))
slots = st.lists(st.builds(slot, st.uuids().map(lambda u: u.hex[:6]), st.sampled_from(["CABINET", "GAC", "COUNCIL"]),
                           days, st.sampled_from(["scheduled", "scheduled", "held", "cancelled"])), max_size=12)


@settings(max_examples=200)
@given(slots, st.sampled_from(["CABINET", "GAC"]), st.integers(0, 30), days, days)
def test_next_suitable_is_the_earliest_meeting_that_suits(meetings, body, dispatch_days, not_before, today):
    step = c.RouteStep(1, body, dispatch_days)
    chosen = c.next_suitable(meetings, step, not_before, today)
    fitting = [s for s in meetings if s.body == body and s.status == "scheduled" and s.date >= not_before
               and s.date - dt.timedelta(days=dispatch_days) >= today]
    if not fitting:
        assert chosen is None
    else:
        assert chosen in fitting
        assert chosen.date == min(s.date for s in fitting)


@settings(max_examples=200)
@given(slots, days, days, st.dictionaries(st.sampled_from([1, 2, 3]), st.booleans(), max_size=2))
def test_a_route_is_planned_in_order_and_skipped_steps_hold_nothing_up(meetings, start, today, skipped):
    route = [c.RouteStep(1, "CABINET", 14), c.RouteStep(2, "GAC", 7), c.RouteStep(3, "COUNCIL", 10)]
    fixed = {n: c.Fixed(skipped=True) for n, yes in skipped.items() if yes}
    planned = c.plan_route(route, meetings, start, today, fixed)
    assert [p.step for p in planned] == [1, 2, 3]
    by_key = {s.key: s for s in meetings}
    last = start - dt.timedelta(days=1)
    waiting = False
    for p, step in zip(planned, route):
        if p.fixed:
            assert step.step in fixed
            continue
        if p.meeting is None:
            waiting = True
            assert p.reason
            continue
        assert not waiting, "a step after one with no meeting waits for it"
        s = by_key[p.meeting]
        assert c.unsuitable(s, step, last + dt.timedelta(days=1), today) is None
        assert s.date > last  # each step after the previous one's meeting
        assert p.deadline == s.date - dt.timedelta(days=step.dispatch_days)
        last = s.date


def test_a_cancelled_steps_route_goes_straight_on():
    meetings = [slot("CAB-1", "CABINET", D(2023, 1, 5), "cancelled"), slot("CAB-2", "CABINET", D(2023, 2, 9)),
                slot("GAC-1", "GAC", D(2023, 1, 24))]
    route = [c.RouteStep(1, "CABINET"), c.RouteStep(2, "GAC")]
    planned = c.plan_route(route, meetings, D(2022, 12, 1), D(2022, 12, 1), {1: c.Fixed(skipped=True)})
    assert planned[0].fixed and planned[1].meeting == "GAC-1"
    # without the skip, Cabinet takes the next scheduled meeting and G&A must come after it
    planned = c.plan_route(route, meetings, D(2022, 12, 1), D(2022, 12, 1))
    assert planned[0].meeting == "CAB-2" and planned[1].meeting is None and "no scheduled meeting of GAC" in planned[1].reason


def test_accepted_steps_keep_their_meeting_and_order_the_next():
    meetings = [slot("GAC-1", "GAC", D(2023, 1, 5)), slot("GAC-2", "GAC", D(2023, 3, 1))]
    route = [c.RouteStep(1, "CABINET"), c.RouteStep(2, "GAC")]
    planned = c.plan_route(route, meetings, D(2022, 12, 1), D(2022, 12, 1), {1: c.Fixed(D(2023, 1, 5))})
    assert planned[1].meeting == "GAC-2"


def test_a_route_numbering_a_step_twice_is_refused():
    with pytest.raises(c.CycleError):
        c.ordered([c.RouteStep(1, "A"), c.RouteStep(1, "B")])


def test_a_move_keeps_the_routes_order():
    step = c.RouteStep(2, "GAC", 14)
    gac = slot("GAC-1", "GAC", D(2023, 2, 1))
    assert c.move_problem(gac, step, D(2023, 1, 5), None, D(2022, 10, 1), D(2023, 1, 1)) is None
    assert "before 2 February 2023" in c.move_problem(gac, step, D(2023, 2, 1), None, D(2022, 10, 1), D(2023, 1, 1))
    assert "not before the next step" in c.move_problem(gac, step, None, D(2023, 2, 1), D(2022, 10, 1), D(2023, 1, 1))


# --- document references ----------------------------------------------------------------------
def test_document_references():
    q = c.parse_document_ref("qpr:2022/23 Q2")
    assert q.kind == "qpr" and q.quarter.number == 2 and not q.is_year_end and c.qpr_artefacts(q) == (c.QPR_QUARTERLY,)
    assert c.document_date(q) == D(2022, 10, 1)
    q4 = c.parse_document_ref("qpr:2022/23 Q4#2")
    assert q4.edition == 2 and c.qpr_artefacts(q4) == (c.QPR_QUARTERLY, c.QPR_YEAR_END)
    r = c.parse_document_ref("register:Governance & Audit Committee@2023-01-24")
    assert r.body == "Governance & Audit Committee" and c.document_date(r) == D(2023, 1, 24)
    for bad in ("", "qpr:", "qpr:2022 Q9", "register:Cabinet", "register:Cabinet@5/1/2023", "report:x", "qpr:2022/23 Q1#x"):
        with pytest.raises(c.CycleError):
            c.parse_document_ref(bad)


# --- items ----------------------------------------------------------------------------------
def test_renumber_moves_one_item_and_shifts_the_ones_between():
    assert c.renumber([1, 2, 3, 4, 5], 5, 2) == {1: 1, 5: 2, 2: 3, 3: 4, 4: 5}
    assert c.renumber([1, 2, 3], 1, 3) == {2: 1, 3: 2, 1: 3}
    assert c.renumber([1, 2, 3], 2, 99) == {1: 1, 3: 2, 2: 3}
    with pytest.raises(c.CycleError):
        c.renumber([1, 2], 3, 1)
    with pytest.raises(c.CycleError):
        c.renumber([1, 2], 1, 0)


@given(st.lists(st.integers(1, 40), min_size=1, max_size=15, unique=True), st.data())
def test_renumber_is_a_permutation_that_keeps_the_others_order(numbers, data):
    moving = data.draw(st.sampled_from(numbers))
    to = data.draw(st.integers(1, 60))
    out = c.renumber(numbers, moving, to)
    first = min(numbers)
    assert sorted(out) == sorted(numbers)
    assert sorted(out.values()) == list(range(first, first + len(numbers)))
    others = sorted(n for n in numbers if n != moving)
    assert sorted(others, key=out.get) == others
    if first <= to <= first + len(numbers) - 1:
        assert out[moving] == to


def test_exempt_items_cite_schedule_12a_and_the_public_interest():
    assert c.exempt_problems(False, None, "") == {}
    assert set(c.exempt_problems(True, None, "")) == {"exempt_paragraph", "public_interest_reason"}
    assert "not a paragraph" in c.exempt_problems(True, 8, "x")["exempt_paragraph"]
    assert c.exempt_problems(True, 3, "Commercial terms still under negotiation") == {}
    assert "only an exempt item" in c.exempt_problems(False, 3, "")["exempt_paragraph"]
    assert sorted(c.SCHEDULE_12A) == [1, 2, 3, 4, 5, 6, 7]


def test_section_texts_are_the_standard_ones():
    assert c.section_text("unrestricted", 0) == "During these items the meeting is likely to be open to the public"
    assert c.section_text("exempt", 0).startswith("At the time of preparing the agenda there were no exempt items")
    assert c.section_text("exempt", 1) == "During these items the meeting is likely NOT to be open to the public"
