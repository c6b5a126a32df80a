"""The clerk's services (beacon.governance.services): bodies, people, roles, meetings, agendas,
items, cancellation and pathways, each change with its history."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clerk_fixtures import BY, make_governance  # noqa: E402

from beacon.core import audit  # noqa: E402
from beacon.core.stale import StaleEdit  # noqa: E402
from beacon.domain import governance as g  # noqa: E402
from beacon.governance import models as m  # noqa: E402
from beacon.governance import services  # noqa: E402
from beacon.governance.commands import (  # noqa: E402
    AddItem,
    AddMeeting,
    AddPathwayStep,
    AssignRole,
    CancelMeeting,
    EditItem,
    EditMeeting,
    EndRole,
    GovernanceError,
    MarkHeld,
    MoveItem,
    SaveAgenda,
    SaveBody,
    SkipPathwayStep,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(clock):
    clock.set("2022-12-01")
    return make_governance()


def test_a_meeting_is_added_with_its_key_agenda_standing_items_and_history(gov):
    mt = m.Meeting.objects.get(key="CABINET-2023-01-05")
    assert mt.status == "scheduled" and mt.venue == "Council Chamber" and mt.start_time == dt.time(10)
    assert [(i.number, i.title, i.category) for i in mt.items.all()] == [
        (1, "Apologies", "standing"), (2, "Declarations of Interest", "standing")]
    assert mt.agenda.unrestricted_note == "During these items the meeting is likely to be open to the public"
    assert mt.agenda.exempt_note.startswith("At the time of preparing the agenda there were no exempt items")
    fields = {r.field for r in audit.history_of(mt)}
    assert {"date", "venue", "status"} <= fields and all(r.changed_by == BY for r in audit.history_of(mt))
    # a second Cabinet on the same day gets a suffix; a meeting without a date is refused on its field
    again = services.add_meeting(AddMeeting(by=BY, body="CABINET", date=dt.date(2023, 1, 5)))
    assert again.key == "CABINET-2023-01-05-2"
    with pytest.raises(GovernanceError) as exc:
        services.add_meeting(AddMeeting(by=BY, body="NOPE", date=None))
    assert exc.value.field_errors["date"] == "Date: give the meeting's date"
    with pytest.raises(GovernanceError) as exc:
        services.add_meeting(AddMeeting(by=BY, body="NOPE", date=dt.date(2023, 1, 1)))
    assert exc.value.field_errors == {"body": "Body: there is no body NOPE"}


def test_editing_a_meeting_is_stale_safe(gov):
    mt = gov["CABINET-2023-01-05"]
    opened = services.meeting_values(mt)
    services.edit_meeting(EditMeeting(by="other", meeting=mt.key, date=mt.date, start_time=dt.time(10),
                                      venue="Darent Room", type="ordinary", opened=opened))
    # this form changed the start time only: the other person's venue is kept
    mt = services.edit_meeting(EditMeeting(by=BY, meeting=mt.key, date=mt.date, start_time=dt.time(14),
                                           venue="Council Chamber", type="ordinary", presiding="gough-r", opened=opened))
    assert (mt.venue, mt.start_time, mt.presiding.key) == ("Darent Room", dt.time(14), "gough-r")
    with pytest.raises(StaleEdit) as exc:  # both changed the venue
        services.edit_meeting(EditMeeting(by=BY, meeting=mt.key, date=mt.date, start_time=dt.time(14),
                                          venue="Swale Room", type="ordinary", presiding="gough-r", opened=opened))
    assert "Venue was Council Chamber when you opened the form and is now Darent Room" in exc.value.field_errors["venue"]
    with pytest.raises(GovernanceError) as exc:
        services.edit_meeting(EditMeeting(by=BY, meeting=mt.key, date=mt.date, start_time=dt.time(14),
                                          scheduled_end=dt.time(12), venue="Darent Room", type="ordinary"))
    assert exc.value.field_errors == {"scheduled_end": "Scheduled end: is not after the start time"}


def test_the_agenda_header_is_saved_with_its_people_and_checked(gov):
    mt = gov["CABINET-2023-01-05"]
    agenda = services.save_agenda(SaveAgenda(
        by=BY, meeting=mt.key, dispatch_date=dt.date(2022, 12, 22), addressees="All Members of the Cabinet",
        signatory="watts-b", signatory_post="General Counsel", signatory_phone="03000 416814",
        contact_officer="kennedy-e", contact_phone="03000 419625", contact_email="emily.kennedy@kent.gov.uk",
        unrestricted_note=mt.agenda.unrestricted_note, exempt_note=mt.agenda.exempt_note,
        opened=services.agenda_values(mt.agenda)))
    assert agenda.signatory.key == "watts-b" and agenda.dispatch_date == dt.date(2022, 12, 22)
    assert {"signatory", "dispatch_date"} <= {r.field for r in audit.history_of(agenda)}
    with pytest.raises(GovernanceError) as exc:
        services.save_agenda(SaveAgenda(by=BY, meeting=mt.key, dispatch_date=dt.date(2023, 1, 6), signatory="nobody",
                                        contact_email="not-an-address"))
    assert set(exc.value.field_errors) == {"dispatch_date", "contact_email"}
    assert exc.value.field_errors["dispatch_date"].startswith("Dispatch date: is after the meeting")


def test_items_are_added_edited_made_exempt_and_moved(gov):
    mt = gov["CABINET-2023-01-05"]
    qpr = services.add_item(AddItem(by=BY, meeting=mt.key, title="Quarterly Performance Report (Quarter 2 2022/23)"))
    assert qpr.number == 3
    oral = services.add_item(AddItem(by=BY, meeting=mt.key, title="Cabinet Member Updates", category="standing",
                                     is_oral=True))
    assert oral.number == 4 and oral.is_oral
    with pytest.raises(GovernanceError) as exc:
        services.add_item(AddItem(by=BY, meeting=mt.key, title="Contract award", exempt=True))
    assert set(exc.value.field_errors) == {"exempt_paragraph", "public_interest_reason"}
    assert exc.value.field_errors["exempt_paragraph"].startswith("Schedule 12A paragraph: choose the paragraph")
    exempt = services.add_item(AddItem(by=BY, meeting=mt.key, title="Contract award", exempt=True, exempt_paragraph=3,
                                       public_interest_reason="The tender prices are commercially sensitive"))
    assert exempt.section == "exempt" and exempt.exempt_paragraph == 3
    mt.agenda.refresh_from_db()
    assert mt.agenda.exempt_note == "During these items the meeting is likely NOT to be open to the public"
    with pytest.raises(GovernanceError) as exc:
        services.add_item(AddItem(by=BY, meeting=mt.key, title="Twice", number=3))
    assert "item 3 is already on the agenda" in exc.value.field_errors["number"]
    # edited back to unrestricted: the paragraph and reasons go, the exempt text follows
    item = services.edit_item(EditItem(by=BY, meeting=mt.key, number=5, title="Contract award", category="report",
                                       opened=services.item_values(exempt)))
    assert item.section == "unrestricted" and item.exempt_paragraph is None and item.public_interest_reason == ""
    mt.agenda.refresh_from_db()
    assert mt.agenda.exempt_note.startswith("At the time of preparing the agenda there were no exempt items")
    # Cabinet Member Updates moves before the QPR
    services.move_item(MoveItem(by=BY, meeting=mt.key, number=4, to=3))
    assert list(mt.items.values_list("number", "title")) == [
        (1, "Apologies"), (2, "Declarations of Interest"), (3, "Cabinet Member Updates"),
        (4, "Quarterly Performance Report (Quarter 2 2022/23)"), (5, "Contract award")]
    oral.refresh_from_db()
    assert [(r.field, r.old_value, r.new_value) for r in audit.history_of(oral) if r.field == "number"] == [("number", "4", "3")]


def test_an_item_of_a_dispatched_pack_keeps_its_number_and_words(gov, clock):
    mt = gov["CABINET-2023-01-05"]
    m.Pack.objects.create(meeting=mt, title="Cabinet", pages={}, items=[1, 2], page_count=0, pdf=b"", html="",
                          sha256="0", dispatched_by=BY, dispatched_at=clock.now())
    with pytest.raises(GovernanceError, match="keep their numbers"):
        services.move_item(MoveItem(by=BY, meeting=mt.key, number=2, to=1))
    with pytest.raises(GovernanceError, match="was in the pack dispatched"):
        services.edit_item(EditItem(by=BY, meeting=mt.key, number=1, title="Apologies for Absence", category="standing"))
    added = services.add_item(AddItem(by=BY, meeting=mt.key, title="Urgent item"))  # a supplement's item
    assert services.edit_item(EditItem(by=BY, meeting=mt.key, number=added.number, title="Urgent business",
                                       category="report")).title == "Urgent business"


def test_cancelling_skips_the_planned_steps_and_records_where_the_business_went(gov):
    cab, gac, gac2 = gov["CABINET-2023-01-05"], gov["GAC-2023-01-24"], gov["GAC-2023-03-14"]
    paper = m.Paper.objects.create(key="CABINET-2023-01-05-03", meeting=cab, item=3, subject="Corporate Risk Register")
    services.add_pathway_step(AddPathwayStep(by=BY, paper=paper.key, body="CABINET", meeting=cab.key, role="current"))
    step = services.add_pathway_step(AddPathwayStep(by=BY, paper=paper.key, body="GAC", meeting=gac.key))
    with pytest.raises(GovernanceError) as exc:
        services.cancel_meeting(CancelMeeting(by=BY, meeting=gac.key, reason=""))
    assert exc.value.field_errors == {"reason": "Reason: say why the meeting is cancelled"}
    services.cancel_meeting(CancelMeeting(by=BY, meeting=gac.key, reason="Not quorate", moved_to=gac2.key))
    gac.refresh_from_db()
    step.refresh_from_db()
    assert gac.status == "cancelled" and gac.note == "Not quorate" and gac.business_moved_to == gac2
    assert step.status == "skipped"
    assert step.skip_reason == ("The meeting of Governance & Audit Committee on 24 January 2023 was cancelled: Not quorate. "
                                "Its business went to Governance & Audit Committee on 14 March 2023.")
    assert paper.pathway.get(step=1).status == "planned"  # the route goes straight on
    assert [r.reason for r in audit.history_of(gac) if r.field == "status"] == ["", "Not quorate"]
    with pytest.raises(GovernanceError, match="is cancelled, not scheduled"):
        services.cancel_meeting(CancelMeeting(by=BY, meeting=gac.key, reason="again"))
    with pytest.raises(GovernanceError, match="was cancelled"):
        services.add_item(AddItem(by=BY, meeting=gac.key, title="Too late"))


def test_a_meeting_is_held_only_once_it_has_happened(gov, clock):
    cab = gov["CABINET-2023-01-05"]
    paper = m.Paper.objects.create(key="P1", meeting=cab, item=3, subject="QPR")
    step = services.add_pathway_step(AddPathwayStep(by=BY, paper="P1", body="CABINET", meeting=cab.key, role="current"))
    with pytest.raises(GovernanceError, match="still to come"):
        services.mark_held(MarkHeld(by=BY, meeting=cab.key))
    clock.set("2023-01-05")
    assert services.mark_held(MarkHeld(by=BY, meeting=cab.key)).status == "held"
    step.refresh_from_db()
    assert step.status == "done" and paper.pathway.count() == 1


def test_a_pathway_step_is_skipped_with_its_reason(gov):
    cab = gov["CABINET-2023-01-05"]
    m.Paper.objects.create(key="P1", meeting=cab, item=3, subject="QPR")
    services.add_pathway_step(AddPathwayStep(by=BY, paper="P1", body="GAC"))
    with pytest.raises(GovernanceError) as exc:
        services.add_pathway_step(AddPathwayStep(by=BY, paper="P1", body="GAC", meeting=cab.key))
    assert exc.value.field_errors["meeting"] == "Meeting: Cabinet, 5 January 2023 is not a meeting of Governance & Audit Committee"
    row = services.skip_pathway_step(SkipPathwayStep(by=BY, paper="P1", step=1, reason="Taken at Council instead"))
    assert (row.status, row.skip_reason) == ("skipped", "Taken at Council instead")


def test_bodies_people_and_time_bounded_roles(gov):
    body = services.save_body(SaveBody(by=BY, code="GAC", name="Governance & Audit Committee", kind="committee",
                                       quorum=4, aliases=("Governance and Audit Committee",)))
    assert body.quorum == 4 and [r.field for r in audit.history_of(body)][-1] == "quorum"
    with pytest.raises(GovernanceError) as exc:
        services.save_body(SaveBody(by=BY, code="bad code", name="", kind="committee"))
    assert set(exc.value.field_errors) == {"code", "name"}
    role = services.assign_role(AssignRole(by=BY, person="gough-r", role="leader", body="CABINET",
                                           from_date=dt.date(2021, 5, 20)))
    gough = m.Person.objects.get(key="gough-r")
    assert services.roles_on(gough, dt.date(2023, 1, 5)) == [role]
    services.end_role(EndRole(by=BY, person="gough-r", role="leader", body="CABINET", to_date=dt.date(2023, 6, 1)))
    assert services.roles_on(gough, dt.date(2023, 6, 2)) == []
    with pytest.raises(GovernanceError) as exc:
        services.end_role(EndRole(by=BY, person="gough-r", role="leader", body="CABINET", to_date=dt.date(2020, 1, 1)))
    assert "is before the first day" in exc.value.field_errors["to_date"]
