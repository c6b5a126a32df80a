"""The cycle's services (beacon.governance.cycle): the default rules file, placements proposed on
the next suitable meetings with their dispatch deadlines, accepted (the paper made by the function
the caller passes), moved, skipped, and skipped when a meeting is cancelled."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clerk_fixtures import BY, make_governance  # noqa: E402

from beacon.core import audit  # noqa: E402
from beacon.governance import cycle  # noqa: E402
from beacon.governance import models as m  # noqa: E402
from beacon.governance import services  # noqa: E402
from beacon.governance.commands import AddMeeting, CancelMeeting, GovernanceError  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(clock):
    clock.set("2022-12-01")
    meetings = make_governance()
    cycle.load_rules(by=BY)
    return meetings


def fake_paper(placement):
    """Stands in for beacon.reports.papers.create_paper (tested with it in the web tests)."""
    mt = placement.meeting
    number = max(mt.items.values_list("number", flat=True), default=0) + 1
    paper = m.Paper.objects.create(key=f"{mt.key}-{number:02d}", meeting=mt, item=number, subject=placement.document_ref,
                                   document_ref=placement.document_ref)
    m.AgendaItem.objects.create(meeting=mt, number=number, title=paper.subject, category="report", paper=paper)
    return paper


def summary(placements):
    return [(p.rule.artefact, p.rule.step, p.meeting.key if p.meeting else None, p.dispatch_deadline, p.status)
            for p in placements]


def test_the_default_rules_name_the_four_bodies(gov):
    rules = list(m.CycleRule.objects.order_by("artefact", "step").values_list("artefact", "step", "body__code"))
    assert rules == [("qpr_quarterly", 1, "CABINET"), ("qpr_year_end", 1, "COUNCIL"),
                     ("register_directorate", 1, "CYPE-CC"), ("register_refresh", 1, "CABINET"),
                     ("register_refresh", 2, "GAC")]
    assert cycle.load_rules(by=BY) and m.CycleRule.objects.count() == 5  # loading again changes nothing


def test_a_rules_file_naming_an_unknown_body_is_refused_whole(gov, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [{"artefact": "qpr_quarterly", "step": 1, "body": "CABINET", "dispatch_days": 7},
                                          {"artefact": "qpr_quarterly", "step": 2, "body": "NOPE"}]}))
    with pytest.raises(GovernanceError) as exc:
        cycle.load_rules(path, by=BY)
    assert "rules.json: rule 2: there is no body “NOPE”" in str(exc.value)
    assert m.CycleRule.objects.get(artefact="qpr_quarterly").dispatch_days == 14


def test_a_quarterly_qpr_goes_to_the_next_cabinet_with_its_deadline(gov):
    placed = cycle.propose_placements("qpr:2022/23 Q2", BY)
    assert summary(placed) == [("qpr_quarterly", 1, "CABINET-2023-01-05", dt.date(2022, 12, 22), "proposed")]


def test_after_the_deadline_the_next_meeting_is_proposed(gov, clock):
    clock.set("2022-12-23")
    placed = cycle.propose_placements("qpr:2022/23 Q2", BY)
    assert summary(placed) == [("qpr_quarterly", 1, "CABINET-2023-02-09", dt.date(2023, 1, 26), "proposed")]


def test_the_year_end_qpr_also_goes_to_county_council(gov):
    placed = cycle.propose_placements("qpr:2022/23 Q4", BY, document_date=dt.date(2022, 12, 1))
    assert summary(placed) == [("qpr_quarterly", 1, "CABINET-2023-01-05", dt.date(2022, 12, 22), "proposed"),
                               ("qpr_year_end", 1, "COUNCIL-2023-02-16", dt.date(2023, 2, 2), "proposed")]


def test_the_register_goes_to_cabinet_then_governance_and_audit(gov):
    placed = cycle.propose_placements("register:Cabinet@2023-01-05", BY)
    assert summary(placed) == [("register_refresh", 1, "CABINET-2023-01-05", dt.date(2022, 12, 22), "proposed"),
                               ("register_refresh", 2, "GAC-2023-01-24", dt.date(2023, 1, 10), "proposed")]
    directorate = cycle.propose_placements("register:CYPE Cabinet Committee@2023-03-08", BY)
    assert summary(directorate) == [("register_directorate", 1, "CYPE-CC-2023-03-08", dt.date(2023, 2, 22), "proposed")]
    with pytest.raises(GovernanceError, match="no rule of the cycle takes"):
        cycle.propose_placements("register:Personnel Committee@2023-03-08", BY)


def test_accepting_makes_the_paper_and_its_pathway(gov):
    first, second = cycle.propose_placements("register:Cabinet@2023-01-05", BY)
    accepted = cycle.accept_placement(cycle.AcceptPlacement(by=BY, placement=first.pk), fake_paper)
    assert accepted.status == "accepted" and accepted.paper.meeting.key == "CABINET-2023-01-05"
    steps = list(accepted.paper.pathway.values_list("step", "body__code", "meeting__key", "role", "status"))
    assert steps == [(1, "CABINET", "CABINET-2023-01-05", "current", "planned"),
                     (2, "GAC", "GAC-2023-01-24", "future", "planned")]
    with pytest.raises(GovernanceError, match="it is accepted"):
        cycle.accept_placement(cycle.AcceptPlacement(by=BY, placement=first.pk), fake_paper)
    assert "status" in {r.field for r in audit.history_of(accepted)}
    # proposing again keeps the accepted step and the next step after it
    assert summary(cycle.propose_placements("register:Cabinet@2023-01-05", BY))[0][-1] == "accepted"


def test_a_step_moves_only_to_a_meeting_that_keeps_the_order(gov):
    first, second = cycle.propose_placements("register:Cabinet@2023-01-05", BY)
    with pytest.raises(GovernanceError) as exc:
        cycle.move_placement(cycle.MovePlacement(by=BY, placement=second.pk, meeting="CABINET-2023-02-09"))
    assert exc.value.field_errors["meeting"] == "Meeting: Cabinet, 9 February 2023 is not a meeting of Governance & Audit Committee"
    moved = cycle.move_placement(cycle.MovePlacement(by=BY, placement=second.pk, meeting="GAC-2023-03-14"))
    assert (moved.meeting.key, moved.dispatch_deadline, moved.status) == ("GAC-2023-03-14", dt.date(2023, 2, 28), "proposed")
    late = services.add_meeting(AddMeeting(by=BY, body="CABINET", date=dt.date(2023, 3, 20)))
    with pytest.raises(GovernanceError) as exc:  # Cabinet after the G&A meeting would break the order
        cycle.move_placement(cycle.MovePlacement(by=BY, placement=first.pk, meeting=late.key))
    assert "is not before the next step's meeting on 14 March 2023" in exc.value.field_errors["meeting"]


def test_skipping_and_cancelling_leave_the_route_going_straight_on(gov):
    first, second = cycle.propose_placements("register:Cabinet@2023-01-05", BY)
    accepted = cycle.accept_placement(cycle.AcceptPlacement(by=BY, placement=first.pk), fake_paper)
    services.cancel_meeting(CancelMeeting(by=BY, meeting="GAC-2023-01-24", reason="No business"))
    second.refresh_from_db()
    assert second.status == "skipped" and second.skip_reason.startswith(
        "The meeting of Governance & Audit Committee on 24 January 2023 was cancelled: No business.")
    step = accepted.paper.pathway.get(step=2)
    assert (step.status, step.skip_reason) == ("skipped", second.skip_reason)
    with pytest.raises(GovernanceError) as exc:
        cycle.skip_placement(cycle.SkipPlacement(by=BY, placement=first.pk, reason=""))
    assert exc.value.field_errors == {"reason": "Reason: say why the step is skipped"}
    q = cycle.propose_placements("qpr:2022/23 Q2", BY)[0]
    skipped = cycle.skip_placement(cycle.SkipPlacement(by=BY, placement=q.pk, reason="Deferred to Q3"))
    assert (skipped.status, skipped.skip_reason) == ("skipped", "Deferred to Q3")
    with pytest.raises(GovernanceError, match="no meeting is proposed|it is skipped"):
        cycle.accept_placement(cycle.AcceptPlacement(by=BY, placement=q.pk), fake_paper)


def test_a_directorate_edition_goes_to_its_committee_found_by_name_or_directorate(gov, tmp_path):
    placed = cycle.propose_placements("register:Children, Young People and Education@2023-03-08", BY,
                                      directorate="CYPE")
    assert summary(placed) == [("register_directorate", 1, "CYPE-CC-2023-03-08", dt.date(2023, 2, 22), "proposed")]
    # a second committee taking the same directorate's edition is a route of its own
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [{"artefact": "register_directorate", "step": 1, "body": "GAC",
                                           "directorate": "CYPE"}]}))
    cycle.load_rules(path, by=BY)
    placed = cycle.propose_placements("register:CYPE Cabinet Committee@2023-03-08", BY, directorate="CYPE")
    assert sorted(p.meeting.key for p in placed) == ["CYPE-CC-2023-03-08", "GAC-2023-03-14"]


def test_the_rules_command_loads_the_default_file_and_names_a_bad_one(clock, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    clock.set("2022-12-01")
    make_governance()
    out = StringIO()
    call_command("cycle_rules", "--user", "clerk", stdout=out)
    assert out.getvalue().startswith("5 cycle rules loaded from ") and m.CycleRule.objects.count() == 5
    path = tmp_path / "bad.json"
    path.write_text('{"rules": [{"artefact": "minutes", "body": "CABINET"}]}')
    with pytest.raises(CommandError, match="bad.json: rule 1: artefact “minutes” is not one of"):
        call_command("cycle_rules", str(path))
