"""The minutes service (beacon.governance.minutes): started from the agenda, attendance, a minute
written and merged or refused when two clerks save, recorded votes whose counts must equal the
names, the speaker warning, placing on the next meeting, approval and the freeze, one resolution
for two meetings held the same day, and a subsidiary body's minutes noted by its parent."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.core.audit import history_of
from beacon.core.models import Revision
from beacon.core.stale import StaleEdit
from beacon.governance import minutes as svc
from beacon.governance import models as gm

from gov_minutes_support import PRESENT, TODAY, make_cabinet

DEC = "CABINET-2022-12-01"
JAN = "CABINET-2023-01-05"


@pytest.fixture
def cab(db, clock):
    clock.set(TODAY)
    return make_cabinet()


def _start(**kw):
    return svc.start_minutes(svc.StartMinutes(DEC, "clerk", **kw))


def _attend(meeting=DEC, chair="gough-r", extra=(), opened=None):
    entries = tuple(svc.AttendanceEntry(p, "present") for p in PRESENT) + tuple(extra)
    return svc.save_attendance(svc.SaveAttendance(meeting, "clerk", entries, chair=chair, opened=opened))


def _save(number, opened=None, **changes):
    minute = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=number)
    values = svc.minute_values(minute)
    fields = dict(title=values["title"], new_number=number,
                  item_number=int(values["item_number"]) if values["item_number"] else None,
                  paragraphs=tuple(p for p in values["paragraphs"].split("\n\n") if p),
                  outcome_kind=values["outcome_kind"], outcome=values["outcome"],
                  speakers=tuple(s for s in values["speakers"].split("\n") if s),
                  officers=tuple(tuple(line.split("|", 1)) for line in values["officers"].split("\n") if line))
    fields.update(changes)
    return svc.save_minute(svc.SaveMinute(DEC, number, "clerk", opened=opened, **fields))


def test_started_from_the_agenda_with_resolutions_from_the_recommendations(cab):
    minutes = _start()
    assert minutes.status == "draft" and minutes.numbering == "per_meeting"
    assert minutes.heading == "MINUTES of a meeting of the Cabinet held in the Council Chamber on Thursday, 1 December 2022."
    items = {m.minute_number: m for m in gm.MinuteItem.objects.filter(meeting__key=DEC)}
    assert [(n, m.item_number) for n, m in sorted(items.items())] == [(n, n) for n in range(1, 8)]
    assert (items[1].outcome_kind, items[1].outcome) == ("statement", "There were no apologies for absence.")
    assert (items[2].outcome_kind, items[2].outcome) == ("statement", "There were no declarations of interest.")
    assert items[4].outcome_kind == "none"
    assert items[5].outcome == "RESOLVED to note the report."
    assert items[6].outcome == "RESOLVED to consider and endorse the recommendations as outlined in the report."
    res = gm.Resolution.objects.get(meeting__key=DEC, minute_number=7)
    assert (res.verb, res.source, res.paper.key) == ("approve", "report", "CABINET-2022-12-01-07")


def test_a_standing_item_left_out_leaves_a_gap_in_the_items_not_the_minutes(cab):
    _start(item_numbers=(1, 3, 4, 5))
    pairs = list(gm.MinuteItem.objects.filter(meeting__key=DEC).values_list("minute_number", "item_number"))
    assert pairs == [(1, 1), (2, 3), (3, 4), (4, 5)]
    assert svc.minutes_view(DEC).items_without_minutes == (2, 6, 7)


def test_a_running_series_continues_from_the_bodys_previous_minutes(cab):
    svc.start_minutes(svc.StartMinutes(DEC, "clerk", numbering="running", first_number=40))
    svc.start_minutes(svc.StartMinutes(JAN, "clerk", numbering="running"))
    assert list(gm.MinuteItem.objects.filter(meeting__key=JAN).values_list("minute_number", flat=True)) == [47, 48, 49, 50]
    # a number already used in the series is refused
    with pytest.raises(svc.MinutesError) as exc:
        svc.save_minute(svc.SaveMinute(JAN, 47, "clerk", title="Apologies", new_number=46, item_number=1, paragraphs=(),
                                       outcome_kind="statement", outcome="There were no apologies for absence."))
    assert exc.value.field_errors["number"] == "minute 46 is already used in this series"


def test_a_future_or_cancelled_meeting_has_no_minutes(cab, clock):
    clock.set("2022-11-30")
    with pytest.raises(svc.MinutesError, match="has not been held yet"):
        _start()


def test_attendance_marks_the_chair_and_the_apologies_statement_follows(cab):
    _start()
    _attend(extra=[svc.AttendanceEntry("love-r", "apologies")])
    view = svc.minutes_view(DEC)
    assert view.lists[0] == ("PRESENT", "Mr R W Gough (Chairman), Mrs C Bell, Mr D L Brazier, Miss S J Carey, "
                                        "Mrs S Chandler, Mr P M Hill, OBE, Mr D Murphy, Mr P J Oakford and Mrs S Prendergast")
    assert ("APOLOGIES", "Mr R Love") in view.lists
    assert gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=1).outcome == \
        "Apologies for absence were received from Mr R Love."
    assert gm.Meeting.objects.get(key=DEC).presiding.key == "gough-r"
    _attend()  # apologies withdrawn: the statement goes back
    assert gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=1).outcome == "There were no apologies for absence."
    love = gm.Attendance.objects.filter(meeting__key=DEC, person__key="love-r")
    assert not love.exists()


def test_the_chair_must_be_present(cab):
    _start()
    with pytest.raises(svc.MinutesError) as exc:
        _attend(chair="love-r")
    assert "must be marked present" in exc.value.field_errors["chair"]


def test_a_speaker_not_attending_is_warned_not_refused(cab):
    _start()
    _attend()
    _save(4, paragraphs=("Mr Oakford introduced the report.", "Mr Love spoke."), speakers=("oakford-p", "love-r"))
    view = svc.minutes_view(DEC)
    assert view.warnings == ("Minute 4: Mr R Love spoke but is not recorded as present, also present or in "
                             "attendance for the meeting or this item",)
    # an officer in attendance for the item may speak without a warning
    _save(5, speakers=("hammond-s",), officers=(("hammond-s", "Corporate Director, Children's Young People and Education"),))
    view = svc.minutes_view(DEC)
    assert len(view.warnings) == 1
    five = view.minutes[4]
    assert five.attendance == ("Sarah Hammond (Corporate Director, Children's Young People and Education) was in "
                               "attendance for this item.")


def test_a_minute_keeps_history_and_numbers_its_paragraphs(cab):
    _start()
    minute = _save(4, paragraphs=("1. First.", "Second."), outcome_kind="noted", outcome="The report was noted.")
    assert minute.text == ["First.", "Second."] and minute.paragraphs == 2
    assert svc.minutes_view(DEC).minutes[3].paragraphs == (("1.", "First."), ("2.", "Second."))
    fields = set(history_of(minute).values_list("field", flat=True))
    assert {"text", "outcome_kind", "outcome"} <= fields
    res = gm.Resolution.objects.get(meeting__key=DEC, minute_number=4)
    assert (res.verb, res.form) == ("note", "noted")


def test_an_outcome_without_a_verb_is_refused_naming_the_field(cab):
    _start()
    with pytest.raises(svc.MinutesError) as exc:
        _save(5, outcome="RESOLVED that the matter be deferred.")
    assert "says none of note, approve" in exc.value.field_errors["outcome"]
    with pytest.raises(svc.MinutesError) as exc:
        _save(4, outcome="Something")
    assert "no decision recorded has no outcome text" in exc.value.field_errors["outcome"]


def test_two_clerks_at_once_are_merged_or_refused(cab):
    _start()
    opened = svc.minute_values(gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4))
    _save(4, opened=opened, paragraphs=("Mr Oakford introduced the report.",))
    # the second clerk changed only the title: merged, the paragraphs kept
    minute = _save(4, opened=opened, title="Budget Monitoring", paragraphs=())
    assert minute.title == "Budget Monitoring" and minute.text == ["Mr Oakford introduced the report."]
    # a third changed the paragraphs too, from the same view: refused, nothing saved
    with pytest.raises(StaleEdit) as exc:
        _save(4, opened=opened, paragraphs=("Something else.",))
    assert "Paragraphs was blank when you opened the form" in exc.value.field_errors["paragraphs"]
    assert gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4).text == ["Mr Oakford introduced the report."]


def test_two_clerks_recording_attendance_are_merged(cab):
    _start()
    opened = svc.attendance_values(gm.Meeting.objects.get(key=DEC))
    _attend(opened=opened)
    # another page, opened before, adds Mr Love as also present and leaves the others as it found them
    entries = (svc.AttendanceEntry("love-r", "also_present"),)
    svc.save_attendance(svc.SaveAttendance(DEC, "clerk2", entries, chair="", opened=opened))
    cats = dict(gm.Attendance.objects.filter(meeting__key=DEC).values_list("person__key", "category"))
    assert cats["love-r"] == "also_present" and cats["gough-r"] == "present" and len(cats) == 10


def test_a_recorded_vote_whose_count_is_wrong_is_refused_naming_the_difference(cab):
    _start()
    _attend()
    cmd = dict(proposer="oakford-p", seconder="hill-p", text="That the strategy be approved.", outcome="carried",
               recorded_vote=True, votes_for=("gough-r", "bell-c", "carey-s"), votes_against=("murphy-d",),
               for_count=4, against_count=1, abstain_count=0)
    with pytest.raises(svc.MinutesError) as exc:
        svc.record_motion(svc.RecordMotion(DEC, 7, "clerk", **cmd))
    assert exc.value.field_errors == {"for_count": "the printed count is 4 but 3 names are listed"}
    assert not gm.Motion.objects.exists()
    motion = svc.record_motion(svc.RecordMotion(DEC, 7, "clerk", **{**cmd, "for_count": 3}))
    assert motion.key == "CABINET-2022-12-01-M7"
    assert motion.votes.count() == 4
    view = svc.minutes_view(DEC)
    mv = view.minutes[6].motions[0]
    assert mv.moved == "Mr Oakford proposed, and Mr Hill seconded, the motion:"  # its words begin "That"
    assert mv.votes[0] == svc.VoteList("For", 3, ("Mr Gough", "Mrs Bell", "Miss Carey"))


def test_a_voter_not_recorded_present_is_refused_at_their_list(cab):
    _start()
    _attend(extra=(svc.AttendanceEntry("love-r", "apologies"),))
    assert "love-r" not in {p.key for p in svc.voters_present(cab["december"])}
    cmd = dict(proposer="oakford-p", seconder="hill-p", text="That the strategy be approved.", outcome="carried",
               recorded_vote=True, votes_for=("gough-r",), votes_abstain=("love-r",),
               for_count=1, against_count=0, abstain_count=1)
    with pytest.raises(svc.MinutesError) as exc:
        svc.record_motion(svc.RecordMotion(DEC, 7, "clerk", **cmd))
    assert exc.value.field_errors == {"votes_abstain": "Mr R Love is not recorded as a member present at the meeting: "
                                                       "record the attendance first"}
    assert not gm.Motion.objects.exists()


def test_the_motion_reads_that_once():
    plain = svc.MotionView("k", "Motion", "Mr A", "", "the report be noted.", "Carried", False, ())
    assert plain.moved == "Mr A proposed the motion that:"
    that = svc.MotionView("k", "Motion", "Mr A", "Mr B", "That the report be noted.", "Carried", False, ())
    assert that.moved == "Mr A proposed, and Mr B seconded, the motion:"


def test_placed_on_the_next_meeting_as_its_first_paper(cab):
    _start()
    paper = svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    assert (paper.key, paper.kind, paper.source, paper.document_ref) == (
        "CABINET-2023-01-05-04", "minutes", "minutes", "minutes:CABINET-2022-12-01")
    assert paper.subject == "Minutes of the meeting held on 1 December 2022"
    items = list(gm.AgendaItem.objects.filter(meeting__key=JAN).values_list("number", "title", "category"))
    assert items == [(1, "Apologies", "standing"), (2, "Declarations of Interest", "standing"),
                     (3, "Cabinet Member Updates", "standing"),
                     (4, "Minutes of the meeting held on 1 December 2022", "minutes"),
                     (5, "Quarterly Performance Report (Quarter 2 2022/23)", "report")]
    minutes_item = gm.AgendaItem.objects.get(meeting__key=JAN, category="minutes")
    assert minutes_item.paper == paper and minutes_item.number == 4
    assert gm.AgendaItem.objects.get(meeting__key=JAN, number=5).title.startswith("Quarterly Performance")
    assert gm.Minutes.objects.get(meeting__key=DEC).printed_as_paper == paper
    assert svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk")) == paper  # once


def test_an_existing_minutes_item_takes_the_paper(cab):
    jan = cab["january"]
    gm.AgendaItem.objects.filter(meeting=jan, number=3).update(category="minutes", title="Minutes of the meeting held on 1 December 2022")
    _start()
    paper = svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    assert paper.item == 3 and gm.AgendaItem.objects.filter(meeting=jan).count() == 4


def test_approved_then_frozen(cab, clock):
    _start()
    svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    # the minutes are item 4 of January's agenda; its minutes are not started: item 4's minute is 4
    assert svc.approving_minute(cab["december"], cab["january"]) == svc.ApprovingMinute(
        JAN, "Cabinet, 5 January 2023", 4, 4, False)
    for wrong in (3, 99):  # any other number is refused at its field, and nothing is written
        with pytest.raises(svc.MinutesError) as exc:
            svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, wrong, "clerk"))
        assert exc.value.field_errors == {"minute_number": (
            "the approval is recorded in minute 4 of Cabinet, 5 January 2023, the minute of agenda item 4 that "
            "carries these minutes")}
    assert not gm.MinuteItem.objects.filter(meeting__key=JAN).exists()
    assert gm.Minutes.objects.get(meeting__key=DEC).frozen_at is None
    minutes = svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))
    assert (minutes.status, minutes.approved_at_meeting.key, minutes.approved_at_minute) == ("approved", JAN, 4)
    assert minutes.signed_by.key == "gough-r" and minutes.frozen_at is not None
    res = gm.Resolution.objects.get(meeting__key=JAN, minute_number=4)
    assert res.text == ("RESOLVED that the minutes of the meeting held on 1 December 2022 were a correct record and "
                        "that they be signed by the Chairman.")
    assert (res.verb, res.source) == ("approve", "procedural")
    minute = gm.MinuteItem.objects.get(meeting__key=JAN, minute_number=4)
    assert minute.item_number == 4 and minute.outcome_kind == "resolved"
    for edit in (lambda: _save(4, title="Changed"), lambda: _attend(), _start_again,
                 lambda: svc.record_motion(svc.RecordMotion(DEC, 4, "clerk", proposer="gough-r", text="x", outcome="carried")),
                 lambda: svc.remove_minute(svc.RemoveMinute(DEC, 4, "clerk")),
                 lambda: svc.record_declaration(svc.RecordDeclaration(DEC, "clerk", "gough-r")),
                 lambda: svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))):
        with pytest.raises(svc.MinutesFrozen):
            edit()
    assert gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4).title.startswith("Revenue")


def _start_again():
    # starting again returns the minutes as they are; editing them is what is refused
    svc.save_attendance(svc.SaveAttendance(DEC, "clerk", ()))


def test_one_resolution_approves_two_meetings_held_the_same_day(cab):
    cabinet = cab["cabinet"]
    second = gm.Meeting.objects.create(key="CABINET-2022-12-01-B", body=cabinet, date=dt.date(2022, 12, 1), status="held")
    _start()
    svc.start_minutes(svc.StartMinutes(second.key, "clerk"))
    paper = svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    gm.Minutes.objects.filter(meeting=second).update(printed_as_paper=paper)  # one paper carries both
    svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))
    svc.approve_minutes(svc.ApproveMinutes(second.key, JAN, 4, "clerk"))
    res = list(gm.Resolution.objects.filter(meeting__key=JAN, minute_number=4))
    assert len(res) == 1
    assert res[0].text.startswith("RESOLVED that the minutes of the meetings held on 1 December 2022 were a correct record")
    assert set(gm.Minutes.objects.filter(approved_at_minute=4).values_list("meeting__key", flat=True)) == {DEC, second.key}


def test_approval_needs_the_approving_meeting_held_with_its_chair_and_its_own_body(cab, clock):
    _start()
    later = "CABINET-2023-02-02"
    svc.place_minutes(svc.PlaceMinutes(DEC, later, "clerk"))
    number = svc.approving_minute(cab["december"], cab["later"]).minute_number
    with pytest.raises(svc.MinutesError) as exc:  # 2 February 2023 has not come (today is 20 January)
        svc.approve_minutes(svc.ApproveMinutes(DEC, later, number, "clerk"))
    assert exc.value.field_errors == {"at_meeting": "the meeting of Cabinet, 2 February 2023 has not been held yet: "
                                                    "record the approval after it has met"}
    clock.set("2023-02-10")
    with pytest.raises(svc.MinutesError) as exc:
        svc.approve_minutes(svc.ApproveMinutes(DEC, later, number, "clerk"))
    assert "record who chaired the meeting of Cabinet, 2 February 2023" in exc.value.field_errors["at_meeting"]
    with pytest.raises(svc.MinutesError) as exc:  # January has not got these minutes on its agenda
        svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))
    assert "not on the agenda of Cabinet, 5 January 2023" in exc.value.field_errors["at_meeting"]
    council = gm.Body.objects.create(code="COUNCIL", name="County Council", kind="full_council")
    gm.Meeting.objects.create(key="COUNCIL-2023-01-10", body=council, date=dt.date(2023, 1, 10), status="held",
                              presiding=cab["people"]["hill-p"])
    with pytest.raises(svc.MinutesError, match="approved by a meeting of the Cabinet"):
        svc.approve_minutes(svc.ApproveMinutes(DEC, "COUNCIL-2023-01-10", 2, "clerk"))


def test_a_subsidiary_bodys_minutes_are_approved_by_it_then_noted_by_its_parent(cab):
    people = cab["people"]
    cabinet = cab["cabinet"]
    panel = gm.Body.objects.create(code="PANEL", name="Scrutiny Panel", kind="panel", parent=cabinet)
    one = gm.Meeting.objects.create(key="PANEL-2022-11-01", body=panel, date=dt.date(2022, 11, 1), status="held")
    two = gm.Meeting.objects.create(key="PANEL-2022-12-06", body=panel, date=dt.date(2022, 12, 6), status="held",
                                    presiding=people["carey-s"])
    svc.start_minutes(svc.StartMinutes(one.key, "clerk"))
    with pytest.raises(svc.MinutesError, match="approved by that body before its parent notes them"):
        svc.place_minutes(svc.PlaceMinutes(one.key, JAN, "clerk"))
    with pytest.raises(svc.MinutesError, match="its parent notes them"):
        svc.approve_minutes(svc.ApproveMinutes(one.key, JAN, 5, "clerk"))
    svc.place_minutes(svc.PlaceMinutes(one.key, two.key, "clerk"))
    svc.approve_minutes(svc.ApproveMinutes(one.key, two.key, 1, "clerk"))
    paper = svc.place_minutes(svc.PlaceMinutes(one.key, JAN, "clerk"))
    item = gm.AgendaItem.objects.get(paper=paper)
    assert item.category == "minutes_for_noting"
    assert paper.subject == "Minutes of the meeting of the Scrutiny Panel held on 1 November 2022"
    minutes = svc.note_minutes(svc.NoteMinutes(one.key, JAN, 6, "clerk"))
    assert (minutes.noted_at_meeting.key, minutes.noted_at_minute) == (JAN, 6)
    res = gm.Resolution.objects.get(meeting__key=JAN, minute_number=6)
    assert res.text == "RESOLVED that the minutes of the meeting of the Scrutiny Panel held on 1 November 2022 be noted."
    assert res.verb == "note"


def test_declarations_change_the_statement(cab):
    _start()
    _attend()
    decl = svc.record_declaration(svc.RecordDeclaration(DEC, "clerk", "bell-c", item_number=7,
                                                        interest_type="other_significant", action="withdrew"))
    minute = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=2)
    assert minute.outcome == ("Mrs C Bell declared an other significant interest in item 7 and withdrew from the "
                              "meeting for that item.")
    assert decl.minute_number == 2
    svc.remove_declaration(svc.RemoveDeclaration(DEC, decl.pk, "clerk"))
    minute.refresh_from_db()
    assert minute.outcome == "There were no declarations of interest."


def test_an_item_moved_down_keeps_its_paper_and_the_minutes_paper_takes_a_fresh_key(cab):
    jan = cab["january"]
    qpr = gm.Paper.objects.create(key="CABINET-2023-01-05-04", meeting=jan, item=4, subject="Quarterly Performance Report")
    gm.AgendaItem.objects.filter(meeting=jan, number=4).update(paper=qpr)
    _start()
    paper = svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    assert paper.key == "CABINET-2023-01-05-04-minutes" and paper.item == 4
    qpr.refresh_from_db()
    assert qpr.item == 5 and gm.AgendaItem.objects.get(meeting=jan, number=5).paper == qpr
    assert "item" in set(history_of(qpr).values_list("field", flat=True))


def test_a_dispatched_agenda_is_not_renumbered(cab):
    gm.Pack.objects.create(meeting=cab["january"], title="pack", page_count=1, pdf=b"", html="", sha256="x",
                           dispatched_by="clerk", dispatched_at=dt.datetime(2022, 12, 22, tzinfo=dt.timezone.utc))
    _start()
    with pytest.raises(svc.MinutesError, match="the pack of Cabinet, 5 January 2023 has been dispatched"):
        svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    assert not gm.Paper.objects.filter(document_ref=f"minutes:{DEC}").exists()


def test_the_public_reading_leaves_out_exempt_items(cab):
    gm.AgendaItem.objects.filter(meeting=cab["december"], number=6).update(section="exempt")
    _start()
    view = svc.minutes_view(DEC)
    assert [(m.number, m.exempt) for m in view.minutes][-2:] == [(7, False), (6, True)]  # under EXEMPT ITEMS
    assert [m.number for m in svc.minutes_view(DEC, public=True).minutes] == [1, 2, 3, 4, 5, 7]


def test_voters_who_share_a_surname_are_printed_with_initials(cab):
    gm.Person.objects.create(key="gough-x", title="Mr", initials="X", surname="Gough", is_member=True)
    assert svc.rules_name(cab["people"]["gough-r"]) == "Mr R W Gough"
    assert svc.rules_name(cab["people"]["bell-c"]) == "Mrs Bell"


def test_the_approving_minute_recorded_first_keeps_its_number_when_the_minutes_are_started(cab):
    _start()
    svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))  # item 4 of January
    svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))
    svc.start_minutes(svc.StartMinutes(JAN, "clerk"))
    pairs = list(gm.MinuteItem.objects.filter(meeting__key=JAN).values_list("minute_number", "item_number"))
    assert pairs == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert gm.MinuteItem.objects.get(meeting__key=JAN, minute_number=4).outcome.startswith(
        "RESOLVED that the minutes of the meeting held on 1 December 2022")


def test_an_amendment_is_a_child_motion(cab):
    _start()
    motion = svc.record_motion(svc.RecordMotion(DEC, 6, "clerk", proposer="oakford-p", text="That the guide be endorsed.",
                                                outcome="carried"))
    with pytest.raises(svc.MinutesError) as exc:
        svc.record_motion(svc.RecordMotion(DEC, 6, "clerk", proposer="hill-p", text="Add the words ...",
                                           outcome="lost", kind="amendment"))
    assert exc.value.field_errors == {"parent": "choose the motion this amends"}
    amendment = svc.record_motion(svc.RecordMotion(DEC, 6, "clerk", proposer="hill-p", text="Add the words ...",
                                                   outcome="lost", kind="amendment", parent_key=motion.key))
    assert amendment.key == "CABINET-2022-12-01-M6-A1" and amendment.parent == motion
    assert svc.minutes_view(DEC).minutes[5].motions[1].outcome == "Motion lost."
    with pytest.raises(svc.MinutesError, match="has amendments"):
        svc.remove_motion(svc.RemoveMotion(DEC, motion.key, "clerk"))
    svc.remove_motion(svc.RemoveMotion(DEC, amendment.key, "clerk"))
    assert gm.Motion.objects.count() == 1


def test_a_minute_removed_leaves_its_item_without_a_minute_and_the_others_numbers_alone(cab):
    _start()
    svc.remove_minute(svc.RemoveMinute(DEC, 2, "clerk"))
    view = svc.minutes_view(DEC)
    assert [m.number for m in view.minutes] == [1, 3, 4, 5, 6, 7] and view.items_without_minutes == (2,)
    removed = Revision.objects.filter(
        entity="minute", key=f"{DEC} 2", field="title")
    assert removed.last().new_value == ""  # the history says it went


def test_the_minutes_go_to_a_later_meeting_of_their_own_body(cab):
    _start()
    council = gm.Body.objects.create(code="COUNCIL", name="County Council", kind="full_council")
    gm.Meeting.objects.create(key="COUNCIL-2023-01-10", body=council, date=dt.date(2023, 1, 10), status="scheduled")
    with pytest.raises(svc.MinutesError, match="go to a later meeting of the Cabinet"):
        svc.place_minutes(svc.PlaceMinutes(DEC, "COUNCIL-2023-01-10", "clerk"))
    earlier = gm.Meeting.objects.create(key="CABINET-2022-11-01", body=cab["cabinet"], date=dt.date(2022, 11, 1),
                                        status="held")
    with pytest.raises(svc.MinutesError, match="is not after"):
        svc.place_minutes(svc.PlaceMinutes(DEC, earlier.key, "clerk"))


@pytest.mark.parametrize("imported", [{"status": "approved"}, {"approved_at_meeting_key": JAN}])
def test_imported_approved_minutes_are_approved_and_read_only(cab, imported):
    _start()
    values = {"status": imported.get("status", "draft"), "frozen_at": None}
    if "approved_at_meeting_key" in imported:
        values |= {"approved_at_meeting": cab["january"], "approved_at_minute": 4}
    gm.Minutes.objects.filter(meeting__key=DEC).update(**values)  # as the importer leaves them: not frozen by Beacon
    minutes = gm.Minutes.objects.get(meeting__key=DEC)
    assert svc.is_approved(minutes)
    view = svc.minutes_view(DEC)
    assert view.frozen and view.status == "approved" and view.status_label == "Approved"
    with pytest.raises(svc.MinutesFrozen):
        _save(4, title="Changed")
    with pytest.raises(svc.MinutesFrozen):
        svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))


def test_the_public_reading_hides_an_item_with_an_exempt_paper_as_the_meeting_page_does(cab):
    paper = gm.Paper.objects.get(key="CABINET-2022-12-01-06")
    gm.Paper.objects.filter(pk=paper.pk).update(classification="exempt")
    _start()
    assert 6 not in [m.number for m in svc.minutes_view(DEC, public=True).minutes]
    assert 6 in [m.number for m in svc.minutes_view(DEC).minutes]


def test_messages_name_meetings_in_words(cab):
    _start()
    with pytest.raises(svc.MinutesError) as exc:
        svc.place_minutes(svc.PlaceMinutes(DEC, DEC, "clerk"))
    assert str(exc.value) == "Place the minutes: Cabinet, 1 December 2022 is not after Cabinet, 1 December 2022"
    svc.place_minutes(svc.PlaceMinutes(DEC, JAN, "clerk"))
    svc.approve_minutes(svc.ApproveMinutes(DEC, JAN, 4, "clerk"))
    with pytest.raises(svc.MinutesFrozen) as exc:
        _save(4, title="Changed")
    assert exc.value.message == ("The minutes of Cabinet, 1 December 2022 were approved at Cabinet, 5 January 2023, "
                                 "minute 4 and are frozen: nothing can be changed")
    assert svc.minutes_view(DEC).approved == ("Approved as a correct record at the meeting of Cabinet, 5 January 2023, "
                                              "minute 4; signed by Mr R W Gough.")


def test_a_minutes_history_reads_in_words(cab):
    _start()
    _attend()
    _save(4, outcome_kind="noted", outcome="RESOLVED to note the report.", speakers=("oakford-p", "love-r"))
    minute = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4)
    rows = {r.field: r for r in (svc.history_row(x) for x in history_of(minute))}
    assert rows["Outcome"].new_value == "Noted"
    assert rows["Speakers"].new_value == "Mr P J Oakford and Mr R Love"
    assert "outcome_kind" not in rows and "speakers" not in rows
