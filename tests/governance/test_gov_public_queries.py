"""The read models of beacon.governance.queries: typed and frozen, dates in words, and exempt
items stripped of everything but their number, title and Schedule 12A label unless the reader
may see exempt items."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from beacon.governance import queries as q
from gov_public_fixtures import SECRET, make_governance, make_users

pytestmark = pytest.mark.django_db
TODAY = dt.date(2023, 1, 1)


@pytest.fixture
def gov(db):
    return make_governance()


def strings(obj) -> str:
    """Every text a read model holds, joined (to look for exempt words anywhere in it)."""
    if dataclasses.is_dataclass(obj):
        return " ".join(strings(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    if isinstance(obj, (tuple, list)):
        return " ".join(strings(x) for x in obj)
    return str(obj)


def test_read_models_are_frozen(gov):
    view = q.meeting_view("CABINET-2023-01-05", exempt=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.summary = None
    assert view.summary.date_text == "Thursday, 5 January 2023" and view.summary.time_text == "10am"
    assert view.agenda.dispatch_date == "22 December 2022"
    assert view.agenda.signatory.full_name == "Benjamin Watts" and view.agenda.contact.key == "kennedy-e"


def test_who_may_see_exempt_items(gov):
    users = make_users()
    from django.contrib.auth.models import AnonymousUser

    assert q.may_view_exempt(users["member"]) and q.may_view_exempt(users["clerk"])
    assert not q.may_view_exempt(users["reader"]) and not q.may_view_exempt(AnonymousUser())


def test_the_public_read_model_holds_nothing_exempt(gov):
    for key in ("CABINET-2022-12-01", "COUNCIL-2022-12-08"):
        assert SECRET not in strings(q.meeting_view(key, exempt=False))
        assert SECRET in strings(q.meeting_view(key, exempt=True))
    view = q.meeting_view("CABINET-2022-12-01", exempt=False)
    item = view.exempt_items[0]
    assert (item.number, item.title, item.withheld, item.paper) == (10, "Acquisition of land at Example Road", True, None)
    assert item.exempt_label.startswith("Exempt under paragraph 3 of Part 1 of Schedule 12A")
    assert view.withheld_items == 1 and [r.minute_number for r in view.decisions] == [2]
    minute = next(mi for mi in view.minutes.minutes if mi.number == 9)
    assert minute.withheld and minute.paragraphs == () and minute.resolutions == () and minute.in_attendance == ()
    for person in ("surveyor-x", "gough-r", "hill-p"):
        assert SECRET not in strings(q.person_view(person, False, TODAY))
    assert SECRET not in strings(q.decisions(q.DecisionQuery(), False))
    assert SECRET in strings(q.decisions(q.DecisionQuery(), True))
    assert SECRET not in strings(q.motions_with_votes(False)) and SECRET in strings(q.motions_with_votes(True))
    assert SECRET not in strings(q.agenda_items(False))


def test_an_exempt_paper_on_an_unrestricted_item_is_exempt_too(gov):
    from beacon.domain import governance as g
    from beacon.governance import models as m

    paper = m.Paper.objects.get(key="CABINET-2023-01-05-07")
    paper.classification = g.Section.EXEMPT
    paper.summary = f"{SECRET}-REGISTER"
    paper.save()
    view = q.meeting_view("CABINET-2023-01-05", exempt=False)
    assert SECRET not in strings(view)
    assert [i.number for i in view.exempt_items] == [7]
    assert not any(f.code == "CABINET-2023-01-05-07" for f in q.find_papers(["register"], False, 10))
    assert any(f.code == "CABINET-2023-01-05-07" for f in q.find_papers(["register"], True, 10))


def test_the_calendar_splits_on_today_and_groups_by_month(gov):
    cal = q.body_calendar("CABINET", TODAY)
    assert [mo.label for mo in cal.upcoming] == ["January 2023", "February 2023"]
    assert [s.key for s in cal.upcoming[1].meetings] == ["CABINET-2023-02-09", "CABINET-2023-02-16"]
    cancelled = cal.upcoming[1].meetings[0]
    assert cancelled.status_label == "Cancelled" and cancelled.moved_to.key == "CABINET-2023-02-16"
    assert [mo.label for mo in cal.past] == ["December 2022"]
    assert cal.body.next_meeting == "5 January 2023"
    later = q.body_calendar("CABINET", dt.date(2023, 3, 1))
    assert later.upcoming == () and [mo.label for mo in later.past] == ["February 2023", "January 2023", "December 2022"]
    with pytest.raises(q.NotFound):
        q.body_calendar("NOPE", TODAY)


def test_papers_keep_their_cover_header(gov):
    view = q.meeting_view("CABINET-2023-01-05", exempt=False)
    qpr = next(i for i in view.items if i.number == 6)
    assert qpr.pages == "(Pages 7 - 64)" and qpr.paper.to == "Cabinet – 5 January 2023"
    assert qpr.paper.from_lines == ("Roger Gough – Leader of the Council",) and qpr.paper.decision_no == ""
    assert qpr.paper.summary[1] == "Second paragraph." and qpr.paper.recommendations[0].verb == "NOTE"
    register = next(i for i in view.items if i.number == 7).paper
    assert [(s.body, s.role, s.status) for s in register.pathway] == [
        ("Cabinet", "Current", "Planned"), ("Governance & Audit Committee", "Future", "Planned")]
    assert [a.key for a in register.authors] == ["kennedy-e"] and register.relevant_directors[0].full_name == "Benjamin Watts"
    assert register.contacts_label == "Report Author / Relevant Director" and len(register.contacts) == 2
    assert [p.label for p in view.packs] == ["Public pack"]
    assert [p.audience for p in q.meeting_view("CABINET-2023-01-05", exempt=True).packs] == ["public", "members"]
    assert view.minutes is None  # no minutes for a meeting not yet held


def test_decisions_filters_and_pages(gov):
    page = q.decisions(q.DecisionQuery(page_size=1), False)
    assert (page.total, page.pages, page.first, page.last) == (2, 2, 1, 1)
    assert page.rows[0].identifier == "COUNCIL-2022-12-08/41"
    assert q.decisions(q.DecisionQuery(page=2, page_size=1), False).rows[0].identifier == "CABINET-2022-12-01/2"
    assert q.decisions(q.DecisionQuery(text="strategy care"), False).total == 1
    assert q.decisions(q.DecisionQuery(text="strategy bus"), False).total == 0
    assert q.decisions(q.DecisionQuery(body="COUNCIL"), False).total == 1
    assert q.decisions(q.DecisionQuery(verb="approve"), False).total == 1
    assert q.decisions(q.DecisionQuery(date_from=dt.date(2022, 12, 2)), False).total == 1
    assert q.decisions(q.DecisionQuery(date_to=dt.date(2022, 12, 1)), False).total == 1


def test_the_person_record(gov):
    hill = q.person_view("hill-p", False, TODAY)
    assert hill.name == "Mr P M Hill, OBE" and hill.full_name == "Peter Hill"
    assert [(r.role, r.title, r.current) for r in hill.roles] == [
        ("Lead Member", "PREVENT", True), ("Cabinet Member", "Community and Regulatory Services", False)]
    assert hill.roles[1].aliases == ("Communities",) and hill.roles[1].period == "from 27 May 2021 to 31 October 2022"
    assert (hill.present, hill.apologies) == (2, 0)
    carey = q.person_view("carey-s", False, TODAY)
    assert (carey.present, carey.apologies) == (1, 1)
    assert [v[2] for v in carey.votes] == ["For"]
    hammond = q.person_view("hammond-s", False, TODAY)
    assert [(i.minute_number, i.title) for i in hammond.items_attended] == [(2, "Kent and Medway Interim Integrated Care Strategy")]
    assert q.person_view("surveyor-x", False, TODAY).items_attended == ()
    assert q.person_view("surveyor-x", True, TODAY).items_attended[0].minute_number == 9
