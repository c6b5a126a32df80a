"""The pure rules of the public side: the Schedule 12A label, times in words, iCalendar escaping
and folding (RFC 5545), the Open Civic Data words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain.governance import MeetingStatus, MotionOutcome, VoteChoice
from beacon.domain.governance_public import (
    OCD_EVENT_STATUS, OCD_VOTE_OPTIONS, exemption_label, ical_document, ical_escape, ical_fold, ical_unfold, ical_utc,
    ocd_event_status, ocd_vote_option, ocd_vote_result, time_words)


def test_exemption_label_names_the_paragraph_and_its_words():
    assert exemption_label(3) == ("Exempt under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972: "
                                  "information relating to the financial or business affairs of any particular person "
                                  "(including the authority holding that information)")
    assert exemption_label(None) == "Exempt under Schedule 12A to the Local Government Act 1972"
    assert exemption_label(9) == "Exempt under paragraph 9 of Part 1 of Schedule 12A to the Local Government Act 1972"


@pytest.mark.parametrize("at, words", [
    (dt.time(10, 0), "10am"), (dt.time(16, 30), "4:30pm"), (dt.time(12, 0), "midday"), (dt.time(0, 0), "midnight"),
    (dt.time(12, 15), "12:15pm"), (dt.time(0, 5), "12:05am"), (None, "")])
def test_time_words(at, words):
    assert time_words(at) == words


def test_ical_escape():
    assert ical_escape("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"


def test_ical_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 80
    folded = ical_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert ical_unfold(folded) == [line]
    assert ical_fold("SHORT:x") == "SHORT:x"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=400))
def test_ical_fold_round_trips(value):
    line = "SUMMARY:" + value
    folded = ical_fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in folded.split("\r\n"))
    assert ical_unfold(folded) == [line]


def test_ical_document_ends_every_line_with_crlf():
    assert ical_document(["BEGIN:VCALENDAR", "END:VCALENDAR"]) == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_ical_utc():
    from zoneinfo import ZoneInfo

    assert ical_utc(dt.datetime(2023, 6, 15, 14, 30, tzinfo=ZoneInfo("Europe/London"))) == "20230615T133000Z"


def test_ocd_words():
    assert {ocd_event_status(s) for s in MeetingStatus} <= set(OCD_EVENT_STATUS)
    assert ocd_event_status("held") == "passed" and ocd_event_status("cancelled") == "cancelled"
    assert ocd_event_status("scheduled") == "confirmed"
    assert [ocd_vote_option(c) for c in VoteChoice] == ["yes", "no", "abstain"]
    assert set(ocd_vote_option(c) for c in VoteChoice) <= set(OCD_VOTE_OPTIONS)
    assert ocd_vote_result(MotionOutcome.CARRIED) == "pass" and ocd_vote_result("agreed_unanimously") == "pass"
    assert ocd_vote_result("lost") == "fail" and ocd_vote_result("withdrawn") is None
